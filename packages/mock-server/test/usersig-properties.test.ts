/**
 * Property tests of UserSig verification: arbitrary strings and mutations of valid UserSigs are never
 * accepted unless the HMAC is right for the request's identifier and app and the UserSig has not
 * expired; and a differential test against an independent reference verifier written here from the
 * reference's algorithm (section 4 of the project's API reference), on thousands of signatures.
 */
import { createHmac } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { signUserSig } from '@timock/client';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type UserSigVerdict, verifyUserSig } from '../src/api/usersig.js';
import { DEMO_APP } from '../src/options.js';

const KEY = DEMO_APP.secretKey;
const OTHER_KEY = 'a-different-secret-key';
const SDKAPPID = DEMO_APP.sdkappid;
const T0 = 1_700_000_000;

// ------------------------------------------------------------------ reference verifier

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 to bytes, by hand; padding optional (as the vendor's PHP library reads it). */
function refBase64(text: string): Uint8Array | undefined {
  const body = text.replace(/={1,2}$/, '');
  if (body.length % 4 === 1) return undefined;
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of body) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return undefined;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

const isSeconds = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * The reference's verification, step by step: undo `*`/`-`/`_`, base64-decode, inflate, parse; the
 * document must be version "2.0" with numeric fields as JSON numbers; then SDKAppID, identifier,
 * expiry (`now > time + expire`), and the HMAC compared as the base64 text the signer wrote.
 */
function referenceVerify(
  userSig: string,
  req: { sdkappid: number; identifier: string; key: string; now: number },
): UserSigVerdict {
  if (userSig === '') return { ok: false, code: 70002 };
  const bytes = refBase64(userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '='));
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(inflateSync(bytes!).toString('utf8'));
  } catch {
    return { ok: false, code: 70003 };
  }
  if (
    typeof doc !== 'object' ||
    doc === null ||
    doc['TLS.ver'] !== '2.0' ||
    typeof doc['TLS.identifier'] !== 'string' ||
    !isSeconds(doc['TLS.sdkappid']) ||
    doc['TLS.sdkappid'] === 0 ||
    !isSeconds(doc['TLS.time']) ||
    !isSeconds(doc['TLS.expire']) ||
    !(doc['TLS.userbuf'] === undefined || typeof doc['TLS.userbuf'] === 'string') ||
    typeof doc['TLS.sig'] !== 'string' ||
    doc['TLS.sig'] === ''
  ) {
    return { ok: false, code: 70003 };
  }
  if (doc['TLS.sdkappid'] !== req.sdkappid)
    return { ok: false, code: 70014, usersigSdkappid: doc['TLS.sdkappid'] };
  if (doc['TLS.identifier'] !== req.identifier) return { ok: false, code: 70013 };
  const expiresAt = doc['TLS.time'] + doc['TLS.expire'];
  if (req.now > expiresAt) return { ok: false, code: 70001 };
  let content =
    `TLS.identifier:${req.identifier}\nTLS.sdkappid:${req.sdkappid}\n` +
    `TLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  if (doc['TLS.userbuf'] !== undefined) content += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  const sig = createHmac('sha256', req.key).update(content).digest('base64');
  if (sig !== doc['TLS.sig']) return { ok: false, code: 70009 };
  return { ok: true, expiresAt };
}

// ------------------------------------------------------------------ building and mutating UserSigs

type Doc = Record<string, unknown>;

/** Signs a document's content by hand (HMAC-SHA256, base64) for `identifier`/`sdkappid` with `key`. */
function hmacOf(doc: Doc, key: string): string {
  let content =
    `TLS.identifier:${doc['TLS.identifier']}\nTLS.sdkappid:${doc['TLS.sdkappid']}\n` +
    `TLS.time:${doc['TLS.time']}\nTLS.expire:${doc['TLS.expire']}\n`;
  if (doc['TLS.userbuf'] !== undefined) content += `TLS.userbuf:${doc['TLS.userbuf']}\n`;
  return createHmac('sha256', key).update(content).digest('base64');
}

/** Serializes `doc` with its keys in `order`, compresses at `level`, and applies the URL-safe alphabet. */
function encode(doc: Doc, level: number, order?: readonly string[]): string {
  const keys = order ?? Object.keys(doc);
  const json = `{${keys.filter((k) => k in doc).map((k) => `${JSON.stringify(k)}:${JSON.stringify(doc[k])}`)}}`;
  return deflateSync(json, { level })
    .toString('base64')
    .replaceAll('+', '*')
    .replaceAll('/', '-')
    .replaceAll('=', '_');
}

/** Decodes an official UserSig back into its document. */
function decode(userSig: string): Doc {
  const b64 = userSig.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
  return JSON.parse(inflateSync(Buffer.from(b64, 'base64')).toString('utf8'));
}

const identifierArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant('administrator') },
  fc.constantFrom('admin', 'Administrator', 'administrator ', '管理员', ''),
  fc.string({ maxLength: 12 }),
);

/** A UserSig from the official library (or signed with another key or app), and what it was made with. */
const officialArb = fc
  .record({
    identifier: identifierArb.filter((s) => s !== ''),
    sdkappid: fc.constantFrom(SDKAPPID, SDKAPPID + 1),
    key: fc.constantFrom(KEY, KEY, OTHER_KEY),
    time: fc.integer({ min: T0 - 400_000, max: T0 + 100 }),
    expire: fc.oneof(fc.constantFrom(0, 1, 86_400, 180 * 86_400), fc.integer({ min: 0, max: 2 ** 31 })),
  })
  .map((p) => ({
    ...p,
    userSig: signUserSig({
      sdkappid: p.sdkappid,
      secretKey: p.key,
      identifier: p.identifier,
      lifetimeSeconds: p.expire,
      nowMs: p.time * 1000,
    }),
  }));

/** One change to a valid document (some keep it valid, most do not). */
const docMutationArb: fc.Arbitrary<(doc: Doc) => Doc> = fc.oneof(
  fc.constant((d: Doc) => d),
  fc
    .constantFrom('2', '1.0', '2.0 ', '', 'TLS.ver', 2, 2.0, null)
    .map((v) => (d: Doc) => ({ ...d, 'TLS.ver': v })),
  fc
    .constantFrom('TLS.time', 'TLS.expire', 'TLS.sdkappid')
    .map((k) => (d: Doc) => ({ ...d, [k]: String(d[k]) })),
  fc
    .constantFrom(2 ** 53, 2 ** 63, 1e300, 2 ** 32, 4_000_000_000, -1, -86_400, 0.5, Number.MAX_SAFE_INTEGER)
    .chain((v) => fc.constantFrom('TLS.time', 'TLS.expire').map((k) => (d: Doc) => ({ ...d, [k]: v }))),
  // Life extended or moved without re-signing.
  fc
    .integer({ min: 1, max: 10 ** 9 })
    .map((n) => (d: Doc) => ({ ...d, 'TLS.expire': (d['TLS.expire'] as number) + n })),
  fc
    .integer({ min: -1000, max: 1000 })
    .map((n) => (d: Doc) => ({ ...d, 'TLS.time': (d['TLS.time'] as number) + n })),
  // Another identity or app claimed without re-signing.
  identifierArb.map((id) => (d: Doc) => ({ ...d, 'TLS.identifier': id })),
  fc.constantFrom(SDKAPPID, SDKAPPID + 1, 1).map((n) => (d: Doc) => ({ ...d, 'TLS.sdkappid': n })),
  // The signature text: padding dropped, other alphabet, whitespace, case, truncated, other key.
  fc
    .constantFrom<(s: string) => string>(
      (s) => s.replace(/=+$/, ''),
      (s) => s.replaceAll('+', '-').replaceAll('/', '_'),
      (s) => `${s}\n`,
      (s) => ` ${s}`,
      (s) => s.toLowerCase(),
      (s) => s.slice(0, -4),
      (s) => `${s}AAAA`,
      () => createHmac('sha256', OTHER_KEY).update('x').digest('base64'),
    )
    .map((f) => (d: Doc) => ({ ...d, 'TLS.sig': f(String(d['TLS.sig'])) })),
  // A user buffer added without re-signing, or an unknown extra key.
  fc.constant((d: Doc) => ({ ...d, 'TLS.userbuf': 'YWJj' })),
  fc.constant((d: Doc) => ({ ...d, 'TLS.extra': 1 })),
  // A key dropped.
  fc
    .constantFrom('TLS.ver', 'TLS.identifier', 'TLS.sdkappid', 'TLS.time', 'TLS.expire', 'TLS.sig')
    .map((k) => (d: Doc) => {
      const { [k]: _dropped, ...rest } = d;
      return rest;
    }),
);

/** Re-signs a (possibly mutated) document with a key, as a key holder legitimately would. */
const resignArb = fc.option(fc.constantFrom(KEY, OTHER_KEY), { nil: undefined, freq: 4 });

/** The byte-level mutations of the final string. */
const stringMutationArb: fc.Arbitrary<(s: string) => string> = fc.oneof(
  { weight: 4, arbitrary: fc.constant((s: string) => s) },
  fc.nat().map((i) => (s: string) => s.slice(0, i % (s.length + 1))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 7 })).map(([i, bit]) => (s: string) => {
    const b64 = s.replaceAll('*', '+').replaceAll('-', '/').replaceAll('_', '=');
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length === 0) return s;
    bytes[i % bytes.length]! ^= 1 << bit;
    return bytes.toString('base64').replaceAll('+', '*').replaceAll('/', '-').replaceAll('=', '_');
  }),
  fc
    .tuple(fc.nat(), fc.constantFrom('A', '*', '-', '_', '=', '+', '/', '%', ' '))
    .map(([i, c]) => (s: string) => {
      const at = i % (s.length + 1);
      return s.slice(0, at) + c + s.slice(at + 1);
    }),
);

const KEY_ORDERS = [
  undefined,
  [
    'TLS.sig',
    'TLS.expire',
    'TLS.time',
    'TLS.sdkappid',
    'TLS.identifier',
    'TLS.ver',
    'TLS.userbuf',
    'TLS.extra',
  ],
  [
    'TLS.ver',
    'TLS.identifier',
    'TLS.sdkappid',
    'TLS.expire',
    'TLS.time',
    'TLS.userbuf',
    'TLS.sig',
    'TLS.extra',
  ],
];

/** A UserSig case: an official one, possibly decoded, mutated, re-signed, re-compressed and re-ordered. */
const caseArb = fc
  .record({
    official: officialArb,
    mutate: fc.boolean(),
    docMutation: docMutationArb,
    resign: resignArb,
    level: fc.integer({ min: 0, max: 9 }),
    order: fc.constantFrom(...KEY_ORDERS),
    stringMutation: stringMutationArb,
    requestIdentifier: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, identifierArb),
    requestApp: fc.constantFrom(SDKAPPID, SDKAPPID, SDKAPPID + 1),
    nowOffset: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.integer({ min: -1000, max: 10 ** 9 })),
  })
  .map((c) => {
    let userSig = c.official.userSig;
    if (c.mutate) {
      let doc = c.docMutation(decode(userSig));
      if (c.resign !== undefined) doc = { ...doc, 'TLS.sig': hmacOf(doc, c.resign) };
      userSig = encode(doc, c.level, c.order);
    }
    userSig = c.stringMutation(userSig);
    return {
      userSig,
      identifier: c.requestIdentifier ?? c.official.identifier,
      sdkappid: c.requestApp,
      now: c.official.time + c.nowOffset,
    };
  });

/** Arbitrary strings: URL-safe base64 junk, deflated junk bytes, deflated arbitrary JSON. */
const junkArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...`${ALPHABET}*-_=`.split('')), maxLength: 300 }),
  fc.string({ maxLength: 50 }),
  fc.uint8Array({ maxLength: 200 }).map((b) => deflateSync(b).toString('base64')),
  fc.jsonValue().map((v) => deflateSync(JSON.stringify(v)).toString('base64').replaceAll('=', '_')),
);

/** The fake's verdict for a case, against the demo app's key. */
const fakeVerdict = (c: { userSig: string; identifier: string; sdkappid: number; now: number }) =>
  verifyUserSig(c.userSig, {
    sdkappid: c.sdkappid,
    identifier: c.identifier,
    secretKey: KEY,
    nowSeconds: c.now,
  });

describe('UserSig verification properties', { timeout: 60_000 }, () => {
  it('accepts a mutated UserSig only when its HMAC is right for the request and it has not expired', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(caseArb, (c) => {
        const verdict = fakeVerdict(c);
        if (!verdict.ok) {
          refused++;
          return;
        }
        accepted++;
        // Independent of both verifiers' code paths: decode as the signer encoded, and re-sign.
        const doc = decode(c.userSig);
        expect(doc['TLS.identifier']).toBe(c.identifier);
        expect(doc['TLS.sdkappid']).toBe(c.sdkappid);
        expect(c.now).toBeLessThanOrEqual((doc['TLS.time'] as number) + (doc['TLS.expire'] as number));
        expect(doc['TLS.sig']).toBe(
          hmacOf({ ...doc, 'TLS.identifier': c.identifier, 'TLS.sdkappid': c.sdkappid }, KEY),
        );
        expect(verdict.expiresAt).toBe((doc['TLS.time'] as number) + (doc['TLS.expire'] as number));
      }),
      { seed: 0x5167, numRuns: 3000 },
    );
    // Both outcomes are exercised, not just one.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(1000);
  });

  it('never accepts arbitrary strings', () => {
    fc.assert(
      fc.property(junkArb, fc.integer({ min: 0, max: 2 ** 32 }), (userSig, now) => {
        const v = verifyUserSig(userSig, {
          sdkappid: SDKAPPID,
          identifier: 'administrator',
          secretKey: KEY,
          nowSeconds: now,
        });
        expect(v.ok).toBe(false);
      }),
      { seed: 0x7a7a, numRuns: 1500 },
    );
  });

  it('agrees with an independent reference verifier on thousands of valid and mutated UserSigs', () => {
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: caseArb },
          junkArb.map((userSig) => ({ userSig, identifier: 'administrator', sdkappid: SDKAPPID, now: T0 })),
        ),
        (c) => {
          const expected = referenceVerify(c.userSig, { ...c, key: KEY });
          expect(fakeVerdict(c)).toEqual(expected);
          const k = expected.ok ? 'ok' : String(expected.code);
          codes.set(k, (codes.get(k) ?? 0) + 1);
        },
      ),
      { seed: 0xd1ff, numRuns: 4000 },
    );
    // Every outcome of the verifier is reached by the generated cases.
    for (const k of ['ok', '70003', '70014', '70013', '70001', '70009']) {
      expect(codes.get(k) ?? 0, `verdict ${k}`).toBeGreaterThan(20);
    }
  });

  it('reference verifier: reproduces the API reference test vector (sanity of the reference itself)', () => {
    const vector =
      'eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwokpuZl5mcUlRYkl*UVQBcUp2YkFBZkpSlaGJgZQAJEpycxNVbIyNEMVTa0oyCwCiZuamhrBRYsz05WslLxTilINk0zLU-zdHYsLopIzncO1nVwjA8NSky3Ks7K0DU30o3LcUjKjyrNtlWoBPAA0ug__';
    const req = {
      sdkappid: 1400000000,
      identifier: 'administrator',
      key: '5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e',
    };
    expect(referenceVerify(vector, { ...req, now: 1_600_000_000 })).toEqual({
      ok: true,
      expiresAt: 1_615_552_000,
    });
    expect(referenceVerify(vector, { ...req, now: 1_615_552_001 })).toEqual({ ok: false, code: 70001 });
    expect(referenceVerify(vector, { ...req, key: 'x', now: 1_600_000_000 })).toEqual({
      ok: false,
      code: 70009,
    });
  });
});
