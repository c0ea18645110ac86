import { isUsualDay } from './fast-days.js';
import { successKeys } from './fidelity.js';
import { FIELD_NAMES, type FieldName, isFieldName } from './fields.js';
import { checkCarryOvers, checkDay } from './relations.js';
import { FAILURE_ENVELOPE_KEYS, FailureEnvelopeSchema, PartialDaySchema } from './response.js';

/**
 * The checks {@link judgeAnswer} makes of one answer, named as the contract suite names them
 * (`filtering` stands for the suite's `filtering.*` checks).
 */
export const ANSWER_CHECKS = [
  'shape.http',
  'shape.envelope',
  'shape.days',
  'shape.values',
  'shape.order',
  'shape.newest-day',
  'filtering',
  'relations.day',
  'relations.carry',
] as const;

/** One of {@link ANSWER_CHECKS}. */
export type AnswerCheck = (typeof ANSWER_CHECKS)[number];

/** What broke: the check, the field (or envelope key) it concerns when there is one, and how. */
export interface AnswerProblem {
  readonly check: AnswerCheck;
  readonly field?: string;
  readonly detail: string;
}

/** Where an answer drifts from the schema without breaking it: names it does not know. */
export interface AnswerDrift {
  /** Day fields that are neither catalogue fields nor `Date`. */
  readonly unknownFields: readonly string[];
  /** Envelope keys beyond `ErrorCode`, `ErrorInfo`, `Result`, `ActionStatus`, `RequestId` (success) or {@link FAILURE_ENVELOPE_KEYS} (failure). */
  readonly envelopeKeys: readonly string[];
}

/**
 * The answers to the questions the vendor's page leaves open (the fidelity settings), as one answer
 * shows them; a key is absent when the answer does not tell.
 */
export interface AnswerObservations {
  /** A success's `ActionStatus`: its value, or `null` when absent (fidelity `successActionStatus`). */
  readonly successActionStatus?: string | null;
  /** Whether a success carries a non-empty `RequestId` (fidelity `successRequestId`). */
  readonly successRequestId?: boolean;
  /** Whether a success's newest day is today in Beijing time (fidelity `includeToday`). */
  readonly includeToday?: boolean;
  /** A refusal's `ErrorCode` and its `ErrorInfo` text, word for word. */
  readonly refusal?: { readonly code: number; readonly text: string };
}

/** The verdict on one answer. */
export interface AnswerJudgement {
  /** `success` (ErrorCode 0), `failure` (another number), or `unreadable` (no JSON envelope). */
  readonly kind: 'success' | 'failure' | 'unreadable';
  /** The answer's `ErrorCode` when it is a number. */
  readonly code?: number;
  /** The fields the request asked for (every field for a full pull); `undefined` when its body names no valid set. */
  readonly requested: readonly FieldName[] | undefined;
  /** Every check that ran, passed or not. */
  readonly checked: readonly AnswerCheck[];
  /** The first problem of each check that failed, in check order. */
  readonly violations: readonly AnswerProblem[];
  readonly drift: AnswerDrift;
  readonly observations: AnswerObservations;
}

/** One getappinfo exchange as {@link judgeAnswer} reads it. */
export interface AnswerInput {
  /** The request body as sent (its `RequestField` says which fields the answer must hold). */
  readonly requestBody: string;
  readonly status: number;
  /** The answer's `Content-Type` header, `''` when absent. */
  readonly contentType: string;
  /** The answer's body as text. */
  readonly body: string;
  /** The clock, epoch ms: when given, the newest day is checked against today (Beijing time). */
  readonly now?: number;
}

/** YYYYMMDD of a moment in Beijing time (UTC+8). */
export function beijingDate(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/** The day before a YYYYMMDD date. */
export function previousDate(yyyymmdd: string): string {
  const t = Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8));
  return new Date(t - 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * The fields a request body asks for: every field for `{}`, `[]`, a missing, empty or `null`
 * `RequestField` (the forms a success can answer); the known names of a `RequestField` list otherwise
 * (unknown names are ignored); `undefined` for a body that names no valid set (not JSON, not an object,
 * a `RequestField` that is not an array of strings).
 */
export function requestedFields(body: string): FieldName[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (Array.isArray(parsed)) return parsed.length === 0 ? [...FIELD_NAMES] : undefined;
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const list = (parsed as { RequestField?: unknown }).RequestField;
  if (list === undefined || list === null) return [...FIELD_NAMES];
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) return undefined;
  if (list.length === 0) return [...FIELD_NAMES];
  return FIELD_NAMES.filter((f) => list.includes(f));
}

