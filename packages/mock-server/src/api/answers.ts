import {
  ERROR_CODE_LIST,
  type ErrorCode,
  type ErrorInfoValues,
  errorInfoText,
  FIELD_NAMES,
  type Fidelity,
  type FieldName,
  hasErrorInfoValues,
} from '@timock/schema';

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

/**
 * How a success answer starts, up to the opening of `Result`: `{"ErrorCode":0,"ErrorInfo":"OK","Result":[`
 * as the vendor's page shows it, with `"ActionStatus":"OK"` first when `fidelity.successActionStatus`.
 */
export function successHead(fidelity: Pick<Fidelity, 'successActionStatus'>): string {
  return `{${fidelity.successActionStatus ? '"ActionStatus":"OK",' : ''}"ErrorCode":0,"ErrorInfo":"OK","Result":[`;
}

/** The page's success head ({@link successHead} without `ActionStatus`). */
export const DOCUMENTED_SUCCESS_HEAD = successHead({ successActionStatus: false });

/** The success answer for some days narrowed to `mask`, serialised once: `<head>...]}` (see {@link successHead}). */
export function successBody(
  days: readonly Readonly<Record<string, string>>[],
  mask: FieldMask,
  head = DOCUMENTED_SUCCESS_HEAD,
): Buffer {
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
  return compact(`${head}${parts.join(',')}]}`);
}

/**
 * `text` as UTF-8 in a Buffer of its own: never a slice of Node's shared 8 KiB pool, which a cached
 * small answer would keep alive whole (its bytes would then be more than the budget counts).
 */
function compact(text: string): Buffer {
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  bytes.write(text);
  return bytes;
}

/** A success answer with `"RequestId":"<id>"` added as its last key (`fidelity.successRequestId`). */
export function withRequestId(body: Buffer, requestId: string): Buffer {
  return Buffer.concat([body.subarray(0, body.length - 1), Buffer.from(`,"RequestId":"${requestId}"}`)]);
}

/** The failure answer as the gateway writes it: `{"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"..."}`. */
const encodeFailure = (code: ErrorCode, values?: ErrorInfoValues): Buffer =>
  Buffer.from(
    JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: code, ErrorInfo: errorInfoText(code, values) }),
  );

/** The failure answers whose text names no value, serialised once at load (constant, never mutated). */
const FAILURE_BODIES: ReadonlyMap<number, Buffer> = new Map(
  ERROR_CODE_LIST.filter((code) => !hasErrorInfoValues(code)).map((code) => [code, encodeFailure(code)]),
);

/**
 * The failure answer for a catalogue code, exactly the keys every real gateway failure has, in their
 * order: `{"ActionStatus":"FAIL","ErrorCode":n,"ErrorInfo":"<the catalogue's text>"}`. A text that names
 * values (70014's two SDKAppIDs) is filled in from `values`.
 */
export function failureBody(code: ErrorCode, values?: ErrorInfoValues): Buffer {
  return FAILURE_BODIES.get(code) ?? encodeFailure(code, values);
}
