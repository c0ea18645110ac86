/**
 * Every error the fake throws on purpose, in one place. Each extends `Error`, sets `name`, carries a
 * stable `code` and `cause`, and is branded (`Symbol.for('timock.error')`): recognise them with the
 * guards below or `isTimockError(err, code)`, which work across the ESM and CJS builds, never by message
 * text or `instanceof`. The CLI's usage error lives with the CLI.
 */
import { type AdminIssue, isTimockError, TimockError } from '@timock/schema';

export {
  InvalidOptionsError,
  isInvalidOptionsError,
  isTimockError,
  TimockError,
  type TimockErrorOptions,
} from '@timock/schema';

/** What went wrong with a control-plane call; the admin API maps each to an HTTP status. */
export type ControlErrorCode =
  | 'TIMOCK_INVALID_INPUT'
  | 'TIMOCK_UNKNOWN_APP'
  | 'TIMOCK_DUPLICATE_APP'
  | 'TIMOCK_UNKNOWN_FAULT'
  | 'TIMOCK_LIMIT_REACHED';

const CONTROL_CODES: ReadonlySet<unknown> = new Set<ControlErrorCode>([
  'TIMOCK_INVALID_INPUT',
  'TIMOCK_UNKNOWN_APP',
  'TIMOCK_DUPLICATE_APP',
  'TIMOCK_UNKNOWN_FAULT',
  'TIMOCK_LIMIT_REACHED',
]);

/**
 * Thrown by the in-process controls (`mock.faults.add()`, `mock.data.set()`, ...) when a call cannot be
 * done; nothing changed. Recognise it by `code` or {@link isControlError}, never by its message.
 */
export class ControlError extends TimockError {
  override readonly name = 'ControlError';
  /** What went wrong. */
  readonly code: ControlErrorCode;
  /** For `TIMOCK_INVALID_INPUT`: every validation problem. */
  readonly issues: readonly AdminIssue[];

  constructor(code: ControlErrorCode, message: string, issues: readonly AdminIssue[] = [], cause?: unknown) {
    super(message, { cause });
    this.code = code;
    this.issues = issues;
  }
}

/** True when `error` is a {@link ControlError} (by brand and code, from either build). */
export function isControlError(error: unknown): error is ControlError {
  return isTimockError(error) && CONTROL_CODES.has(error.code);
}

/** The `code` of a {@link StoreUnavailableError}. */
const STORE_UNAVAILABLE = 'TIMOCK_STORE_UNAVAILABLE';

/** A shared store could not answer (unreachable, timed out): the request is answered with 70500. */
export class StoreUnavailableError extends TimockError {
  override readonly name = 'StoreUnavailableError';
  /** Always `TIMOCK_STORE_UNAVAILABLE`. */
  readonly code = STORE_UNAVAILABLE;
}

/** True for a {@link StoreUnavailableError} (recognised by its brand and `code`). */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return isTimockError(error, STORE_UNAVAILABLE);
}
