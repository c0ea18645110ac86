import { z } from 'zod';

const seconds = z.number().int().nonnegative();

/**
 * The JSON document inside a UserSig (TLS signature version 2.0), after undoing the URL-safe base64
 * and inflating it. Numbers are JSON numbers; key order differs between the vendor's libraries.
 */
export const UserSigDocumentSchema = z.looseObject({
  'TLS.ver': z.literal('2.0'),
  'TLS.identifier': z.string(),
  'TLS.sdkappid': z.number().int().positive(),
  /** Signing time, in seconds since the Unix epoch. */
  'TLS.time': seconds,
  /** Lifetime in seconds, counted from `TLS.time`. */
  'TLS.expire': seconds,
  /** Base64 of the optional user buffer. */
  'TLS.userbuf': z.string().optional(),
  /** Base64 of HMAC-SHA256 over the signed content. */
  'TLS.sig': z.string().min(1),
});

/** The decoded UserSig document. */
export type UserSigDocument = z.infer<typeof UserSigDocumentSchema>;

/**
 * The text that a UserSig's HMAC signs, built from the request's identifier and SDKAppID and the
 * document's time, lifetime and optional base64 user buffer.
 */
export function userSigContent(
  identifier: string,
  sdkappid: number,
  time: number,
  expire: number,
  userbuf?: string,
): string {
  let content = `TLS.identifier:${identifier}\nTLS.sdkappid:${sdkappid}\nTLS.time:${time}\nTLS.expire:${expire}\n`;
  if (userbuf !== undefined) content += `TLS.userbuf:${userbuf}\n`;
  return content;
}
