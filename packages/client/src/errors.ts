/**
 * Every error the client throws on purpose, in one place. Each extends `Error` (through the shared
 * `TimockError` of `@timock/schema`), sets `name`, carries a stable `code` and `cause`, and is branded
 * (`Symbol.for('timock.error')`), so the guards below recognise it by brand and `code` across the ESM and
 * CJS builds, where `instanceof` fails. Bad options throw the `InvalidOptionsError` that the fake throws.
 */
import {
  type ErrorClass,
  type ErrorCodeInfo,
  errorCodeInfo,
  isTimockError,
  TimockError,
  type TimockErrorOptions,
} from '@timock/schema';

export {
  InvalidOptionsError,
  isInvalidOptionsError,
  isTimockError,
  TimockError,
  type TimockErrorOptions,
} from '@timock/schema';

/**
 * The base class of the errors a call can end with ({@link TimApiError}, {@link TimTransportError},
 * {@link TimResponseError}). Recognise errors with the guards ({@link isTimError}, {@link isTimApiError},
 * ...) or by `code`, never by message text or `instanceof`.
 */
export abstract class TimError extends TimockError {
  /** A numeric `ErrorCode` of the API, or a `TIM_ERR_*` string for client-side failures. */
  abstract override readonly code: number | string;
  /** True when sending the same request again later may succeed. */
  abstract readonly retryable: boolean;
  /** How many attempts were made before this error was thrown (1 when no retry happened). */
  attempts = 1;
}

/** Options shared by the error constructors. */
export type TimErrorOptions = TimockErrorOptions;

/**
 * The API answered with a non-zero `ErrorCode` (HTTP 200, documented failure envelope).
 *
 * @example
 * try { await client.getAppInfo(); } catch (err) {
 *   if (isTimApiError(err) && err.code === 70001) console.log('UserSig expired');
 * }
 */
export class TimApiError extends TimError {
  override readonly name = 'TimApiError';
  /** The API's `ErrorCode`, e.g. `70001`. */
  readonly code: number;
  /** The server's `ErrorInfo` (with any UserSig or key redacted). */
  readonly info: string;
  /** The catalogue entry for `code` (codes outside the catalogue are classed by range, never retryable). */
  readonly entry: ErrorCodeInfo;
  /** Shortcut for `entry.class`: `request`, `auth`, `rate-limit` or `backend`. */
  readonly errorClass: ErrorClass;
  /** Shortcut for `entry.retryable`. */
  readonly retryable: boolean;
  /** The envelope's `RequestId`, when the gateway sent one. */
  readonly requestId: string | undefined;

  constructor(code: number, info: string, requestId?: string, options?: TimErrorOptions) {
    const entry = errorCodeInfo(code);
    super(`getappinfo failed with ErrorCode ${code} (${entry.class}): ${info}`, options);
    this.code = code;
    this.info = info;
    this.entry = entry;
    this.errorClass = entry.class;
    this.retryable = entry.retryable;
    this.requestId = requestId;
  }
}

/** The `code` of a {@link TimTransportError}. */
export type TransportErrorCode =
  /** No complete answer within `timeoutMs` (or the remaining retry deadline). */
  | 'TIM_ERR_TIMEOUT'
  /** The server answered with an HTTP status other than 200. */
  | 'TIM_ERR_HTTP_STATUS'
  /** The connection failed (DNS, refused, reset, TLS...); see `cause`. */
  | 'TIM_ERR_NETWORK'
  /** The client was closed. */
  | 'TIM_ERR_CLOSED';

/** Options of a {@link TimTransportError}. */
export interface TimTransportErrorOptions extends TimErrorOptions {
  /** The HTTP status, for `TIM_ERR_HTTP_STATUS`. */
  status?: number;
  /** The first characters of the answer's body, for `TIM_ERR_HTTP_STATUS`. */
  bodyPrefix?: string;
  /** Whether a retry may help. */
  retryable?: boolean;
}

/**
 * The request did not produce an HTTP 200 answer: a network failure, a timeout, a non-200 status (e.g. a
 * gateway's 502), or a closed client.
 */
