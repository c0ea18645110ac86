import type { NumericFieldName } from './fields.js';

/**
 * A documented relation between the fields of one day, or between a day and the day before.
 *
 * - `sum`: `total = parts[0] + parts[1] + ...`
 * - `at-most`: `lesser <= greater`
 * - `between-max-and-sum`: `max(parts) <= field <= sum(parts)` (a user can send in both C2C and groups)
 * - `carry`: `total(day) = total(day before) + sum(plus(day)) - sum(minus(day))`
 */
export type Relation =
  | {
      readonly kind: 'sum';
      readonly total: NumericFieldName;
      readonly parts: readonly NumericFieldName[];
      readonly source: Source;
    }
  | {
      readonly kind: 'at-most';
      readonly lesser: NumericFieldName;
      readonly greater: NumericFieldName;
      readonly source: Source;
    }
  | {
      readonly kind: 'between-max-and-sum';
      readonly field: NumericFieldName;
      readonly parts: readonly NumericFieldName[];
      readonly source: Source;
    }
  | {
      readonly kind: 'carry';
      readonly total: NumericFieldName;
      readonly plus: readonly NumericFieldName[];
      readonly minus: readonly NumericFieldName[];
      readonly source: Source;
    };

/**
 * Where a relation comes from: `documented` relations hold in the vendor's example figures;
 * `expected` ones are what the figures should obey but the vendor never states (soft checks).
 */
export type Source = 'documented' | 'expected';

/** The relations between the fields of one day (all documented by the vendor's example). */
export const DAY_RELATIONS = [
  { kind: 'sum', total: 'UpMsgNum', parts: ['C2CUpMsgNum', 'GroupUpMsgNum'], source: 'documented' },
  { kind: 'sum', total: 'DownMsgNum', parts: ['C2CDownMsgNum', 'GroupDownMsgNum'], source: 'documented' },
  { kind: 'sum', total: 'APNSMsgNum', parts: ['C2CAPNSMsgNum', 'GroupAPNSMsgNum'], source: 'documented' },
  {
    kind: 'between-max-and-sum',
    field: 'SendMsgUserNum',
    parts: ['C2CSendMsgUserNum', 'GroupSendMsgUserNum'],
    source: 'documented',
  },
  { kind: 'at-most', lesser: 'CallBackRsp', greater: 'CallBackReq', source: 'documented' },
  { kind: 'at-most', lesser: 'MaxOnlineNum', greater: 'LoginUserNum', source: 'documented' },
] as const satisfies readonly Relation[];

/** The relations between a day and the day before it (expected, not documented). */
export const CARRY_RELATIONS = [
  {
    kind: 'carry',
    total: 'RegistUserNumTotal',
    plus: ['RegistUserNumOneDay'],
    minus: [],
    source: 'expected',
  },
  {
    kind: 'carry',
    total: 'GroupAllGroupNum',
    plus: ['GroupNewGroupNum'],
    minus: ['GroupDestroyGroupNum'],
    source: 'expected',
  },
] as const satisfies readonly Relation[];

/** Every relation, one-day ones first. */
export const RELATIONS: readonly Relation[] = [...DAY_RELATIONS, ...CARRY_RELATIONS];

/** A relation that a day (or a pair of days) breaks, with a readable account of the figures. */
export interface RelationViolation {
  readonly relation: Relation;
  /** The `Date` of the day that breaks it. */
  readonly date: string | undefined;
  /** For example `UpMsgNum (10) != C2CUpMsgNum + GroupUpMsgNum (4 + 5 = 9)`. */
  readonly detail: string;
}

type Figures = Readonly<Record<string, unknown>>;

function num(day: Figures, name: string): number | undefined {
  const v = day[name];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

function nums(day: Figures, names: readonly string[]): number[] | undefined {
  const out: number[] = [];
  for (const n of names) {
    const v = num(day, n);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const date = (day: Figures): string | undefined => (typeof day.Date === 'string' ? day.Date : undefined);

/** Describes why one day breaks `relation`, or returns `undefined` when it holds or a field is absent. */
function checkDayRelation(relation: Relation, day: Figures): string | undefined {
  switch (relation.kind) {
    case 'sum': {
      const total = num(day, relation.total);
      const parts = nums(day, relation.parts);
      if (total === undefined || parts === undefined || total === sum(parts)) return undefined;
      return `${relation.total} (${total}) != ${relation.parts.join(' + ')} (${parts.join(' + ')} = ${sum(parts)})`;
    }
    case 'at-most': {
      const lesser = num(day, relation.lesser);
      const greater = num(day, relation.greater);
      if (lesser === undefined || greater === undefined || lesser <= greater) return undefined;
      return `${relation.lesser} (${lesser}) > ${relation.greater} (${greater})`;
    }
    case 'between-max-and-sum': {
      const v = num(day, relation.field);
      const parts = nums(day, relation.parts);
      if (v === undefined || parts === undefined) return undefined;
      const lo = Math.max(...parts);
      const hi = sum(parts);
      if (v >= lo && v <= hi) return undefined;
      return `${relation.field} (${v}) outside [max(${relation.parts.join(', ')}), sum] = [${lo}, ${hi}]`;
    }
    case 'carry':
      return undefined;
  }
}

/**
 * Checks the one-day relations of a day record. Values may be the API's strings or numbers; a relation
 * whose fields are not all present (a filtered pull) is skipped.
 */
export function checkDay(day: Figures): RelationViolation[] {
  const out: RelationViolation[] = [];
  for (const relation of DAY_RELATIONS) {
    const detail = checkDayRelation(relation, day);
    if (detail) out.push({ relation, date: date(day), detail });
  }
  return out;
}

/**
 * Checks the carry-over relations between consecutive days. `days` is newest first, as the API sends it.
 */
export function checkCarryOvers(days: readonly Figures[]): RelationViolation[] {
  const out: RelationViolation[] = [];
  for (let i = 0; i + 1 < days.length; i++) {
    const today = days[i]!;
    const before = days[i + 1]!;
    for (const relation of CARRY_RELATIONS) {
      const total = num(today, relation.total);
      const prev = num(before, relation.total);
      const plus = nums(today, relation.plus);
      const minus = nums(today, relation.minus);
      if (total === undefined || prev === undefined || plus === undefined || minus === undefined) continue;
      const expected = prev + sum(plus) - sum(minus);
      if (total !== expected) {
        out.push({
          relation,
          date: date(today),
          detail: `${relation.total} (${total}) != previous day's ${prev} + ${sum(plus)} - ${sum(minus)} = ${expected}`,
        });
      }
    }
  }
  return out;
}
