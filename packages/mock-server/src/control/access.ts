import { createHash, timingSafeEqual } from 'node:crypto';
import { ADMIN_TOKEN_HEADER } from '@timock/schema';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Compares a presented secret with the expected one in constant time (both are hashed first, so
 * neither the content nor the length of the expected token leaks through timing).
 */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** True when an `Authorization` header carries `Bearer <token>`. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = header === undefined ? null : BEARER.exec(header);
  return m !== null && sameSecret(m[1]!, token);
}

/** True for a loopback address: 127.0.0.0/8, `::1`, or either mapped into IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  return a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/** Who may steer the fake: anyone with the token, or (without a token) loopback callers only. */
export interface AdminAccess {
  /** The admin token, when one is set. */
  token: string | undefined;
}

/**
 * Whether a request carrying the per-request fault header may use it: with a token, only when the
 * request also carries it in `x-timock-admin-token`; without, only from a loopback address.
 */
export function mayOverride(
  access: AdminAccess,
  tokenHeader: unknown,
  remoteAddress: string | undefined,
): boolean {
  if (access.token === undefined) return isLoopback(remoteAddress);
  return typeof tokenHeader === 'string' && sameSecret(tokenHeader, access.token);
}

/**
 * Whether a request may read why it was refused (the `x-timock-reason` header): anyone the admin API
 * would answer: with a token, a request carrying it (`x-timock-admin-token` or `Authorization: Bearer`);
 * without, a loopback caller.
 */
export function mayExplain(
  access: AdminAccess,
  request: { headers: Record<string, unknown>; socket: { remoteAddress?: string | undefined } },
): boolean {
  const { headers } = request;
  if (
    access.token !== undefined &&
    bearerMatches(headers.authorization as string | undefined, access.token)
  ) {
    return true;
  }
  return mayOverride(access, headers[ADMIN_TOKEN_HEADER], request.socket.remoteAddress);
}
