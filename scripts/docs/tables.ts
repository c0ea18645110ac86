/**
 * Markdown tables rendered from Zod 4 schemas, and the marked README sections they live in.
 *
 * An option's type and default come from the schema itself (its checks, wrappers and defaults); its
 * meaning is the schema's `description` (`.meta({ description })` or `.describe()`), so the schema is the
 * one source of the tables and they cannot drift from it.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

type Schema = z.core.$ZodType;
type Def = z.core.$ZodTypeDef & Record<string, unknown>;

const defOf = (s: Schema): Def => s._zod.def as Def;

/** Wrappers that do not change what a caller writes (apart from making it optional). */
const WRAPPERS = new Set(['optional', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

/** The metadata of `s` or of any wrapper inside it, outermost first. */
function metaOf(s: Schema): Record<string, unknown> {
  const layers: Record<string, unknown>[] = [];
  for (let cur: Schema | undefined = s; cur; ) {
    const meta = z.globalRegistry.get(cur);
    if (meta) layers.push(meta as Record<string, unknown>);
    const def = defOf(cur);
    cur = WRAPPERS.has(def.type)
      ? (def.innerType as Schema)
      : def.type === 'pipe'
        ? (def.in as Schema)
        : undefined;
  }
  return Object.assign({}, ...layers.reverse());
}

/** The description of `s` (on it or on a wrapper inside it), or `undefined`. */
export function descriptionOf(s: Schema): string | undefined {
  const description = metaOf(s).description;
  return typeof description === 'string' ? description : undefined;
}

/** Removes the wrappers around `s`. */
function unwrap(s: Schema): Schema {
  let cur = s;
  while (WRAPPERS.has(defOf(cur).type)) cur = defOf(cur).innerType as Schema;
  return cur;
}

/** The object shape inside `s` (through wrappers, refinements and pipes), e.g. of a schema with a transform. */
export function shapeOf(s: Schema): Record<string, Schema> {
  let cur = unwrap(s);
  while (defOf(cur).type === 'pipe') cur = unwrap(defOf(cur).in as Schema);
  const def = defOf(cur);
  if (def.type !== 'object') throw new Error(`not an object schema: ${def.type}`);
  return def.shape as Record<string, Schema>;
}

/** The bounds of a number, e.g. ` 0..4294967295`, ` ≥ 1`, ` > 0` (integers' exclusive bounds made inclusive). */
function numberRange(def: Def, isInt: boolean): string {
  let min: string | undefined;
  let max: string | undefined;
  for (const check of (def.checks as Schema[] | undefined) ?? []) {
    const c = defOf(check) as Def & { check?: string; value?: number; inclusive?: boolean };
    if (c.value === undefined || Math.abs(c.value) === Number.MAX_SAFE_INTEGER) continue;
    if (c.check === 'greater_than') {
      min = c.inclusive ? `${c.value}` : isInt ? `${c.value + 1}` : `> ${c.value}`;
    }
    if (c.check === 'less_than') max = c.inclusive ? `${c.value}` : isInt ? `${c.value - 1}` : `< ${c.value}`;
  }
  if (min !== undefined && max !== undefined && !min.startsWith('>') && !max.startsWith('<')) {
    return ` ${min}..${max}`;
  }
  const lower = min === undefined ? '' : min.startsWith('>') ? ` ${min}` : ` ≥ ${min}`;
  const upper = max === undefined ? '' : max.startsWith('<') ? ` ${max}` : ` ≤ ${max}`;
  return lower && upper ? `${lower},${upper}` : lower || upper;
}

/** A TypeScript-like name for what a caller writes, e.g. `integer 0..4294967295`, `string \| RedisOptions`. */
export function typeName(s: Schema): string {
  const meta = metaOf(s);
  if (typeof meta.tsType === 'string') return meta.tsType;
  const inner = unwrap(s);
  const def = defOf(inner);
  const innerMeta = z.globalRegistry.get(inner) as Record<string, unknown> | undefined;
  const named = innerMeta?.id ?? innerMeta?.title;
  switch (def.type) {
    case 'string':
    case 'boolean':
      return def.type;
    case 'number': {
      const isInt = (inner as unknown as { isInt?: boolean }).isInt === true;
      return `${isInt ? 'integer' : 'number'}${numberRange(def, isInt)}`;
    }
    case 'literal':
      return (def.values as unknown[]).map((v) => JSON.stringify(v)).join(' | ');
    case 'enum':
      if (typeof named === 'string') return named;
      return Object.values(def.entries as Record<string, string>)
        .map((v) => `'${v}'`)
        .join(' | ');
    case 'union':
      return [...new Set((def.options as Schema[]).map(typeName))].join(' | ');
    case 'pipe':
      return typeName(def.in as Schema);
    case 'nullable':
      return `${typeName(def.innerType as Schema)} | null`;
    case 'array': {
      const element = typeName(def.element as Schema);
      return element.includes(' ') ? `(${element})[]` : `${element}[]`;
    }
    case 'tuple':
      return `[${(def.items as Schema[]).map(typeName).join(', ')}]`;
    case 'record':
      return `Record<${typeName(def.keyType as Schema)}, ${typeName(def.valueType as Schema)}>`;
    case 'unknown':
      return 'unknown';
    case 'object':
      if (typeof named === 'string') return named;
      return `{ ${Object.entries(def.shape as Record<string, Schema>)
        .map(([k, v]) => (v._zod.optin === 'optional' ? `${k}?` : k))
        .join(', ')} }`;
    case 'custom': {
      const cls = (inner._zod.bag as { Class?: { name: string } }).Class;
      if (cls) return cls.name;
      throw new Error('a z.custom() field needs .meta({ tsType }) to name its type in the docs');
    }
    default:
      throw new Error(`typeName: no rendering for a ${def.type} schema`);
  }
}

/** Well-known values rendered by their name (e.g. `Date.now`), found by identity or deep equality. */
export type KnownValues = Readonly<Record<string, unknown>>;

const BUILTINS: KnownValues = { 'Date.now': Date.now, 'Math.random': Math.random };

/** A value as it reads in source, e.g. `'timock'`, `[DEMO_APP]`, `Date.now`. */
export function valueText(value: unknown, known: KnownValues = {}): string {
  for (const [name, v] of Object.entries({ ...BUILTINS, ...known })) {
    if (v === value || (typeof v === 'object' && isDeepStrictEqual(v, value))) return name;
  }
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return value.name || 'a function';
  if (Array.isArray(value)) return `[${value.map((v) => valueText(v, known)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => `${k}: ${valueText(v, known)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return String(value);
}

/** Inline code in a table cell: pipes escaped (GitHub tables split cells on them, even in code). */
export const code = (text: string): string => `\`${text.replaceAll('|', '\\|')}\``;

/** A Markdown table with padded columns (as a formatter would write it). */
export function markdownTable(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(3, h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** How to render the options table of one object schema. */
export interface OptionsTableSpec {
  /** An object schema (wrapped, refined or piped into a transform is fine). */
  schema: Schema;
  /**
   * The smallest valid input: the default column shows what parsing it gives for every other key, so
   * defaults applied by a transform are shown too. Default `{}`.
   */
  minimalInput?: Record<string, unknown>;
  /** Values shown by name in the default column, e.g. `{ DEMO_APP }`. */
  known?: KnownValues;
  /** A prefix for the option names, e.g. `apps[].`. */
  prefix?: string;
}

/** One row of an options table: the cells as rendered (`name`, `type` and `default` as inline code). */
export interface OptionRow {
  key: string;
  name: string;
  type: string;
  default: string;
  description: string;
}

/**
 * The rows of an object schema's options table. Every field must have a description; a required field's
 * default reads `(required)`, an optional one without a default `none`.
 */
export function optionRows(spec: OptionsTableSpec): OptionRow[] {
  const { schema, minimalInput = {}, known = {}, prefix = '' } = spec;
  const parsed = z.safeParse(schema, minimalInput);
  if (!parsed.success) throw new Error(`the minimal input does not parse: ${parsed.error.message}`);
  const output = (parsed.data ?? {}) as Record<string, unknown>;
  return Object.entries(shapeOf(schema)).map(([key, field]) => {
    const description = descriptionOf(field);
    if (description === undefined) throw new Error(`option ${prefix}${key} has no description`);
    let fallback: unknown;
    if (defOf(field).type === 'default')
      fallback = (defOf(field) as Def & { defaultValue: unknown }).defaultValue;
    const value = key in minimalInput ? fallback : (output[key] ?? fallback);
    const required = field._zod.optin !== 'optional';
    return {
      key,
      name: code(`${prefix}${key}`),
      type: code(typeName(field)),
      default: value !== undefined ? code(valueText(value, known)) : required ? '(required)' : 'none',
      description: description.replaceAll('\n', ' '),
    };
  });
}

/** The `option | type | default | meaning` table of an object schema (see {@link optionRows}). */
export function optionsTable(spec: OptionsTableSpec): string {
  const rows = optionRows(spec).map((r) => [r.name, r.type, r.default, r.description]);
  return markdownTable(['option', 'type', 'default', 'meaning'], rows);
}

const marker = (id: string, end: 'start' | 'end') => `<!-- ${id}:${end} -->`;

/** The text between `<!-- id:start -->` and `<!-- id:end -->` in `text`, or `undefined`. */
export function sectionOf(text: string, id: string): string | undefined {
  const start = text.indexOf(marker(id, 'start'));
  const end = text.indexOf(marker(id, 'end'));
  if (start < 0 || end < start) return undefined;
  return text.slice(start + marker(id, 'start').length, end).replace(/^\n|\n$/g, '');
}

/** `text` with the section `id` replaced by `content`; throws when the markers are missing. */
export function replaceSection(text: string, id: string, content: string): string {
  const start = text.indexOf(marker(id, 'start'));
  const end = text.indexOf(marker(id, 'end'));
  if (start < 0 || end < start)
    throw new Error(`markers ${marker(id, 'start')} ... ${marker(id, 'end')} not found`);
  return `${text.slice(0, start)}${marker(id, 'start')}\n${content}\n${text.slice(end)}`;
}
