/**
 * What kind of failure a code reports: a malformed `request`, a failed `auth` check (signature, admin,
 * app), a `rate-limit`, or a fault in the vendor's `backend`.
 */
export type ErrorClass = 'request' | 'auth' | 'rate-limit' | 'backend';

/** How sure a text is: `high` = a program's printed output of a real call; `medium` = a developer's note or a vendor page quoting real output. */
export type EvidenceConfidence = 'high' | 'medium';

/**
 * Where an `ErrorInfo` text comes from: `observed` in a real answer of the IM REST gateway or its
 * UserSig check (with the reference's row, e.g. `R4`, the source and the confidence), or `defined` by
 * timock where no real text has been seen (`basis` says what it was written from).
 */
export type TextSource =
  | {
      readonly kind: 'observed';
      /** The row of `observed-answers.md` (e.g. `R1`, `D5`). */
      readonly ref: string;
      readonly confidence: EvidenceConfidence;
      /** Where the real answer was published. */
      readonly source: string;
    }
  | { readonly kind: 'defined'; readonly basis: string };

/** One entry of the error-code catalogue. */
export interface ErrorCodeInfo {
  /**
   * The English `ErrorInfo` text the fake sends, word for word. A text with values names them in
   * braces (`{sdkappid}`, `{usersigSdkappid}`): {@link errorInfoText} fills them in per request.
   */
  readonly info: string;
  /** Where {@link ErrorCodeInfo.info} comes from: a real answer, or timock's own words. */
  readonly text: TextSource;
  /** What the code means, from the vendor's documentation. */
  readonly meaning: string;
  readonly class: ErrorClass;
  /** True when the same request may succeed if sent again later (after a backoff). */
  readonly retryable: boolean;
}

const OURS: TextSource = { kind: 'defined', basis: "timock's words for the vendor's meaning" };
const TABLE: TextSource = {
  kind: 'defined',
  basis: "the description in the vendor's error table (no real ErrorInfo seen)",
};

/**
 * The error-code catalogue: the codes `getappinfo` documents (130001, 130009-130012) and the common REST
 * codes that matter for it. The fake answers from it and the client classifies with it.
 */
