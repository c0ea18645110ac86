import type { ErrorCode } from '@timock/schema';

/**
 * Every `ErrorCode` the fake answers on its own (without a fault rule or header), with when. The one list
 * behind the README's error table (`pnpm docs:options`): `sendFailure` takes only these codes, so the
 * compiler refuses an answer that is not listed, and `own-codes.test.ts` makes the fake answer each one.
 * The order of the checks is the behaviour table's (README, section Behaviour).
 */
export const OWN_ERROR_CODES = {
  60002:
    '`contenttype` not `json`; `random` not a uint32 (or missing, with `fidelity.requireRandom`); a method other than `POST`, first, with `fidelity.methodCheck: first`; malformed HTTP that Node refuses',
  60007: "more calls than the app's `rateLimitPerSecond` within the last second",
  60008:
    'a method other than `POST` that passed every other check (`fidelity.methodCheck: last`, the default); the request line and headers, or the whole request, not received within `headersTimeout` / `requestTimeout`',
  60009: 'a path other than `/v4/openconfigsvr/getappinfo` (also the admin paths with `admin: false`)',
  60010: 'the identifier is not an admin of the app',
  60012: '`sdkappid` missing or empty',
  70001: 'UserSig expired',
  70002: '`usersig` missing or empty',
  70003: 'UserSig cannot be decoded, inflated or parsed, or lacks a field',
  70009: 'UserSig signed with another key (HMAC mismatch)',
  70013: "the UserSig's identifier differs from the request's",
  70014: "the UserSig's SDKAppID differs from the request's",
  70020: '`sdkappid` not a positive integer, or no such app',
  70500: 'Redis unreachable (with `redis`), or an exception inside the server',
  130001:
    'body empty, not JSON, not an object (`[]` is every field unless `fidelity.arrayBody: refuse`), `RequestField` not an array of strings (`null` is every field unless `fidelity.nullRequestField: refuse`), or larger than `bodyLimit`',
} as const satisfies Partial<Record<ErrorCode, string>>;

/** A code of {@link OWN_ERROR_CODES}. */
export type OwnErrorCode = keyof typeof OWN_ERROR_CODES;
