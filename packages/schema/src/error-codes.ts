/**
 * What kind of failure a code reports: a malformed `request`, a failed `auth` check (signature, admin,
 * app), a `rate-limit`, or a fault in the vendor's `backend`.
 */
export type ErrorClass = 'request' | 'auth' | 'rate-limit' | 'backend';

/** One entry of the error-code catalogue. */
export interface ErrorCodeInfo {
  /** The short English `ErrorInfo` text the fake sends. */
  readonly info: string;
  /** What the code means, from the vendor's documentation. */
  readonly meaning: string;
  readonly class: ErrorClass;
  /** True when the same request may succeed if sent again later (after a backoff). */
  readonly retryable: boolean;
}

/**
 * The error-code catalogue: the codes `getappinfo` documents (130001, 130009-130012) and the common REST
 * codes that matter for it. The fake answers from it and the client classifies with it.
 */
export const ERROR_CODES = {
  /** HTTP parse error: check the request URL format (the fake: wrong method, `contenttype` or `random`). */
  60002: {
    info: 'HTTP parse error',
    meaning: 'HTTP parse error: check the request URL format',
    class: 'request',
    retryable: false,
  },
  /** The request's JSON could not be parsed (common code; this API documents 130001 instead). */
  60003: {
    info: 'HTTP request JSON parse error',
    meaning: 'HTTP request JSON parse error',
    class: 'request',
    retryable: false,
  },
  /** The account or signature in the request URL or body is incorrect. */
  60004: {
    info: 'account or signature incorrect',
    meaning: 'account or signature in the request URL or body is incorrect',
    class: 'auth',
    retryable: false,
  },
  /** Same as 60004. */
  60005: {
    info: 'account or signature incorrect',
    meaning: 'same as 60004',
    class: 'auth',
    retryable: false,
  },
  /** The SDKAppID is invalid. */
  60006: { info: 'SDKAppID invalid', meaning: 'SDKAppID is invalid', class: 'auth', retryable: false },
  /** More calls this second than the API allows (200 per second per app). */
  60007: {
    info: 'REST API call frequency exceeds the limit',
    meaning: 'REST API call frequency exceeds the limit',
    class: 'rate-limit',
    retryable: true,
  },
  /** The service timed out, or the HTTP request format is incorrect. */
  60008: {
    info: 'service request timed out or HTTP request format incorrect',
    meaning: 'service request timed out, or HTTP request format is incorrect',
    class: 'request',
    retryable: false,
  },
  /** The requested resource is invalid (the fake: an unknown path under `/v4/`). */
  60009: {
    info: 'requested resource is invalid',
    meaning: 'requested resource is invalid: check the request URL',
    class: 'request',
    retryable: false,
  },
  /** The identifier is not an app admin. */
  60010: {
    info: 'identifier must be an app admin',
    meaning: 'the identifier must be an app admin',
    class: 'auth',
    retryable: false,
  },
  /** Too many calls for this SDKAppID. */
  60011: {
    info: 'SDKAppID request frequency exceeds the limit',
    meaning: 'SDKAppID request frequency exceeds the limit',
    class: 'rate-limit',
    retryable: true,
  },
  /** The URL has no `sdkappid`. */
  60012: {
    info: 'SDKAppID is required',
    meaning: 'SDKAppID is required in the URL',
    class: 'request',
    retryable: false,
  },
  /** JSON parse error in the HTTP response. */
  60013: {
    info: 'HTTP response JSON parse error',
    meaning: 'JSON parse error in the HTTP response',
    class: 'backend',
    retryable: false,
  },
  /** Account replacement timed out. */
  60014: {
    info: 'account replacement timed out',
    meaning: 'account replacement timed out',
    class: 'backend',
    retryable: false,
  },
  /** An account in the request body has the wrong type (must be a string). */
  60015: {
    info: 'account type must be a string',
    meaning: 'account type in the request body is wrong (must be a string)',
    class: 'request',
    retryable: false,
  },
  /** The SDKAppID is disabled. */
  60016: { info: 'SDKAppID is disabled', meaning: 'SDKAppID is disabled', class: 'auth', retryable: false },
  /** The request is disabled. */
  60017: { info: 'request is disabled', meaning: 'request is disabled', class: 'auth', retryable: false },
  /** Too many requests: retry later. */
  60018: {
    info: 'too many requests, retry later',
    meaning: 'too many requests, retry later',
    class: 'rate-limit',
    retryable: true,
  },
  /** Same as 60018. */
  60019: {
    info: 'too many requests, retry later',
    meaning: 'same as 60018',
    class: 'rate-limit',
    retryable: true,
  },
  /** The app's paid plan has expired or is not active. */
  60020: {
    info: 'paid plan expired or not active',
    meaning: "the app's paid plan has expired or is not active",
    class: 'auth',
    retryable: false,
  },
  /** The calling IP address is not allowed. */
  60021: {
    info: 'calling IP not allowed',
    meaning: 'the calling IP is not allowed',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig has expired. */
  70001: { info: 'UserSig expired', meaning: 'UserSig expired', class: 'auth', retryable: false },
  /** The UserSig is missing or empty. */
  70002: { info: 'UserSig is empty', meaning: 'UserSig is empty', class: 'auth', retryable: false },
  /** The UserSig cannot be decoded, inflated or parsed, or lacks a field. */
  70003: {
    info: 'UserSig invalid',
    meaning: 'UserSig invalid (cannot be decoded / parsed)',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig is invalid. */
  70005: { info: 'UserSig invalid', meaning: 'UserSig invalid', class: 'auth', retryable: false },
  /** The UserSig's HMAC does not match: it was signed with another key. */
  70009: {
    info: 'UserSig verification failed',
    meaning: "UserSig verification failed: signed with another app's key",
    class: 'auth',
    retryable: false,
  },
  /** The request's identifier differs from the UserSig's. */
  70013: {
    info: 'identifier does not match UserSig',
    meaning: 'identifier in the request differs from the one in the UserSig',
    class: 'auth',
    retryable: false,
  },
  /** The request's SDKAppID differs from the UserSig's. */
  70014: {
    info: 'SDKAppID does not match UserSig',
    meaning: 'SDKAppID in the request differs from the one in the UserSig',
    class: 'auth',
    retryable: false,
  },
  /** No key exists for this SDKAppID (often: the wrong region's domain). */
  70016: {
    info: 'key does not exist for SDKAppID',
    meaning: 'key does not exist for this SDKAppID (often: wrong region)',
    class: 'auth',
    retryable: false,
  },
  /** The SDKAppID was not found (often: the wrong region's domain). */
  70020: {
    info: 'SDKAppID not found',
    meaning: 'SDKAppID not found (often: wrong region)',
    class: 'auth',
    retryable: false,
  },
  /** Too many failed UserSig verifications: retry after a minute. */
  70050: {
    info: 'too many failed UserSig verifications',
    meaning: 'too many failed UserSig verifications; retry after a minute',
    class: 'auth',
    retryable: false,
  },
  /** Internal timeout: retry. */
  70169: {
    info: 'internal timeout, retry',
    meaning: 'internal timeout, retry',
    class: 'backend',
    retryable: true,
  },
  /** Internal timeout: retry. */
  70202: {
    info: 'internal timeout, retry',
    meaning: 'internal timeout, retry',
    class: 'backend',
    retryable: true,
  },
  /** Internal server error. */
  70500: {
    info: 'internal server error',
    meaning: 'internal server error',
    class: 'backend',
    retryable: true,
  },
  /** The request body's JSON could not be parsed (this API's own code). */
  130001: {
    info: 'JSON parsing error of the request packet',
    meaning: 'the request body could not be parsed',
    class: 'request',
    retryable: false,
  },
  /** SQL open error (backend fault). */
  130009: {
    info: 'SQL open error',
    meaning: 'SQL open error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL ping error (backend fault). */
  130010: {
    info: 'SQL ping error',
    meaning: 'SQL ping error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL query error (backend fault). */
  130011: {
    info: 'SQL query error',
    meaning: 'SQL query error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL result parsing error (backend fault). */
  130012: {
    info: 'SQL result parsing error',
    meaning: 'SQL result parsing error (backend fault)',
    class: 'backend',
    retryable: true,
  },
} as const satisfies Record<number, ErrorCodeInfo>;

/** A code of the catalogue. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Every code of the catalogue, ascending. */
export const ERROR_CODE_LIST: readonly ErrorCode[] = Object.keys(ERROR_CODES)
  .map(Number)
  .sort((a, b) => a - b) as ErrorCode[];

/** True when `code` is in the catalogue. */
export function isKnownErrorCode(code: number): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/**
 * The catalogue entry for a code; codes outside the catalogue are classed by range (60000-79999 as
 * `request`, the rest as `backend`) and never retryable.
 */
export function errorCodeInfo(code: number): ErrorCodeInfo {
  if (isKnownErrorCode(code)) return ERROR_CODES[code];
  return {
    info: `error ${code}`,
    meaning: 'a code outside the catalogue',
    class: code >= 60000 && code <= 79999 ? 'request' : 'backend',
    retryable: false,
  };
}
