import { createHmac, timingSafeEqual } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { type UserSigDocument, UserSigDocumentSchema, userSigContent } from '@timock/schema';
import { duration, instant, quoted } from './reasons.js';

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
 * What a UserSig says, independent of the clock: a refusal code that no clock can change (with what a
 * reason needs to explain it), or the issue and expiry times and whether its HMAC is right. Safe to
 * cache by (UserSig, sdkappid, identifier, key).
 */
export type UserSigInspection =
  | { readonly code: 70002 }
  | {
      readonly code: 70003 /** Why it does not decode, e.g. `is not base64url+zlib: inflate failed`. */;
      readonly problem: string;
    }
  | { readonly code: 70014; readonly usersigSdkappid: number }
  | { readonly code: 70013; readonly usersigIdentifier: string }
  | { readonly issuedAt: number; readonly expiresAt: number; readonly hmacOk: boolean };

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

/** A decoded UserSig document, or why it could not be decoded (a phrase after `usersig`). */
export type DecodedUserSig = { ok: true; document: UserSigDocument } | { ok: false; problem: string };

/**
 * Decodes a UserSig (base64url with `*`, `-`, `_`, then zlib, then JSON) without checking it against
 * any app: the document, or why it is not one (`is not base64url+zlib: inflate failed`, ...). The
 * problem never quotes the UserSig.
 */
export function decodeUserSig(userSig: string): DecodedUserSig {
  if (userSig.length > MAX_USERSIG_LENGTH) return fail(`is longer than ${MAX_USERSIG_LENGTH} characters`);
  const b64 = userSig.replace(/[*\-_]/g, (c) => (c === '*' ? '+' : c === '-' ? '/' : '='));
  if (!BASE64.test(b64) || b64.replace(/=+$/, '').length % 4 === 1) {
    return fail('is not base64url (only A-Z a-z 0-9 * - and trailing _ may appear)');
  }
  let json: Buffer;
  try {
    json = inflateSync(Buffer.from(b64, 'base64'), { maxOutputLength: MAX_DOCUMENT_BYTES });
  } catch (error) {
    const tooLong = (error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
    return fail(
      tooLong ? `inflates to more than ${MAX_DOCUMENT_BYTES} bytes` : 'is not base64url+zlib: inflate failed',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(json.toString('utf8'));
  } catch {
    return fail('is not JSON once inflated');
  }
  const parsed = UserSigDocumentSchema.safeParse(value);
  if (parsed.success) return { ok: true, document: parsed.data };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return fail('is not a JSON object once inflated');
  const fields = [...new Set(parsed.error.issues.map((i) => String(i.path[0])))];
  return fail(
    `has JSON fields missing or invalid: ${fields.join(', ')} (TLS.ver "2.0", numbers as JSON numbers)`,
  );
}

const fail = (problem: string): DecodedUserSig => ({ ok: false, problem });

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
  const decoded = decodeUserSig(userSig);
  if (!decoded.ok) return { code: 70003, problem: decoded.problem };
  const doc = decoded.document;
  if (doc['TLS.sdkappid'] !== expected.sdkappid) return { code: 70014, usersigSdkappid: doc['TLS.sdkappid'] };
  if (doc['TLS.identifier'] !== expected.identifier)
    return { code: 70013, usersigIdentifier: doc['TLS.identifier'] };
  const time = doc['TLS.time'];
  const expire = doc['TLS.expire'];
  const content = userSigContent(expected.identifier, expected.sdkappid, time, expire, doc['TLS.userbuf']);
  // Compared as the base64 text the signer wrote, like the vendor's libraries: a signature with its
  // padding dropped, other characters or whitespace is not the signature, even if it decodes to it.
  const wanted = Buffer.from(createHmac('sha256', expected.secretKey).update(content).digest('base64'));
  const given = Buffer.from(doc['TLS.sig']);
  const hmacOk = given.length === HMAC_BASE64_CHARS && timingSafeEqual(given, wanted);
  return { issuedAt: time, expiresAt: time + expire, hmacOk };
}

/**
 * Applies the clock to an inspection: expired (70001) when `nowSeconds > TLS.time + TLS.expire`, then a
 * wrong HMAC (70009), else accepted.
 */
export function verdictAt(inspection: UserSigInspection, nowSeconds: number): UserSigVerdict {
  if ('code' in inspection) {
    return inspection.code === 70014
      ? { ok: false, code: 70014, usersigSdkappid: inspection.usersigSdkappid }
      : { ok: false, code: inspection.code };
  }
  if (nowSeconds > inspection.expiresAt) return { ok: false, code: 70001 };
  if (!inspection.hmacOk) return { ok: false, code: 70009 };
  return { ok: true, expiresAt: inspection.expiresAt };
}

/**
 * Why an inspection is refused at `nowSeconds`, in one line that holds neither the UserSig nor a key:
 * e.g. `UserSig expired 2 h 13 min ago (issued 2026-11-30 10:00:00 UTC, lifetime 3600 s)`. Call it
 * only for a refused verdict; `undefined` when the inspection is accepted.
 *
 * @param expected - what the request named (its SDKAppID and identifier)
 */
export function userSigReason(
  inspection: UserSigInspection,
  nowSeconds: number,
  expected: Pick<UserSigExpectation, 'sdkappid' | 'identifier'>,
): string | undefined {
  if ('code' in inspection) {
    switch (inspection.code) {
      case 70002:
        return 'usersig is empty';
      case 70003:
        return `usersig ${inspection.problem}`;
      case 70014:
        return `UserSig was made for SDKAppID ${inspection.usersigSdkappid}; the request says ${expected.sdkappid}`;
      case 70013:
        return `UserSig was made for identifier ${quoted(inspection.usersigIdentifier)}; the request says ${quoted(expected.identifier)}`;
    }
  }
  if (nowSeconds > inspection.expiresAt) {
    const lifetime = inspection.expiresAt - inspection.issuedAt;
    return `UserSig expired ${duration(nowSeconds - inspection.expiresAt)} ago (issued ${instant(inspection.issuedAt)}, lifetime ${lifetime} s)`;
  }
  if (!inspection.hmacOk) {
    return `HMAC does not match app ${expected.sdkappid}'s secret key: the UserSig was signed with another key`;
  }
  return undefined;
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
