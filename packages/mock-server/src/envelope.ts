import { ERROR_CODE_LIST, ERROR_CODES, type ErrorCode, FIELD_NAMES, type FieldName } from '@timock/schema';

/** A bit mask over `FIELD_NAMES` (bit i = field i); {@link ALL_FIELDS} selects every field. */
export type FieldMask = number;

/** The mask that selects every field. */
export const ALL_FIELDS: FieldMask = 2 ** FIELD_NAMES.length - 1;

const bitOf: ReadonlyMap<string, number> = new Map(FIELD_NAMES.map((name, i) => [name, 2 ** i]));

/**
 * The normalised field set of a `RequestField` list: absent or empty means every field; names that are
 * not catalogue fields are ignored (so a list of only unknown names selects just `Date`).
 */
export function fieldMask(requestField: readonly string[] | undefined): FieldMask {
  if (requestField === undefined || requestField.length === 0) return ALL_FIELDS;
  let mask = 0;
  for (const name of requestField) mask |= bitOf.get(name) ?? 0;
  return mask;
}

/** The key order of a day in the answers: ASCII order, as in the vendor's documented examples. */
const DAY_KEYS: readonly { name: FieldName | 'Date'; bit: number }[] = [...FIELD_NAMES, 'Date' as const]
  .sort()
  .map((name) => ({ name, bit: name === 'Date' ? 0 : (bitOf.get(name) ?? 0) }));

/** The success answer for some days narrowed to `mask`, serialised once: `{"ErrorCode":0,"ErrorInfo":"OK","Result":[...]}`. */
export function successBody(days: readonly Readonly<Record<string, string>>[], mask: FieldMask): Buffer {
  const parts: string[] = [];
  for (const day of days) {
    const fields: string[] = [];
    for (const { name, bit } of DAY_KEYS) {
      if (bit !== 0 && (mask & bit) === 0) continue;
      const value = day[name];
      if (value !== undefined) fields.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
    }
    parts.push(`{${fields.join(',')}}`);
  }
  return Buffer.from(`{"ErrorCode":0,"ErrorInfo":"OK","Result":[${parts.join(',')}]}`);
}

/** Every failure answer of the catalogue, serialised once at load (constant, never mutated). */
const FAILURE_BODIES: ReadonlyMap<number, Buffer> = new Map(
  ERROR_CODE_LIST.map((code) => [
    code,
    Buffer.from(
      JSON.stringify({
        ActionStatus: 'FAIL',
        ErrorCode: code,
        ErrorInfo: ERROR_CODES[code].info,
        ErrorDisplay: '',
      }),
    ),
  ]),
);

/**
 * The failure answer for a catalogue code:
 * `{"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"<catalogue info>","ErrorDisplay":""}`.
 */
export function failureBody(code: ErrorCode): Buffer {
  return FAILURE_BODIES.get(code)!;
}
