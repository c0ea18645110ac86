import type { AdminIssue } from '@timock/schema';
import type { z } from 'zod';

/** What went wrong with a control-plane call; the admin API maps each to an HTTP status. */
export type ControlErrorCode =
  | 'TIMOCK_INVALID_INPUT'
  | 'TIMOCK_UNKNOWN_APP'
  | 'TIMOCK_DUPLICATE_APP'
  | 'TIMOCK_UNKNOWN_FAULT'
  | 'TIMOCK_LIMIT_REACHED';

/**
 * Thrown by the in-process controls (`mock.faults.add()`, `mock.data.set()`, ...) when a call cannot be
 * done; nothing changed. Recognise it by `code` or {@link isControlError}, never by its message.
 */
export class ControlError extends Error {
  override readonly name = 'ControlError';
  /** What went wrong. */
  readonly code: ControlErrorCode;
  /** For `TIMOCK_INVALID_INPUT`: every validation problem. */
  readonly issues: readonly AdminIssue[];

  constructor(code: ControlErrorCode, message: string, issues: readonly AdminIssue[] = [], cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.issues = issues;
  }
}

/** True when `error` is a {@link ControlError}. */
export function isControlError(error: unknown): error is ControlError {
  return error instanceof ControlError;
}

/** The validation problems of a Zod error as `{ path, message }` (dotted path, `''` at the top). */
export function toIssues(error: z.ZodError): AdminIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/**
 * Parses `input` with `schema`, or throws a {@link ControlError} (`TIMOCK_INVALID_INPUT`) listing every
 * problem, prefixed with `what`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = toIssues(parsed.error);
  const first = issues[0]!;
  throw new ControlError(
    'TIMOCK_INVALID_INPUT',
    `invalid ${what}: ${first.path ? `${first.path}: ` : ''}${first.message}`,
    issues,
    parsed.error,
  );
}
