import { DateSchema, NUMERIC_FIELD_NAMES, type NumericFieldName } from '@timock/schema';

/**
 * A day with its counters as numbers and `Date` as `YYYY-MM-DD`; text fields (`AppName`, `Company`) and
 * unknown fields stay as they are.
 */
export type NumericDay<D> = {
  [K in keyof D]: K extends NumericFieldName ? number : D[K];
};

const counters: ReadonlySet<string> = new Set(NUMERIC_FIELD_NAMES);

/**
 * Converts a day from {@link TimClient.getAppInfo} for arithmetic: every counter to a number, `Date` from
 * `YYYYMMDD` to `YYYY-MM-DD` (a calendar day in Beijing time, UTC+8, so deliberately not a `Date`
 * object). Text fields and fields unknown to the schema are copied unchanged.
 *
 * @throws RangeError when a counter is not decimal digits or exceeds `Number.MAX_SAFE_INTEGER`, or when
 *   `Date` is not `YYYYMMDD`.
 * @example
 * toNumbers({ Date: '20160607', ChainIncrease: '18' }); // { Date: '2016-06-07', ChainIncrease: 18 }
 */
export function toNumbers<D extends { Date: string }>(day: D): NumericDay<D> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(day)) {
    if (key === 'Date') {
      if (!DateSchema.safeParse(value).success)
        throw new RangeError(`Date is not YYYYMMDD: ${String(value)}`);
      const s = value as string;
      out[key] = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
    } else if (!counters.has(key)) {
      out[key] = value;
    } else {
      if (typeof value !== 'string' || !/^\d+$/.test(value)) {
        throw new RangeError(`${key} is not a count: ${String(value)}`);
      }
      const n = Number(value);
      if (!Number.isSafeInteger(n)) throw new RangeError(`${key} is too large for a number: ${value}`);
      out[key] = n;
    }
  }
  return out as NumericDay<D>;
}
