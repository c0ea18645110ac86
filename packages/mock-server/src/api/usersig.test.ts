import { deflateSync, inflateSync } from 'node:zlib';
import { signUserSig } from '@timock/client';
import { vendorUserSig } from '@timock/test-support';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inspectUserSig, verdictAt, verifyUserSig } from './usersig.js';

const KEY = '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e';
const APP = 1400000000;
const T0 = 1600000000;
const REFERENCE_USERSIG =
  'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEMVTa0oyCwCiZuamhrBRYsz05WslLxTilINk0zLU-zdHYsLopIzncO1nVwjA8NSky3Ks7K0DU30o3LcUjKjyrNtlWoBPAA0ug__';

const toUrlSafe = (b64: string) => b64.replace(/\+/g, '*').replace(/\//g, '-').replace(/=/g, '_');
const fromUrlSafe = (s: string) => s.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '=');
const encodeDoc = (doc: unknown, level = 6) =>
  toUrlSafe(deflateSync(Buffer.from(JSON.stringify(doc)), { level }).toString('base64'));
const decodeDoc = (sig: string) =>
  JSON.parse(inflateSync(Buffer.from(fromUrlSafe(sig), 'base64')).toString()) as Record<string, unknown>;

const admin = { sdkappid: APP, identifier: 'administrator', secretKey: KEY };

afterEach(() => {
  vi.useRealTimers();
});

