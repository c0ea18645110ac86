import type { Fidelity } from '@timock/schema';
import { LruCache } from '../state/lru.js';
import { ALL_FIELDS, type FieldMask, fieldMask } from './answers.js';

/**
 * Reads the request body (a raw Buffer from the server's catch-all parser) as the `RequestField`
 * field set: `null` for every field (no `RequestField`; also `[]` and `{"RequestField":null}` unless
 * `fidelity` refuses them); `undefined` (130001) for a body that is not JSON, not an object, or whose
 * `RequestField` is not an array of strings.
 */
export function parseRequestField(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string[] | null | undefined {
  const read = readRequestField(body, fidelity);
  return typeof read === 'string' ? undefined : read;
}

/** Why a body is refused with 130001 (call it only then): e.g. `body is not JSON`. */
export function bodyReason(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string {
  const read = readRequestField(body, fidelity);
  return typeof read === 'string' ? read : 'body refused';
}

/** {@link parseRequestField}, with the reason (a string) instead of `undefined`. */
function readRequestField(
  body: unknown,
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): string[] | null | string {
  if (!Buffer.isBuffer(body) || body.length === 0) return 'body is empty (send {} for every field)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (Array.isArray(parsed)) {
    if (parsed.length === 0 && fidelity.arrayBody === 'all-fields') return null;
    return parsed.length === 0
      ? 'body is [], not an object (arrayBody refuse)'
      : 'body is a JSON array, not an object';
  }
  if (parsed === null || typeof parsed !== 'object')
    return `body is JSON ${parsed === null ? 'null' : typeof parsed}, not an object`;
  if (!Object.hasOwn(parsed, 'RequestField')) return null;
  const list = (parsed as { RequestField: unknown }).RequestField;
  if (list === null) {
    return fidelity.nullRequestField === 'all-fields'
      ? null
      : 'RequestField is null, not an array (nullRequestField refuse)';
  }
  if (!Array.isArray(list)) return `RequestField is ${typeof list}, not an array`;
  if (!list.every((x) => typeof x === 'string'))
    return 'RequestField is an array with an item that is not a string';
  return list;
}

/** Bodies longer than this are parsed every time, never cached (a cache of them would hold much memory). */
const MAX_CACHED_BODY_BYTES = 1024;
/** How many distinct bodies a server remembers the field set of. */
const FIELD_SET_CACHE_SIZE = 256;
const INVALID = -1;

/**
 * The field set of a request body, by the body's text: `{}` is recognised without parsing, other short
 * bodies are parsed once and remembered (bounded), long ones parsed each time.
 *
 * @returns the {@link FieldMask}, or `undefined` for a body that is not a valid `RequestField` (130001)
 */
export function createFieldSetReader(
  fidelity: Pick<Fidelity, 'arrayBody' | 'nullRequestField'>,
): (body: unknown) => FieldMask | undefined {
  const cache = new LruCache<string, FieldMask>(FIELD_SET_CACHE_SIZE);
  const resolve = (body: unknown): FieldMask => {
    const fields = parseRequestField(body, fidelity);
    return fields === undefined ? INVALID : fieldMask(fields ?? undefined);
  };
  return (body) => {
    if (!Buffer.isBuffer(body)) return undefined;
    // `{}`: the full pull, the most common body.
    if (body.length === 2 && body[0] === 0x7b && body[1] === 0x7d) return ALL_FIELDS;
    let mask: FieldMask | undefined;
    if (body.length > MAX_CACHED_BODY_BYTES) mask = resolve(body);
    else {
      const text = body.toString('latin1'); // one char per byte: distinct bodies, distinct keys
      mask = cache.get(text);
      if (mask === undefined) {
        mask = resolve(body);
        cache.set(text, mask);
      }
    }
    return mask === INVALID ? undefined : mask;
  };
}