/** The first problem with a day's values (schema, then non-string values), or `undefined`. */
export function dayValueProblem(day: unknown, i: number): AnswerProblem | undefined {
  // The usual day is vouched for in one plain pass; Zod runs only to find and word a problem.
  if (isUsualDay(day)) return undefined;
  const parsed = PartialDaySchema.safeParse(day);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length > 0 ? String(issue.path[0]) : undefined;
    return {
      check: 'shape.values',
      ...(field ? { field } : {}),
      detail: `Result[${i}].${issue.path.join('.')}: ${issue.message}`,
    };
  }
  for (const [k, v] of Object.entries(day as object)) {
    if (typeof v !== 'string')
      return { check: 'shape.values', field: k, detail: `Result[${i}].${k} is ${typeof v}, not a string` };
  }
  return undefined;
}

/** The first day whose keys are not exactly `expected` plus `Date`, or `undefined`. */
export function filteringProblem(
  days: readonly Readonly<Record<string, unknown>>[],
  expected: readonly string[],
): AnswerProblem | undefined {
  const wanted = new Set([...expected, 'Date']);
  const want = [...wanted].sort().join(', ');
  for (const [i, day] of days.entries()) {
    const keys = Object.keys(day);
    const got = [...keys].sort().join(', ');
    if (got === want) continue;
    const field = keys.find((k) => !wanted.has(k)) ?? [...wanted].find((k) => !(k in day));
    return {
      check: 'filtering',
      ...(field ? { field } : {}),
      detail: `Result[${i}] holds ${got}; expected ${want}`,
    };
  }
  return days.length === 0 ? { check: 'filtering', detail: 'no days' } : undefined;
}

/** The first break in the order of the days (newest first, consecutive, no duplicates), or `undefined`. */
export function orderProblem(dates: readonly string[]): AnswerProblem | undefined {
  for (let i = 1; i < dates.length; i++) {
    const expected = previousDate(dates[i - 1]!);
    if (dates[i] !== expected) {
      return {
        check: 'shape.order',
        field: 'Date',
        detail: `Result[${i}].Date is ${dates[i]} after ${dates[i - 1]} (expected ${expected})`,
      };
    }
  }
  return undefined;
}

/** The relation checks of the days, as problems: the count broken and the first. */
export function relationProblems(days: readonly Readonly<Record<string, unknown>>[]): AnswerProblem[] {
  const out: AnswerProblem[] = [];
  const report = (check: 'relations.day' | 'relations.carry', broken: ReturnType<typeof checkDay>) => {
    const first = broken[0];
    if (!first) return;
    const relation = first.relation;
    const field =
      'total' in relation ? relation.total : 'lesser' in relation ? relation.lesser : relation.field;
    out.push({ check, field, detail: `${broken.length} broken, first on ${first.date}: ${first.detail}` });
  };
  report(
    'relations.day',
    days.flatMap((d) => checkDay(d)),
  );
  report('relations.carry', checkCarryOvers(days));
  return out;
}

/** Every key a success may carry: the page's, and those some settings of the real service add. */
const SUCCESS_KEYS = successKeys({ successActionStatus: true, successRequestId: true });

/**
 * Judges one answer of getappinfo against the schema, the way the contract suite does, using the
 * request's own `RequestField`: HTTP status and content type, the envelope, and for a success the
 * number of days, their values, their order, the newest day (with `now`), the fields present, and the
 * relations between figures. Unknown day fields and envelope keys are drift, never violations; the
 * fidelity questions (success `ActionStatus`, `RequestId`, today included, refusal texts) are
 * observations. Never throws.
 *
 * @example
 * const j = judgeAnswer({ requestBody: '{}', status: 200, contentType: 'application/json', body });
 * if (j.violations.length) console.log(j.violations.map((v) => `${v.check}: ${v.detail}`));
 */
