import { createHmac } from 'node:crypto';
import { userSigContent } from '@timock/schema';
import { vendorUserSig } from '@timock/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { APP, decodeUserSig, REFERENCE_KEY, verifyUserSig } from '../test/helpers.js';
import { InvalidOptionsError } from './errors.js';
import { createUserSigSource, signUserSig } from './usersig.js';

const T0 = 1_600_000_000_000;

describe('signUserSig', () => {
  afterEach(() => vi.restoreAllMocks());

  it('reproduces the reference UserSig of the official package, byte for byte', () => {
    const sig = signUserSig({
      sdkappid: 1400000000,
      secretKey: REFERENCE_KEY,
      identifier: 'administrator',
      lifetimeSeconds: 15552000,
      nowMs: T0 + 999, // TLS.time is the whole second
    });
    expect(sig).toBe(
      'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEMVTa0oyCwCiZuamhrBRYsz05WslLxTilINk0zLU-zdHYsLopIzncO1nVwjA8NSky3Ks7K0DU30o3LcUjKjyrNtlWoBPAA0ug__',
    );
  });

  it('signs a document that verifies with the reference algorithm (HMAC-SHA256 of the content)', () => {
    const nowMs = 1_700_000_123_456;
    const sig = signUserSig({ ...APP, identifier: 'administrator', lifetimeSeconds: 86400, nowMs });
    expect(sig).toMatch(/^[A-Za-z0-9*\-_]+$/); // the URL-safe alphabet of section 4
    const doc = decodeUserSig(sig);
    expect(doc).toMatchObject({
      'TLS.ver': '2.0',
      'TLS.identifier': 'administrator',
      'TLS.sdkappid': APP.sdkappid,
      'TLS.time': 1_700_000_123,
      'TLS.expire': 86400,
    });
    expect(verifyUserSig(sig, APP.secretKey, 'administrator', APP.sdkappid, 1_700_000_123)).toBe('ok');
    expect(verifyUserSig(sig, REFERENCE_KEY, 'administrator', APP.sdkappid, 1_700_000_123)).toBe('hmac');
    expect(verifyUserSig(sig, APP.secretKey, 'someone', APP.sdkappid, 1_700_000_123)).toBe('identifier');
    expect(verifyUserSig(sig, APP.secretKey, 'administrator', APP.sdkappid, 1_700_000_123 + 86401)).toBe(
      'expired',
    );
  });

  it('restores Date.now afterwards, even when signing throws', () => {
    const before = Date.now;
    signUserSig({ ...APP, identifier: 'administrator', lifetimeSeconds: 60, nowMs: 5 });
    expect(Date.now).toBe(before);
    expect(() =>
      signUserSig({
        ...APP,
        secretKey: undefined as unknown as string, // createHmac throws on an undefined key
        identifier: 'administrator',
        lifetimeSeconds: 60,
        nowMs: 5,
      }),
    ).toThrow();
    expect(Date.now).toBe(before);
  });
});

describe('signUserSig (the one signer; these tests came from @timock/mock-server)', () => {
  afterEach(() => vi.useRealTimers());

  it('equals the official package byte for byte at the same instant, and restores Date.now', () => {
    const realNow = Date.now;
    for (const [identifier, expire, now] of [
      ['administrator', 86400, 1_700_000_000],
      ['bob', 1, 1_234_567_890],
      ['用户', 604800, 1_800_000_000],
    ] as const) {
      const ours = signUserSig({
        sdkappid: APP.sdkappid,
        secretKey: REFERENCE_KEY,
        identifier,
        lifetimeSeconds: expire,
        nowMs: now * 1000,
      });
      expect(ours).toBe(vendorUserSig(APP.sdkappid, REFERENCE_KEY, identifier, expire, now));
      expect(Date.now).toBe(realNow);
    }
  });

  it('signs for the real clock by default, valid for one day, and the result verifies', () => {
    const before = Math.floor(Date.now() / 1000);
    const sig = signUserSig({ ...APP, identifier: 'administrator' });
    const doc = decodeUserSig(sig);
    expect(doc['TLS.expire']).toBe(86400);
    expect(doc['TLS.time']).toBeGreaterThanOrEqual(before);
    expect(doc['TLS.sig']).toBe(
      createHmac('sha256', APP.secretKey)
        .update(userSigContent('administrator', APP.sdkappid, doc['TLS.time'], 86400))
        .digest('base64'),
    );
    expect(verifyUserSig(sig, APP.secretKey, 'administrator', APP.sdkappid, before + 10)).toBe('ok');
  });

  it('rejects nonsense arguments', () => {
    const base = { ...APP, identifier: 'a' };
    expect(() => signUserSig({ ...base, sdkappid: 0 })).toThrow(RangeError);
    expect(() => signUserSig({ ...base, sdkappid: 1.5 })).toThrow(RangeError);
    expect(() => signUserSig({ ...base, lifetimeSeconds: -1 })).toThrow(RangeError);
    expect(() => signUserSig({ ...base, lifetimeSeconds: 1.5 })).toThrow(RangeError);
    expect(() => signUserSig({ ...base, nowMs: -1 })).toThrow(RangeError);
    expect(() => signUserSig({ ...base, nowMs: Number.NaN })).toThrow(RangeError);
  });
});

describe('createUserSigSource', () => {
  const source = (now: () => number, lifetimeSeconds = 1000) =>
    createUserSigSource({ ...APP, identifier: 'administrator', lifetimeSeconds, now });

  it('reuses a UserSig until less than 10% of its life is left, then signs a new one', () => {
    let t = T0;
    const get = source(() => t);
    const first = get();
    t = T0 + 899_999; // 10.0001% left
    expect(get()).toBe(first);
    t = T0 + 900_001; // just under 10% left
    const second = get();
    expect(second).not.toBe(first);
    expect(decodeUserSig(second)['TLS.time']).toBe((T0 + 900_001 - 1) / 1000);
    expect(verifyUserSig(second, APP.secretKey, 'administrator', APP.sdkappid, (T0 + 1_500_000) / 1000)).toBe(
      'ok',
    );
    expect(get()).toBe(second);
  });

  it('counts the life from the whole second in TLS.time', () => {
    let t = T0 + 999; // TLS.time = T0/1000, so the sig expires at T0 + 1000 s
    const get = source(() => t);
    const first = get();
    t = T0 + 900_000; // exactly 10% left: keep
    expect(get()).toBe(first);
    t = T0 + 900_001;
    expect(get()).not.toBe(first);
  });

  it('uses a fixed UserSig as is, without a key', () => {
    const get = createUserSigSource({
      sdkappid: 1,
      identifier: 'a',
      userSig: 'fixed',
      lifetimeSeconds: 1,
      now: () => 0,
    });
    expect(get()).toBe('fixed');
  });

  it('refuses neither a key nor a UserSig with the options error (was a TypeError)', () => {
    const neither = () =>
      createUserSigSource({ sdkappid: 1, identifier: 'a', lifetimeSeconds: 1, now: () => 0 });
    expect(neither).toThrow(InvalidOptionsError);
    expect(neither).toThrow(/secretKey: give exactly one of secretKey and userSig/);
  });
});