export class TimTransportError extends TimError {
  override readonly name = 'TimTransportError';
  readonly code: TransportErrorCode;
  /** The HTTP status, when the server answered with one other than 200. */
  readonly status: number | undefined;
  /** The first characters of a non-200 answer's body (redacted). */
  readonly bodyPrefix: string | undefined;
  readonly retryable: boolean;

  constructor(code: TransportErrorCode, message: string, options: TimTransportErrorOptions = {}) {
    super(message, options);
    this.code = code;
    this.status = options.status;
    this.bodyPrefix = options.bodyPrefix;
    this.retryable = options.retryable ?? false;
  }
}

/** One reason why an answer is not of the documented shape. */
export interface ResponseIssue {
  /** Where in the parsed body (empty for the whole body). */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * The server answered HTTP 200 but the body is not the documented shape (not JSON, not an envelope,
 * or days that lack a requested field or hold a malformed value). Never retried.
 */
export class TimResponseError extends TimError {
  override readonly name = 'TimResponseError';
  readonly code = 'TIM_ERR_RESPONSE' as const;
  readonly retryable = false;
  /** What is wrong, from the schema's validation. */
  readonly issues: readonly ResponseIssue[];
  /** The first characters of the body (redacted), to see what came back. */
  readonly bodyPrefix: string;
  /** The HTTP status (200). */
  readonly status: number;

  constructor(
    issues: readonly ResponseIssue[],
    bodyPrefix: string,
    status: number,
    options?: TimErrorOptions,
  ) {
    const first = issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more issues)` : '';
    super(
      `getappinfo answered with an undocumented shape: ${first?.message ?? 'unknown'}${where}${more}`,
      options,
    );
    this.issues = issues;
    this.bodyPrefix = bodyPrefix;
    this.status = status;
  }
}

const TRANSPORT_CODES: ReadonlySet<unknown> = new Set<TransportErrorCode>([
  'TIM_ERR_TIMEOUT',
  'TIM_ERR_HTTP_STATUS',
  'TIM_ERR_NETWORK',
  'TIM_ERR_CLOSED',
]);

/** True for any error a call ends with ({@link TimApiError}, {@link TimTransportError}, {@link TimResponseError}). */
export function isTimError(err: unknown): err is TimError {
  return isTimApiError(err) || isTimTransportError(err) || isTimResponseError(err);
}

/**
 * True for a {@link TimApiError}; with `code`, only for that `ErrorCode`.
 *
 * @example
 * if (isTimApiError(err, 60010)) console.log('the identifier is not an app admin');
 */
export function isTimApiError(err: unknown, code?: number): err is TimApiError {
  return isTimockError(err) && typeof err.code === 'number' && (code === undefined || err.code === code);
}

/** True for a {@link TimTransportError}; with `code`, only for that code. */
export function isTimTransportError(err: unknown, code?: TransportErrorCode): err is TimTransportError {
  return isTimockError(err) && TRANSPORT_CODES.has(err.code) && (code === undefined || err.code === code);
}

/** True for a {@link TimResponseError}. */
export function isTimResponseError(err: unknown): err is TimResponseError {
  return isTimockError(err, 'TIM_ERR_RESPONSE');
}

/** True when the API refused the call for going over a rate limit (60007, 60011, 60018, 60019). */
export function isRateLimited(err: unknown): err is TimApiError {
  return isTimApiError(err) && err.errorClass === 'rate-limit';
}

/**
 * True when the API refused the credentials: UserSig expired, empty, invalid or signed with another key,
 * identifier or SDKAppID mismatch, not an admin, unknown app (70001-70050, 60004-60006, 60010, 60016...).
 * Retrying never helps; fix the options.
 */
export function isAuthError(err: unknown): err is TimApiError {
  return isTimApiError(err) && err.errorClass === 'auth';
}

/** True when the vendor's backend failed (e.g. 70500, 130009-130012). */
export function isBackendError(err: unknown): err is TimApiError {
  return isTimApiError(err) && err.errorClass === 'backend';
}

/** True when no answer came within the timeout. */
export function isTimeoutError(err: unknown): err is TimTransportError {
  return isTimTransportError(err, 'TIM_ERR_TIMEOUT');
}

/** True for a client error that the retry policy would retry (see the README's retry policy). */
export function isRetryable(err: unknown): err is TimError {
  return isTimError(err) && err.retryable;
}