describe('verifyUserSig', () => {
  it('accepts the whole UserSig of the reference at its signing time', () => {
    expect(verifyUserSig(REFERENCE_USERSIG, { ...admin, nowSeconds: T0 })).toEqual({
      ok: true,
      expiresAt: T0 + 15552000,
    });
  });

  it('accepts documents carrying the reference test vectors (with and without userbuf)', () => {
    const vectors = [
      { identifier: 'xiaojun', sig: '1Z5PngDjGaufeSiPoBuxdHY7EK3JTdAjMP93S4KvV3M=' },
      { identifier: 'administrator', sig: 'Kdre1b5wdOGAspZciCW+BEYQVec8wjj+14/ZlFdiZwk=' },
      {
        identifier: 'xiaojun',
        sig: '9tvdyuu11RSxrIwX0xC05oW7LdPxVnzkzBpcRT/UqfM=',
        userbuf: Buffer.from('abc').toString('base64'),
      },
    ];
    for (const v of vectors) {
      const doc = {
        'TLS.ver': '2.0',
        'TLS.identifier': v.identifier,
        'TLS.sdkappid': APP,
        'TLS.time': T0,
        'TLS.expire': 15552000,
        ...(v.userbuf ? { 'TLS.userbuf': v.userbuf } : {}),
        'TLS.sig': v.sig,
      };
      const result = verifyUserSig(encodeDoc(doc), { ...admin, identifier: v.identifier, nowSeconds: T0 });
      expect(result, v.identifier).toEqual({ ok: true, expiresAt: T0 + 15552000 });
    }
  });

  it('maps every failure of signatures from the official package to its code', () => {
    const now = 1_700_000_000;
    const good = vendorUserSig(APP, KEY, 'administrator', 86400, now - 60);
    const at = (sig: string, over: Partial<typeof admin> = {}, nowSeconds = now) =>
      verifyUserSig(sig, { ...admin, ...over, nowSeconds });

    expect(at(good)).toEqual({ ok: true, expiresAt: now - 60 + 86400 });
    expect(at(good, {}, now - 60 + 86400)).toMatchObject({ ok: true }); // the last valid second
    expect(at(good, {}, now - 60 + 86401)).toEqual({ ok: false, code: 70001 }); // expired
    expect(at(vendorUserSig(APP, KEY, 'bob', 86400, now))).toEqual({ ok: false, code: 70013 }); // other identifier
    expect(at(vendorUserSig(APP + 1, KEY, 'administrator', 86400, now))).toEqual({
      ok: false,
      code: 70014,
      usersigSdkappid: APP + 1,
    }); // other app
    expect(at(vendorUserSig(APP, `${KEY}0`, 'administrator', 86400, now))).toEqual({
      ok: false,
      code: 70009,
    }); // other key
    expect(at(good.slice(0, good.length - 12))).toEqual({ ok: false, code: 70003 }); // truncated
    expect(at(good.slice(0, 40))).toEqual({ ok: false, code: 70003 });
    expect(at('this-is-not-a-usersig')).toEqual({ ok: false, code: 70003 }); // garbage
    expect(at('%%%%')).toEqual({ ok: false, code: 70003 });
    expect(at('')).toEqual({ ok: false, code: 70002 }); // empty
  });

  it('checks in the table order: other app before other identifier before expiry before HMAC', () => {
    const now = 1_700_000_000;
    // Expired AND signed with another key: expiry answers first.
    const expiredOtherKey = vendorUserSig(APP, 'other-key', 'administrator', 10, now - 1000);
    expect(verifyUserSig(expiredOtherKey, { ...admin, nowSeconds: now })).toEqual({ ok: false, code: 70001 });
    // Other app AND other identifier: 70014 first.
    const both = vendorUserSig(APP + 1, KEY, 'bob', 86400, now);
    expect(verifyUserSig(both, { ...admin, nowSeconds: now })).toEqual({
      ok: false,
      code: 70014,
      usersigSdkappid: APP + 1,
    });
  });

  it('accepts any key order and compression level, and rejects tampering', () => {
    const now = 1_700_000_000;
    const doc = decodeDoc(vendorUserSig(APP, KEY, 'administrator', 86400, now));
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    for (const level of [0, 1, 9]) {
      expect(verifyUserSig(encodeDoc(reordered, level), { ...admin, nowSeconds: now }).ok).toBe(true);
    }
    // Unpadded base64 (some libraries strip the padding) is accepted too.
    const unpadded = encodeDoc(doc).replace(/_+$/, '');
    expect(verifyUserSig(unpadded, { ...admin, nowSeconds: now }).ok).toBe(true);

    const sig = Buffer.from(doc['TLS.sig'] as string, 'base64');
    sig[0] = sig[0]! ^ 1;
    const flipped = { ...doc, 'TLS.sig': sig.toString('base64') };
    expect(verifyUserSig(encodeDoc(flipped), { ...admin, nowSeconds: now })).toEqual({
      ok: false,
      code: 70009,
    });
    const longer = { ...doc, 'TLS.expire': 86401 };
    expect(verifyUserSig(encodeDoc(longer), { ...admin, nowSeconds: now })).toEqual({
      ok: false,
      code: 70009,
    });
    const shortSig = { ...doc, 'TLS.sig': 'AAAA' };
    expect(verifyUserSig(encodeDoc(shortSig), { ...admin, nowSeconds: now })).toEqual({
      ok: false,
      code: 70009,
    });
  });

  it('answers 70003 for documents that lack a field or have the wrong types or version', () => {
    const now = 1_700_000_000;
    const doc = decodeDoc(vendorUserSig(APP, KEY, 'administrator', 86400, now));
    const { 'TLS.sig': _sig, ...noSig } = doc;
    const cases = [
      noSig,
      { ...doc, 'TLS.ver': '1.0' },
      { ...doc, 'TLS.time': String(doc['TLS.time']) },
      { ...doc, 'TLS.sdkappid': String(APP) },
      { ...doc, 'TLS.expire': -5 },
      [doc],
      'a string',
      null,
    ];
    for (const c of cases) {
      expect(verifyUserSig(encodeDoc(c), { ...admin, nowSeconds: now }), JSON.stringify(c)).toEqual({
        ok: false,
        code: 70003,
      });
    }
    // Not zlib, not JSON, a zip bomb.
    expect(
      verifyUserSig(toUrlSafe(Buffer.from('{"a":1}').toString('base64')), { ...admin, nowSeconds: now }).ok,
    ).toBe(false);
    const notJson = toUrlSafe(deflateSync(Buffer.from('not json')).toString('base64'));
    expect(verifyUserSig(notJson, { ...admin, nowSeconds: now })).toEqual({ ok: false, code: 70003 });
    const bomb = toUrlSafe(deflateSync(Buffer.alloc(1_000_000, 32)).toString('base64'));
    expect(verifyUserSig(bomb, { ...admin, nowSeconds: now })).toEqual({ ok: false, code: 70003 });
  });

  it('separates the clock-independent inspection from the clock', () => {
    const sig = vendorUserSig(APP, KEY, 'administrator', 100, 1000);
    const inspection = inspectUserSig(sig, admin);
    expect(inspection).toEqual({ issuedAt: 1000, expiresAt: 1100, hmacOk: true });
    expect(verdictAt(inspection, 1100)).toEqual({ ok: true, expiresAt: 1100 });
    expect(verdictAt(inspection, 1101)).toEqual({ ok: false, code: 70001 });
    expect(verdictAt({ issuedAt: 1000, expiresAt: 1100, hmacOk: false }, 1000)).toEqual({
      ok: false,
      code: 70009,
    });
  });
});

describe('verifyUserSig and the one signer (@timock/client)', () => {
  it('accepts a UserSig signed with the real clock', () => {
    const before = Math.floor(Date.now() / 1000);
    const sig = signUserSig({ sdkappid: APP, secretKey: KEY, identifier: 'administrator' });
    expect(verifyUserSig(sig, { ...admin, nowSeconds: before + 10 }).ok).toBe(true);
    expect(verifyUserSig(sig, { ...admin, nowSeconds: before + 86_401 + 10 })).toEqual({
      ok: false,
      code: 70001,
    });
  });
});