export const ERROR_CODES = {
  /** HTTP parse error: check the request URL format (the fake: wrong method, `contenttype` or `random`). */
  60002: {
    info: 'HTTP parse Error',
    text: {
      kind: 'observed',
      ref: 'R3',
      confidence: 'medium',
      source: 'Tencent GME FAQ "SSO diagnosis": GET / on the SDKs\' access host',
    },
    meaning: 'HTTP parse error: check the request URL format',
    class: 'request',
    retryable: false,
  },
  /** The request's JSON could not be parsed (common code; this API documents 130001 instead). */
  60003: {
    info: 'HTTP request JSON parse error',
    text: OURS,
    meaning: 'HTTP request JSON parse error',
    class: 'request',
    retryable: false,
  },
  /** The account or signature in the request URL or body is incorrect. */
  60004: {
    info: 'account or signature incorrect',
    text: OURS,
    meaning: 'account or signature in the request URL or body is incorrect',
    class: 'auth',
    retryable: false,
  },
  /** Same as 60004. */
  60005: {
    info: 'account or signature incorrect',
    text: OURS,
    meaning: 'same as 60004',
    class: 'auth',
    retryable: false,
  },
  /** The SDKAppID is invalid. */
  60006: {
    info: 'SDKAppID invalid',
    text: OURS,
    meaning: 'SDKAppID is invalid',
    class: 'auth',
    retryable: false,
  },
  /** More calls this second than the API allows (200 per second per app). */
  60007: {
    info: 'REST API call frequency exceeds the limit',
    text: OURS,
    meaning: 'REST API call frequency exceeds the limit',
    class: 'rate-limit',
    retryable: true,
  },
  /** The service timed out, or the HTTP request format is incorrect. */
  60008: {
    info: 'service timeout or request format error,please check and try again',
    text: {
      kind: 'observed',
      ref: 'R1',
      confidence: 'high',
      source:
        "tanhaichao/leopard QcloudImClientImpl.java (a GET to im_open_login_svc/kick, 2017); also the vendor's docs (D5)",
    },
    meaning: 'service request timed out, or HTTP request format is incorrect',
    class: 'request',
    retryable: false,
  },
  /** The requested resource is invalid (the fake: an unknown path under `/v4/`). */
  60009: {
    info: 'requested resource is invalid',
    text: OURS,
    meaning: 'requested resource is invalid: check the request URL',
    class: 'request',
    retryable: false,
  },
  /** The identifier is not an app admin. */
  60010: {
    info: 'identifier must be an app admin',
    text: OURS,
    meaning: 'the identifier must be an app admin',
    class: 'auth',
    retryable: false,
  },
  /** Too many calls for this SDKAppID. */
  60011: {
    info: 'SDKAppID request frequency exceeds the limit',
    text: OURS,
    meaning: 'SDKAppID request frequency exceeds the limit',
    class: 'rate-limit',
    retryable: true,
  },
  /** The URL has no `sdkappid`. */
  60012: {
    info: 'SDKAppID is required',
    text: OURS,
    meaning: 'SDKAppID is required in the URL',
    class: 'request',
    retryable: false,
  },
  /** JSON parse error in the HTTP response. */
  60013: {
    info: 'HTTP response JSON parse error',
    text: OURS,
    meaning: 'JSON parse error in the HTTP response',
    class: 'backend',
    retryable: false,
  },
  /** Account replacement timed out. */
  60014: {
    info: 'account replacement timed out',
    text: OURS,
    meaning: 'account replacement timed out',
    class: 'backend',
    retryable: false,
  },
  /** An account in the request body has the wrong type (must be a string). */
  60015: {
    info: 'body account invalid',
    text: {
      kind: 'observed',
      ref: 'R5',
      confidence: 'medium',
      source: 'a code comment in a public Groovy service (live push through the IM gateway)',
    },
    meaning: 'account type in the request body is wrong (must be a string)',
    class: 'request',
    retryable: false,
  },
  /** The SDKAppID is disabled. */
  60016: {
    info: 'SDKAppID is disabled',
    text: OURS,
    meaning: 'SDKAppID is disabled',
    class: 'auth',
    retryable: false,
  },
  /** The request is disabled. */
  60017: {
    info: 'request is disabled',
    text: OURS,
    meaning: 'request is disabled',
    class: 'auth',
    retryable: false,
  },
  /** Too many requests: retry later. */
  60018: {
    info: 'too many requests, retry later',
    text: OURS,
    meaning: 'too many requests, retry later',
    class: 'rate-limit',
    retryable: true,
  },
  /** Same as 60018. */
  60019: {
    info: 'too many requests, retry later',
    text: OURS,
    meaning: 'same as 60018',
    class: 'rate-limit',
    retryable: true,
  },
  /** The app's paid plan has expired or is not active. */
  60020: {
    info: 'paid plan expired or not active',
    text: OURS,
    meaning: "the app's paid plan has expired or is not active",
    class: 'auth',
    retryable: false,
  },
  /** The calling IP address is not allowed. */
  60021: {
    info: 'calling IP not allowed',
    text: OURS,
    meaning: 'the calling IP is not allowed',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig has expired. */
  70001: {
    info: 'UserSig expired',
    text: {
      kind: 'defined',
      basis:
        "timock's words; only a fragment, 'The UserSig in use is expired', was seen (R17, low confidence)",
    },
    meaning: 'UserSig expired',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig is missing or empty. */
  70002: {
    info: 'UserSig is empty',
    text: OURS,
    meaning: 'UserSig is empty',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig cannot be decoded, inflated or parsed, or lacks a field. */
  70003: {
    info: 'The UserSig in use is illegal. Please regenerate UserSig through official API. (FYI: https://cloud.tencent.com/document/product/269/32688 )',
    text: {
      kind: 'observed',
      ref: 'R15',
      confidence: 'medium',
      source:
        'tccli example output; issue tencentyun/tls-sig-api-v2-java#15 (TRTC room entry, the same UserSig check)',
    },
    meaning: 'UserSig invalid (cannot be decoded / parsed)',
    class: 'auth',
    retryable: false,
  },
  /** The UserSig is invalid. */
  70005: { info: 'UserSig invalid', text: OURS, meaning: 'UserSig invalid', class: 'auth', retryable: false },
  /** The UserSig's HMAC does not match: it was signed with another key. */
  70009: {
    info: 'UserSig verification Failed. The UserSig in use maybe generated by Secret Key from other SDKAppID. Please regenerate UserSig by Secret Key from its own SDKAppID.',
    text: {
      kind: 'observed',
      ref: 'R4',
      confidence: 'high',
      source: 'issue tencentyun/tls-sig-api-v2-java#18 (im_open_login_svc/account_check, 2022)',
    },
    meaning: "UserSig verification failed: signed with another app's key",
    class: 'auth',
    retryable: false,
  },
  /** The request's identifier differs from the UserSig's. */
  70013: {
    info: 'identifier does not match UserSig',
    text: {
      kind: 'defined',
      basis: "timock's words; only a fragment, 'does not match the Usersig', was seen (R17, low confidence)",
    },
    meaning: 'identifier in the request differs from the one in the UserSig',
    class: 'auth',
    retryable: false,
  },
  /** The request's SDKAppID differs from the UserSig's. */
  70014: {
    info: 'The requested SDKAppID({sdkappid}) does not match the Usersig({usersigSdkappid}). You can run a self-checking with the assistant tool on the console.',
    text: {
      kind: 'observed',
      ref: 'R14',
      confidence: 'high',
      source: 'Tencent TUICalling push FAQ, imsdk log (IM login: the same UserSig check)',
    },
    meaning: 'SDKAppID in the request differs from the one in the UserSig',
    class: 'auth',
    retryable: false,
  },
  /** No key exists for this SDKAppID (often: the wrong region's domain). */
  70016: {
    info: 'key does not exist for SDKAppID',
    text: OURS,
    meaning: 'key does not exist for this SDKAppID (often: wrong region)',
    class: 'auth',
    retryable: false,
  },
  /** The SDKAppID was not found (often: the wrong region's domain). */
  70020: {
    info: 'SDKAppID not found',
    text: OURS,
    meaning: 'SDKAppID not found (often: wrong region)',
    class: 'auth',
    retryable: false,
  },
  /** Too many failed UserSig verifications: retry after a minute. */
  70050: {
    info: 'too many failed UserSig verifications',
    text: OURS,
    meaning: 'too many failed UserSig verifications; retry after a minute',
    class: 'auth',
    retryable: false,
  },
  /** Internal timeout: retry. */
  70169: {
    info: 'internal timeout, retry',
    text: OURS,
    meaning: 'internal timeout, retry',
    class: 'backend',
    retryable: true,
  },
  /** Internal timeout: retry. */
  70202: {
    info: 'internal timeout, retry',
    text: OURS,
    meaning: 'internal timeout, retry',
    class: 'backend',
    retryable: true,
  },
  /** Internal server error. */
  70500: {
    info: 'internal server error',
    text: OURS,
    meaning: 'internal server error',
    class: 'backend',
    retryable: true,
  },
  /** The request body's JSON could not be parsed (this API's own code). */
  130001: {
    info: 'JSON parsing error of the request packet',
    text: TABLE,
    meaning: 'the request body could not be parsed',
    class: 'request',
    retryable: false,
  },
  /** SQL open error (backend fault). */
  130009: {
    info: 'SQL opening error',
    text: TABLE,
    meaning: 'SQL open error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL ping error (backend fault). */
  130010: {
    info: 'SQL pinging error',
    text: TABLE,
    meaning: 'SQL ping error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL query error (backend fault). */
  130011: {
    info: 'SQL query error',
    text: TABLE,
    meaning: 'SQL query error (backend fault)',
    class: 'backend',
    retryable: true,
  },
  /** SQL result parsing error (backend fault). */
  130012: {
    info: 'SQL result parsing error',
    text: TABLE,
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
    text: { kind: 'defined', basis: 'a code outside the catalogue' },
    meaning: 'a code outside the catalogue',
    class: code >= 60000 && code <= 79999 ? 'request' : 'backend',
    retryable: false,
  };
}

/** The values a text of the catalogue may name: `{sdkappid}` (the request's) and `{usersigSdkappid}` (the UserSig's). */
export interface ErrorInfoValues {
  readonly sdkappid?: string | number;
  readonly usersigSdkappid?: string | number;
}

const PLACEHOLDER = /\{(sdkappid|usersigSdkappid)\}/g;

/** True when the code's `ErrorInfo` names values that {@link errorInfoText} fills in per request. */
export function hasErrorInfoValues(code: number): boolean {
  return errorCodeInfo(code).info.includes('{');
}

/**
 * The `ErrorInfo` text of a code, with its values filled in (a value not given reads as `0`, as a
 * missing number would).
 *
 * @example
 * errorInfoText(70014, { sdkappid: 1400000001, usersigSdkappid: 1400000000 });
 * // 'The requested SDKAppID(1400000001) does not match the Usersig(1400000000). You can run ...'
 */
export function errorInfoText(code: number, values: ErrorInfoValues = {}): string {
  const { info } = errorCodeInfo(code);
  if (!info.includes('{')) return info;
  return info.replace(PLACEHOLDER, (_, name: keyof ErrorInfoValues) => String(values[name] ?? 0));
}
