/**
 * Flags that set an option: each names the option it sets and carries the option's schema, from which
 * its help text (meaning, range, default), the conversion of its text and its error messages follow.
 */

import type { HelpFlag } from '@timock/terminal';
import { z } from 'zod';
import { type CliEnv, CliUsageError, type FlagValue, flagSet, issueLines, readFlag } from './flags.js';

/** A flag that sets one option, e.g. `--port` sets `port`, `--redis-prefix` sets `redis.keyPrefix`. */
export interface OptionFlag extends HelpFlag {
  /** The option's path in the options object (dot-separated). */
  readonly option: string;
  /** The option's schema: a field of `ServerOptionsSchema`, `RedisOptionsSchema`, ... */
  readonly schema: z.ZodType;
  /** For a boolean flag: the value it gives the option (`--no-admin` sets `admin` to `false`). */
  readonly sets?: unknown;
}

/** What a flag's help shows of its option, and how its text becomes a value. */
interface Shape {
  type?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  enum?: readonly unknown[];
}

const shapes = new WeakMap<z.ZodType, Shape>();

/** The option's JSON Schema (as written by a caller), cached per schema. */
function shapeOf(schema: z.ZodType): Shape {
  let shape = shapes.get(schema);
  if (shape === undefined) {
    shape = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Shape;
    shapes.set(schema, shape);
  }
  return shape;
}

/** The inclusive range of an integer option. */
function range(shape: Shape): [number, number] {
  const min = shape.minimum ?? (shape.exclusiveMinimum === undefined ? 0 : shape.exclusiveMinimum + 1);
  return [min, shape.maximum ?? Number.MAX_SAFE_INTEGER];
}

/** The option's description as a terminal shows it (no Markdown code marks or links). */
const plain = (text: string) => text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '');

/** The help line of an option: its meaning, then its range or values and its default. */
function optionHelp(schema: z.ZodType, lead: string | undefined, type: 'string' | 'boolean'): string {
  const shape = shapeOf(schema);
  const meaning = [lead, shape.description && plain(shape.description)].filter(Boolean).join(': ');
  // A boolean flag gives the option one value: the option's default is not the flag's.
  if (type === 'boolean') return meaning;
  const facts: string[] = [];
  if (shape.type === 'integer') facts.push(range(shape).join('..'));
  if (shape.enum !== undefined) facts.push(shape.enum.join('|'));
  if (shape.default !== undefined) facts.push(`default ${String(shape.default)}`);
  return facts.length === 0 ? meaning : `${meaning} (${facts.join(', ')})`;
}

/**
 * A flag that sets `option`, its help derived from `schema`. A string flag takes a value (its text
 * converted to the schema's type); a boolean flag gives the option `sets` (default `true`).
 *
 * @param lead - words before the option's description in the help (e.g. `turn off` for `--no-admin`)
 */
export function optionFlag<T extends 'string' | 'boolean' = 'string'>(
  option: string,
  schema: z.ZodType,
  flag: { type?: T; value?: string; env?: string; sets?: unknown; lead?: string },
): OptionFlag & { readonly type: T } {
  const { lead, type = 'string' as T, ...rest } = flag;
  const help = optionHelp(schema, lead, type);
  const withEnv = flag.env !== undefined && type === 'boolean' ? `${help} (${flag.env}=1)` : help;
  return { ...rest, type, option, schema, help: withEnv };
}

/** A flag's text as the value its option takes: an integer option gets a number (`NaN` if it is none). */
export function optionValue(flag: OptionFlag, text: string): unknown {
  if (flag.type === 'boolean') return flag.sets ?? true;
  return shapeOf(flag.schema).type === 'integer' ? (/^-?\d+$/.test(text) ? Number(text) : Number.NaN) : text;
}

/**
 * The usage error for a flag whose value its option refuses: it names the flag (or the variable the
 * value came from); an integer's message gives the range and the text, an enumeration's its values. A
 * string option's message never repeats the value (a token, or a URL that may hold a password).
 */
export function optionProblem(flag: OptionFlag, value: FlagValue, issue: z.core.$ZodIssue): CliUsageError {
  const shape = shapeOf(flag.schema);
  if (shape.type === 'integer') {
    const [min, max] = range(shape);
    return new CliUsageError(`${value.source} must be an integer from ${min} to ${max}, got "${value.text}"`);
  }
  if (shape.enum !== undefined) {
    return new CliUsageError(`${value.source} must be one of ${shape.enum.join(', ')}, got "${value.text}"`);
  }
  const name = flag.option.split('.').at(-1)!;
  const message = issue.message.startsWith(`${name} `) ? issue.message.slice(name.length + 1) : issue.message;
  return new CliUsageError(`${value.source} ${message}`);
}

/** Sets `value` at the dot-separated `path` of `target`, creating objects on the way. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = target;
  for (const key of keys.slice(0, -1)) {
    const next = cur[key];
    const copy: Record<string, unknown> = typeof next === 'object' && next !== null ? { ...next } : {};
    cur[key] = copy;
    cur = copy;
  }
  cur[keys.at(-1)!] = value;
}

/** The option flags of `table` that were given, as flags or by their variables, each with its value. */
export function givenOptionFlags(
  table: Readonly<Record<string, HelpFlag>>,
  values: Readonly<Record<string, unknown>>,
  env: CliEnv,
): [OptionFlag, FlagValue][] {
  const given: [OptionFlag, FlagValue][] = [];
  for (const [name, flag] of Object.entries(table)) {
    if (!('option' in flag)) continue;
    const value =
      flag.type !== 'boolean'
        ? readFlag(name, flag, values, env)
        : flagSet(name, flag, values, env)
          ? { text: '', source: values[name] === true ? `--${name}` : flag.env! }
          : undefined;
    if (value !== undefined) given.push([flag as OptionFlag, value]);
  }
  return given;
}

/**
 * Sets each given flag's option in `input` and checks, in one parse, the options `input` holds with
 * `schema` (defaults filled in for those set to `undefined`). A refused value is named by its flag, or
 * by the variable it came from.
 *
 * @returns the checked options
 * @throws {@link CliUsageError} naming the first refused flag
 */
export function checkOptionFlags<S extends z.ZodObject>(
  schema: S,
  given: readonly [OptionFlag, FlagValue][],
  input: Record<string, unknown>,
): Partial<z.output<S>> {
  for (const [flag, value] of given) setPath(input, flag.option, optionValue(flag, value.text));
  const keys = Object.fromEntries(Object.keys(input).map((key) => [key, true] as const));
  const parsed = (schema.pick(keys as never) as z.ZodType).safeParse(input);
  if (parsed.success) return parsed.data as Partial<z.output<S>>;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.join('.');
  const match = given.find(([flag]) => path === flag.option || path.startsWith(`${flag.option}.`));
  throw match
    ? optionProblem(match[0], match[1], issue)
    : new CliUsageError(issueLines(parsed.error).join('; '));
}
