import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { UserSigDocumentSchema, userSigContent } from '@timock/schema';
import { Api } from 'tls-sig-api-v2';

/** The codes a UserSig check can answer, in the order the checks run. */
export type UserSigFailureCode = 70002 | 70003 | 70014 | 70013 | 70001 | 70009;

/** The outcome of {@link verifyUserSig}: accepted until `expiresAt` (epoch seconds), or refused with a code. */
export type UserSigVerdict =
  | { ok: true; expiresAt: number }
  | {
      ok: false;
      code: UserSigFailureCode /** The UserSig's own SDKAppID, with 70014. */;
      usersigSdkappid?: number;
    };

/**
 * What a UserSig says, independent of the clock: a refusal code that no clock can change, or the expiry
 * time and whether its HMAC is right. Safe to cache by (UserSig, sdkappid, identifier, key).
 */
export type UserSigInspection =
  | { readonly code: 70002 | 70003 | 70013 }
  | { readonly code: 70014; readonly usersigSdkappid: number }
  | { readonly expiresAt: number; readonly hmacOk: boolean };

/** What a UserSig is checked against. */
export interface UserSigExpectation {
  /** The request's SDKAppID. */
  sdkappid: number;
  /** The request's identifier. */
  identifier: string;
  /** The app's secret key (HMAC key = its UTF-8 bytes). */
  secretKey: string;
}

/** {@link UserSigExpectation} plus the current time. */
export interface VerifyUserSigOptions extends UserSigExpectation {
  /** The current time in seconds since the Unix epoch. */
  nowSeconds: number;
}

/** Longest UserSig accepted for decoding, in characters (official ones are about 200). */
const MAX_USERSIG_LENGTH = 8192;
/** Largest inflated document accepted, in bytes (guards against zip bombs). */
const MAX_DOCUMENT_BYTES = 16384;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Length of the standard base64 of a 32-byte HMAC-SHA256. */
const HMAC_BASE64_CHARS = 44;

function decodeDocument(userSig: string): unknown {
  if (userSig.length > MAX_USERSIG_LENGTH) return undefined;
  const b64 = userSig.replace(/[*\-_]/g, (c) => (c === '*' ? '+' : c === '-' ? '/' : '='));
  if (!BASE64.test(b64) || b64.replace(/=+$/, '').length % 4 === 1) return undefined;
  try {
    const json = inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_DOCUMENT_BYTES });
    return JSON.parse(json.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Decodes a UserSig and runs every clock-independent check, in the order of the behaviour table:
 * empty (70002), undecodable or incomplete (70003), other SDKAppID (70014), other identifier (70013);
 * then reports the expiry time and whether the HMAC (compared in constant time) is right.
 *
 * Accepts any JSON key order and any zlib compression level; `TLS.ver` must be `"2.0"` and the numbers
 * JSON numbers, as the vendor's libraries write them.
 */
export function inspectUserSig(userSig: string, expected: UserSigExpectation): UserSigInspection {
  if (userSig.length === 0) return { code: 70002 };
  const parsed = UserSigDocumentSchema.safeParse(decodeDocument(userSig));
  if (!parsed.success) return { code: 70003 };
  const doc = parsed.data;
  if (doc['TLS.sdkappid'] !== expected.sdkappid) return { code: 70014, usersigSdkappid: doc['TLS.sdkappid'] };
  if (doc['TLS.identifier'] !== expected.identifier) return { code: 70013 };
  const time = doc['TLS.time'];
  const expire = doc['TLS.expire'];
  const content = userSigContent(expected.identifier, expected.sdkappid, time, expire, doc['TLS.userbuf']);
  // Compared as the base64 text the signer wrote, like the vendor's libraries: a signature with its
  // padding dropped, other characters or whitespace is not the signature, even if it decodes to it.
  const wanted = Buffer.from(createHmac('sha256', expected.secretKey).update(content).digest('base64'));
  const given = Buffer.from(doc['TLS.sig']);
  const hmacOk = given.length === HMAC_BASE64_CHARS && timingSafeEqual(given, wanted);
  return { expiresAt: time + expire, hmacOk };
}

/**
 * Applies the clock to an inspection: expired (70001) when `nowSeconds > TLS.time + TLS.expire`, then a
 * wrong HMAC (70009), else accepted.
 */
export function verdictAt(inspection: UserSigInspection, nowSeconds: number): UserSigVerdict {
  if ('code' in inspection) return { ok: false, ...inspection };
  if (nowSeconds > inspection.expiresAt) return { ok: false, code: 70001 };
  if (!inspection.hmacOk) return { ok: false, code: 70009 };
  return { ok: true, expiresAt: inspection.expiresAt };
}

/**
 * Verifies a UserSig (TLS signature 2.0) as the vendor's server does, on `node:crypto` and `node:zlib`.
 * Checks run in the behaviour table's order: 70002 empty, 70003 undecodable, 70014 other SDKAppID,
 * 70013 other identifier, 70001 expired, 70009 HMAC mismatch.
 *
 * @example
 * const v = verifyUserSig(sig, { sdkappid: 1400000000, identifier: 'administrator', secretKey, nowSeconds: Math.floor(Date.now() / 1000) });
 * if (!v.ok) console.log(v.code); // e.g. 70001
 */
export function verifyUserSig(userSig: string, options: VerifyUserSigOptions): UserSigVerdict {
  return verdictAt(inspectUserSig(userSig, options), options.nowSeconds);
}

/** The options of {@link signUserSig}. */
export interface SignUserSigOptions {
  /** The app's SDKAppID. */
  sdkappid: number;
  /** The app's secret key. */
  secretKey: string;
  /** The account to sign for, e.g. `administrator`. */
  identifier: string;
  /** Lifetime in seconds; default 86,400 (one day). */
  expireSeconds?: number;
  /** Signing time in seconds since the epoch; default the real clock. */
  nowSeconds?: number;
}

/**
 * Signs a UserSig with the vendor's official `tls-sig-api-v2` package.
 *
 * The package reads `Date.now()` itself. When `nowSeconds` is given, `Date.now` is replaced for the
 * duration of that one synchronous call and restored in a `finally` block: no other code can run in
 * between, so nothing else ever sees the substitute.
 *
 * @example
 * signUserSig({ sdkappid: DEMO_APP.sdkappid, secretKey: DEMO_APP.secretKey, identifier: 'administrator' });
 */
export function signUserSig(options: SignUserSigOptions): string {
  const { sdkappid, secretKey, identifier, expireSeconds = 86_400, nowSeconds } = options;
  if (!Number.isSafeInteger(sdkappid) || sdkappid <= 0)
    throw new RangeError('sdkappid must be a positive integer');
  if (!Number.isSafeInteger(expireSeconds) || expireSeconds < 0) {
    throw new RangeError('expireSeconds must be a non-negative integer');
  }
  const api = new Api(sdkappid, secretKey);
  if (nowSeconds === undefined) return api.genUserSig(identifier, expireSeconds);
  if (!Number.isSafeInteger(nowSeconds) || nowSeconds < 0) {
    throw new RangeError('nowSeconds must be a non-negative integer');
  }
  const realNow = Date.now;
  const fixedMs = nowSeconds * 1000;
  Date.now = () => fixedMs;
  try {
    return api.genUserSig(identifier, expireSeconds);
  } finally {
    Date.now = realNow;
  }
}
