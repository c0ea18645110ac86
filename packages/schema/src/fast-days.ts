import { FIELD_NAMES, TEXT_FIELDS } from './fields.js';
import { DATE_PATTERN } from './response.js';

/** How a day's value is checked: plain text, a count (see {@link isCountText}), or `Date` (`DATE_PATTERN`). */
const TEXT = 0;
const COUNT = 1;
const DATE = 2;

/** Every key a day may have (as `PartialDaySchema` checks it): the catalogue's fields, then `Date`. */
const DAY_KEYS: readonly string[] = [...FIELD_NAMES, 'Date'];
const KIND_OF: readonly number[] = DAY_KEYS.map((name) =>
  name === 'Date' ? DATE : (TEXT_FIELDS as readonly string[]).includes(name) ? TEXT : COUNT,
);
const OPTIONAL_TEXT = ['ActionStatus', 'ErrorDisplay', 'RequestId'] as const;
const NO_FIELDS: ReadonlySet<string> = new Set();

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether `text` matches the schema's `COUNTER_PATTERN` (`^\d+$`: one or more ASCII digits), by a loop over
 * its characters: a few times cheaper than the regular expression for the ~900 counts of an answer.
 */
export function isCountText(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Whether a day is one that `PartialDaySchema` certainly accepts and whose values are all strings, with
 * every field of `required`, checked in one plain pass (no Zod). False means "not vouched for": the
 * caller then runs the schema, which decides and words the problem. A key outside the catalogue is
 * always left to the schema.
 */
export function isUsualDay(day: unknown, required: ReadonlySet<string> = NO_FIELDS): boolean {
  if (!isRecord(day)) return false;
  let present = 0;
  for (let k = 0; k < DAY_KEYS.length; k++) {
    const name = DAY_KEYS[k]!;
    const value = day[name];
    if (value === undefined) {
      if (name === 'Date' || required.has(name)) return false;
      continue;
    }
    if (typeof value !== 'string') return false;
    const kind = KIND_OF[k];
    if (kind === COUNT ? !isCountText(value) : kind === DATE && !DATE_PATTERN.test(value)) return false;
    present++;
  }
  // Any other own key (one outside the catalogue) is left to the schema.
  return Object.keys(day).length === present;
}

/**
 * Whether a parsed answer is a usual success envelope whose every day has the `required` fields,
 * checked in one plain pass instead of through Zod (whose parse of a 30-day answer costs about as much
 * as the HTTP exchange itself).
 *
 * It is true only for answers that `SuccessEnvelopeSchema` certainly accepts (and, the schema having no
 * transforms, whose `Result` the schema would return unchanged). False means "not vouched for", not
 * "invalid": the caller then runs the schema and the field check, which decide and word the issues. Days with a key
 * outside the catalogue are always left to the schema.
 */
export function isUsualSuccessEnvelope(env: unknown, required: ReadonlySet<string>): boolean {
  if (!isRecord(env) || env.ErrorCode !== 0 || typeof env.ErrorInfo !== 'string') return false;
  for (const key of OPTIONAL_TEXT) {
    const value = env[key];
    if (value !== undefined && typeof value !== 'string') return false;
  }
  return Array.isArray(env.Result) && env.Result.every((day) => isUsualDay(day, required));
}