export function judgeAnswer(input: AnswerInput): AnswerJudgement {
  const requested = requestedFields(input.requestBody);
  const checked: AnswerCheck[] = ['shape.http', 'shape.envelope'];
  const violations: AnswerProblem[] = [];
  const drift = { unknownFields: [] as string[], envelopeKeys: [] as string[] };
  const observations: { -readonly [K in keyof AnswerObservations]: AnswerObservations[K] } = {};
  const done = (kind: AnswerJudgement['kind'], code?: number): AnswerJudgement => ({
    kind,
    ...(code !== undefined ? { code } : {}),
    requested,
    checked,
    violations,
    drift,
    observations,
  });

  if (input.status !== 200)
    violations.push({ check: 'shape.http', detail: `HTTP ${input.status} instead of 200` });
  else if (!/^application\/json\b/i.test(input.contentType))
    violations.push({ check: 'shape.http', detail: `Content-Type is "${input.contentType}"` });

  let json: unknown;
  try {
    json = JSON.parse(input.body);
  } catch {
    json = undefined;
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    violations.push({ check: 'shape.envelope', detail: 'the body is not a JSON object' });
    return done('unreadable');
  }
  const envelope = json as Record<string, unknown>;
  const code = envelope.ErrorCode;
  if (typeof code !== 'number') {
    violations.push({
      check: 'shape.envelope',
      field: 'ErrorCode',
      detail: `ErrorCode is ${JSON.stringify(code)}, not a number`,
    });
    return done('unreadable');
  }

  if (code !== 0) {
    const parsed = FailureEnvelopeSchema.safeParse(envelope);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      violations.push({
        check: 'shape.envelope',
        field: String(issue.path[0] ?? ''),
        detail: `not the failure envelope: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      });
    } else observations.refusal = { code, text: parsed.data.ErrorInfo };
    drift.envelopeKeys = Object.keys(envelope).filter(
      (k) => !(FAILURE_ENVELOPE_KEYS as readonly string[]).includes(k),
    );
    return done('failure', code);
  }

  drift.envelopeKeys = Object.keys(envelope).filter((k) => !SUCCESS_KEYS.includes(k));
  if (typeof envelope.ErrorInfo !== 'string')
    violations.push({ check: 'shape.envelope', field: 'ErrorInfo', detail: 'ErrorInfo is not a string' });
  for (const key of ['ActionStatus', 'RequestId', 'ErrorDisplay'] as const) {
    if (key in envelope && typeof envelope[key] !== 'string')
      violations.push({ check: 'shape.envelope', field: key, detail: `${key} is not a string` });
  }
  const days = envelope.Result;
  if (!Array.isArray(days)) {
    violations.push({ check: 'shape.envelope', field: 'Result', detail: 'Result is not an array' });
    return done('success', 0);
  }
  observations.successActionStatus = typeof envelope.ActionStatus === 'string' ? envelope.ActionStatus : null;
  observations.successRequestId = typeof envelope.RequestId === 'string' && envelope.RequestId.length > 0;

  checked.push('shape.days', 'shape.values');
  if (days.length < 1 || days.length > 30)
    violations.push({ check: 'shape.days', detail: `${days.length} days (expected 1 to 30)` });
  let valueProblem: AnswerProblem | undefined;
  for (const [i, day] of days.entries()) {
    valueProblem = dayValueProblem(day, i);
    if (valueProblem) break;
  }
  if (valueProblem) {
    violations.push(valueProblem);
    return done('success', 0); // the checks below read days as valid records
  }
  const records = days as Record<string, string>[];
  drift.unknownFields = [
    ...new Set(records.flatMap((d) => Object.keys(d).filter((k) => k !== 'Date' && !isFieldName(k)))),
  ];
  const dates = records.map((d) => d.Date!);

  checked.push('shape.order');
  const order = orderProblem(dates);
  if (order) violations.push(order);

  if (input.now !== undefined && dates.length > 0) {
    checked.push('shape.newest-day');
    const today = beijingDate(input.now);
    const newest = [...dates].sort().at(-1);
    if (dates[0]! > today)
      violations.push({
        check: 'shape.newest-day',
        field: 'Date',
        detail: `newest day ${dates[0]} is after today ${today}`,
      });
    if (newest === today) observations.includeToday = true;
    else if (newest === previousDate(today)) observations.includeToday = false;
  }

  if (requested !== undefined) {
    checked.push('filtering');
    const known = records.map((d) =>
      Object.fromEntries(Object.entries(d).filter(([k]) => k === 'Date' || isFieldName(k))),
    );
    const problem = filteringProblem(known, requested);
    if (problem) violations.push(problem);
  }

  checked.push('relations.day', 'relations.carry');
  violations.push(...relationProblems(records));
  return done('success', 0);
}
