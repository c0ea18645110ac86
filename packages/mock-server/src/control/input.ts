import type { AdminIssue } from '@timock/schema';
import type { z } from 'zod';
import { ControlError } from '../errors.js';

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
