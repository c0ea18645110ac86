/**
 * The parsing every `timock` command shares: its two errors (recognised by `code`), reading flags and
 * their environment variables, files named by flags, and the upstream of `record` and `proxy`.
 */
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

import { REGION_IDS, type RegionId } from '@timock/schema';
import { type HelpFlag, joinNegativeValues } from '@timock/terminal';
import type { z } from 'zod';
import { jsonErrorReason } from '../plugins/redaction.js';

/** The `code` of {@link CliUsageError}. */
export const CLI_USAGE = 'TIMOCK_CLI_USAGE';

/** The `code` of {@link CliFailure}. */
export const CLI_FAILURE = 'TIMOCK_CLI_FAILURE';

/** A problem with the command line, the environment or the config file: one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  /** Always {@link CLI_USAGE}. */
  readonly code = CLI_USAGE;
}

/** A command that ran but failed (e.g. the upstream refused): one line on stderr, exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  /** Always {@link CLI_FAILURE}. */
  readonly code = CLI_FAILURE;
}

const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;

/** True for a {@link CliUsageError}, from either build (recognised by its `code`, not `instanceof`). */
export function isCliUsageError(error: unknown): error is CliUsageError {
  return hasCode(error, CLI_USAGE);
}

/** True for a {@link CliFailure}, from either build (recognised by its `code`). */
export function isCliFailure(error: unknown): error is CliFailure {
  return hasCode(error, CLI_FAILURE);
}

/**
 * The one usage line for an error of `listen` that the user can act on (port in use, no permission, an
 * unknown host), or `undefined` for any other error.
 */
export function listenUsageError(error: unknown, host: string, port: number): CliUsageError | undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new CliUsageError(`port ${port} on ${host} is already in use`);
  if (code === 'EACCES') return new CliUsageError(`no permission to listen on ${host}:${port}`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new CliUsageError(`cannot listen on host ${host} (${code})`);
  }
  return undefined;
}

/** The environment the CLI reads. */
export type CliEnv = Readonly<Record<string, string | undefined>>;

/** The `--help` flag every command takes. */
export const HELP_FLAG = { type: 'boolean', short: 'h', help: 'print this help' } as const;

/** What {@link parseFlags} returns: the flags' values, typed by the table, and the positionals. */
export type ParsedFlags<F extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: F; strict: true; allowPositionals: boolean }>
>;

/**
 * `node:util` `parseArgs` over a flag table, a negative number after a flag read as its value; any
 * problem (an unknown flag, a missing value) is one {@link CliUsageError} line.
 */
export function parseFlags<F extends Record<string, HelpFlag> & ParseArgsOptionsConfig>(
  args: readonly string[],
  flags: F,
  allowPositionals = false,
): ParsedFlags<F> {
  try {
    return parseArgs({
      args: joinNegativeValues(args, flags),
      options: flags,
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    // node:util's messages are clear; keep their first sentence only.
    const text = error instanceof Error ? error.message : String(error);
    const message = text.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
    throw new CliUsageError(`${message} (see timock --help)`);
  }
}

/** Where a flag's value came from, for messages: `--name`, or its environment variable. */
export interface FlagValue {
  text: string;
  source: string;
}

/** A flag's value, or its environment variable's when the flag is absent; `undefined` when neither is set. */
export function readFlag(
  name: string,
  flag: HelpFlag,
  values: Readonly<Record<string, unknown>>,
  env: CliEnv,
): FlagValue | undefined {
  const value = values[name];
  if (typeof value === 'string') return { text: value, source: `--${name}` };
  const text = flag.env === undefined ? undefined : env[flag.env];
  return text === undefined ? undefined : { text, source: flag.env! };
}

/** True for a boolean flag given, or its variable set to `1`, `true`, `yes` or `on`. */
export function flagSet(
  name: string,
  flag: HelpFlag,
  values: Readonly<Record<string, unknown>>,
  env: CliEnv,
) {
  const text = flag.env === undefined ? undefined : env[flag.env];
  return values[name] === true || (text !== undefined && /^(1|true|yes|on)$/i.test(text));
}

/** `text` as an integer from `min` to `max`; otherwise one usage line naming `source`. */
export function integer(source: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliUsageError(`${source} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

/** A file a flag names (a PEM certificate or key), read as text; one usage line when it cannot be read. */
export function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliUsageError(`cannot read ${flag} file ${path}`);
  }
}

/** One readable line per problem of a Zod result: `path: message`. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) =>
    issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
  );
}

/**
 * Reads a JSON file and checks it with `schema`; any problem is one {@link CliUsageError} line listing
 * every mistake. Returns the file's own JSON (no defaults filled in, key order kept).
 */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S, what: string): z.input<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliUsageError(
      code === 'ENOENT' ? `${what} ${path} not found` : `cannot read ${what} ${path} (${code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${what} ${path} is not valid JSON: ${jsonErrorReason(error)}`);
  }
  const parsed = schema.safeParse(json);
  // Every problem on the one line, unknown keys included: fixing one at a time would take a run each.
  if (!parsed.success) throw new CliUsageError(`${what} ${path}: ${issueLines(parsed.error).join('; ')}`);
  return json as z.input<S>;
}

/** `--upstream` as an origin: an http: or https: URL without credentials, query or fragment. */
function upstreamOrigin(text: string): string {
  const url = URL.canParse(text) ? new URL(text) : undefined;
  if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
    throw new CliUsageError(
      `--upstream must be an http: or https: URL without credentials or query, got "${text}"`,
    );
  }
  return text.replace(/\/+$/, '');
}

/** The `--upstream URL` or `--region R` of `record` and `proxy` (exactly one of them), checked. */
export function upstreamFlag(
  command: 'record' | 'proxy',
  values: { upstream?: string; region?: string },
): { baseUrl: string } | { region: RegionId } {
  if ((values.upstream === undefined) === (values.region === undefined)) {
    throw new CliUsageError(`${command} needs exactly one of --upstream URL and --region R`);
  }
  if (values.upstream !== undefined) return { baseUrl: upstreamOrigin(values.upstream) };
  const region = values.region as RegionId;
  if (!REGION_IDS.includes(region)) {
    throw new CliUsageError(`--region must be one of ${REGION_IDS.join(', ')}, got "${values.region}"`);
  }
  return { region };
}

/** `--sdkappid N` as an SDKAppID (a positive integer). */
export function sdkappidFlag(text: string): number {
  return integer('--sdkappid', text, 1, Number.MAX_SAFE_INTEGER);
}

/** The flag `--secret-key` of `record` and `usersig` (its variable keeps the key out of the process list). */
export const SECRET_KEY_FLAG = {
  type: 'string',
  value: 'K',
  env: 'TIMOCK_SECRET_KEY',
  help: "the app's secret key (prefer the variable: it keeps the key out of the process list)",
} as const;

/** The line every command's help ends with. */
export const EXIT_CODES = 'Exit codes: 0 success, 2 bad usage or configuration, 1 unexpected failure.';
