import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  FIDELITY_VALUES,
  type Fidelity,
  type FidelityInput,
  type FidelityName,
  type Fixture,
  FixtureSchema,
  parseFidelityAssignment,
  REGION_IDS,
  type RegionId,
  regionOrigin,
} from '@timock/schema';
import { formatHelp, type HelpFlag, type HelpSpec, joinNegativeValues, type Paint } from '@timock/terminal';
import { z } from 'zod';
import { isLoopback } from '../control/access.js';
import { MAX_JOURNAL_SIZE } from '../control/journal.js';
import { DEMO_APP, type RedisOptions, RedisOptionsSchema, ServerOptionsSchema } from '../options.js';
import { jsonErrorReason } from '../plugins/logging.js';

/** A problem with the command line, the environment or the config file: one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  /** Always `TIMOCK_CLI_USAGE`. */
  readonly code = 'TIMOCK_CLI_USAGE';
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

/** The log levels `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The formats `--log-format` accepts. */
export const LOG_FORMATS = ['pretty', 'json'] as const;

/** `timock serve`, fully resolved from flags, environment and config file. */
export interface ServeCommand {
  kind: 'serve';
  host: string;
  port: number;
  seed: number | undefined;
  /** Frozen clock, epoch ms, from `--now`. */
  now: number | undefined;
  /** The config file's contents (validated), when one was given. */
  config: Omit<ConfigFile, 'fixtures'> | undefined;
  /** The config file's path, for messages. */
  configPath: string | undefined;
  https: { cert: string; key: string } | 'self-signed' | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** `--log-format`: `pretty` (a line a person reads) or `json` (pino's lines); unset: pretty on a terminal. */
  logFormat: (typeof LOG_FORMATS)[number] | undefined;
  /** Shared state in Redis, from `--redis`/`--redis-prefix` (the config file's `redis` otherwise). */
  redis: RedisOptions | undefined;
  /** Serve the admin API (false with `--no-admin`). */
  admin: boolean;
  /** The admin token (`--admin-token`, `TIMOCK_ADMIN_TOKEN` or the config file). */
  adminToken: string | undefined;
  /** Journal entries kept (`--journal-size`). */
  journalSize: number | undefined;
  /** Bytes of cached answers, every app together (`--cache-budget`). */
  cacheBudget: number | undefined;
  /** Recorded fixtures to serve (`--fixtures`, repeatable, and the config's `fixtures`), validated. */
  fixtures: { path: string; fixture: Fixture }[];
  /** Connection timeouts from flags or environment (ms); the config file's, if any, are in `config`. */
  timeouts: Partial<Record<TimeoutOption, number>>;
  /**
   * The `fidelity` option: the config file's, with `TIMOCK_FIDELITY` then `--fidelity` merged over it
   * setting by setting, and `profile: 'strict'` from `--strict`/`TIMOCK_STRICT` (`{}` when none).
   */
  fidelity: FidelityInput;
}

/** `timock record`: pull one app's data once and write a fixture. */
export interface RecordCommand {
  kind: 'record';
  /** The upstream: a base URL, or a region of the vendor. */
  upstream: { baseUrl: string } | { region: RegionId };
  sdkappid: number;
  secretKey: string;
  identifier: string;
  /** Where to write the fixture. */
  out: string;
}

/** `timock proxy`: forward to an upstream and check each answer against the contract. */
export interface ProxyCommand {
  kind: 'proxy';
  /** The origin to forward to (`--upstream`, or the origin of `--region`). */
  upstream: string;
  host: string;
  port: number;
  /** Fixture file to write passing full pulls to (`--record`). */
  record: string | undefined;
  /** PEM CA certificate to trust for the upstream (`--ca`). */
  ca: string | undefined;
  /** Upstream timeout, ms (`--timeout`). */
  timeoutMs: number;
  /** PEM certificate and key to listen with HTTPS (`--https --cert --key`). */
  https: { cert: string; key: string } | undefined;
}

/** The server's timeout options that the CLI sets (`--headers-timeout`, ...). */
export const TIMEOUT_OPTIONS = [
  'headersTimeout',
  'requestTimeout',
  'keepAliveTimeout',
  'connectionTimeout',
  'drainTimeout',
] as const;

/** One of {@link TIMEOUT_OPTIONS}. */
export type TimeoutOption = (typeof TIMEOUT_OPTIONS)[number];

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`) as `${string}-timeout`;

/** `timock usersig`. */
export interface UserSigCommand {
  kind: 'usersig';
  sdkappid: number;
  secretKey: string;
  identifier: string;
  expire: number;
}

/** `timock usersig inspect <UserSig>`: what to check the UserSig against (each optional). */
export interface UserSigInspectCommand {
  kind: 'usersig-inspect';
  /** The UserSig as given (raw or percent-encoded). */
  usersig: string;
  sdkappid: number | undefined;
  secretKey: string | undefined;
  identifier: string | undefined;
  /** Print one JSON object instead of lines. */
  json: boolean;
}

/** Any command the CLI runs. */
export type Command =
  | ServeCommand
  | RecordCommand
  | ProxyCommand
  | UserSigCommand
  | UserSigInspectCommand
  | { kind: 'openapi' }
  | { kind: 'help'; command?: CommandName }
  | { kind: 'version' };

/**
 * The JSON config file: `{"apps":[...],"seed":42}` (plus `bodyLimit`, cache sizes, `admin`, `adminToken`,
 * `journalSize`, `fidelity`, timeouts, and `fixtures`: fixture file paths, relative to the config file).
 */
export const ConfigFileSchema = ServerOptionsSchema.pick({
  apps: true,
  seed: true,
  bodyLimit: true,
  sigCacheSize: true,
  answerCacheSize: true,
  cacheBudget: true,
  redis: true,
  admin: true,
  adminToken: true,
  journalSize: true,
  fidelity: true,
  headersTimeout: true,
  requestTimeout: true,
  keepAliveTimeout: true,
  connectionTimeout: true,
  drainTimeout: true,
})
  .extend({
    fixtures: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .meta({ description: 'fixture files (`timock record`) to serve, relative to the config file' }),
  })
  .partial();

/** The config file after validation. */
export type ConfigFile = z.input<typeof ConfigFileSchema>;

const HELP_FLAG = { type: 'boolean', short: 'h', help: 'print this help' } as const;

/** Every flag of `timock serve` (also the default command), in help order; the parser reads this table. */
export const SERVE_FLAGS = {
  host: {
    type: 'string',
    value: 'HOST',
    env: 'TIMOCK_HOST',
    help: 'interface to listen on (default 127.0.0.1)',
  },
  port: { type: 'string', value: 'PORT', env: 'TIMOCK_PORT', help: 'port, 0 = any free port (default 8080)' },
  config: {
    type: 'string',
    value: 'FILE',
    env: 'TIMOCK_CONFIG',
    help: 'JSON config {"apps":[...],"seed":42} (default: the public demo app)',
  },
  seed: { type: 'string', value: 'N', env: 'TIMOCK_SEED', help: 'data seed, 0..4294967295 (default 42)' },
  now: { type: 'string', value: 'ISO-8601', env: 'TIMOCK_NOW', help: 'freeze the clock at this instant' },
  https: {
    type: 'boolean',
    env: 'TIMOCK_HTTPS',
    help: 'serve HTTPS, with --cert/--key or a generated self-signed certificate, written to a temporary file named at start: trust it with timock-contract --ca FILE (TIMOCK_HTTPS=1)',
  },
  cert: { type: 'string', value: 'FILE', env: 'TIMOCK_CERT', help: 'PEM certificate' },
  key: { type: 'string', value: 'FILE', env: 'TIMOCK_KEY', help: 'PEM private key' },
  'log-level': {
    type: 'string',
    value: 'LEVEL',
    env: 'TIMOCK_LOG_LEVEL',
    help: `${LOG_LEVELS.join('|')} (default info)`,
  },
  'log-format': {
    type: 'string',
    value: 'FORMAT',
    env: 'TIMOCK_LOG_FORMAT',
    help: 'pretty (one line a person reads per request) or json (pino lines); default: pretty on a terminal, json otherwise',
  },
  redis: {
    type: 'string',
    value: 'URL',
    env: 'TIMOCK_REDIS_URL',
    help: 'share rate limits and controls with other replicas in Redis, redis://[:password@]host:port',
  },
  'redis-prefix': {
    type: 'string',
    value: 'P',
    env: 'TIMOCK_REDIS_PREFIX',
    help: 'prefix of the Redis keys, the same for the replicas of one fake (default timock)',
  },
  fixtures: {
    type: 'string',
    multiple: true,
    value: 'FILE',
    help: 'serve a fixture recorded by timock record instead of generated data (repeatable)',
  },
  'admin-token': {
    type: 'string',
    value: 'T',
    env: 'TIMOCK_ADMIN_TOKEN',
    help: 'require "Authorization: Bearer T" on /__admin calls (without it: loopback callers only)',
  },
  'no-admin': {
    type: 'boolean',
    env: 'TIMOCK_NO_ADMIN',
    help: 'no admin API, no x-timock-fault header (TIMOCK_NO_ADMIN=1)',
  },
  'journal-size': {
    type: 'string',
    value: 'N',
    env: 'TIMOCK_JOURNAL_SIZE',
    help: `requests kept in the journal, 1..${MAX_JOURNAL_SIZE} (default 1000)`,
  },
  'cache-budget': {
    type: 'string',
    value: 'BYTES',
    env: 'TIMOCK_CACHE_BUDGET',
    help: 'bytes of cached answers, every app together, least recently used dropped first (default 67108864 = 64 MiB)',
  },
  'headers-timeout': {
    type: 'string',
    value: 'MS',
    env: 'TIMOCK_HEADERS_TIMEOUT',
    help: 'time to receive the request line and headers (default 10000)',
  },
  'request-timeout': {
    type: 'string',
    value: 'MS',
    env: 'TIMOCK_REQUEST_TIMEOUT',
    help: 'time to receive the whole request (default 30000)',
  },
  'keep-alive-timeout': {
    type: 'string',
    value: 'MS',
    env: 'TIMOCK_KEEP_ALIVE_TIMEOUT',
    help: 'idle keep-alive connections close after this (default 5000)',
  },
  'connection-timeout': {
    type: 'string',
    value: 'MS',
    env: 'TIMOCK_CONNECTION_TIMEOUT',
    help: 'inactive sockets are destroyed after this, 0 = never (default 60000)',
  },
  'drain-timeout': {
    type: 'string',
    value: 'MS',
    env: 'TIMOCK_DRAIN_TIMEOUT',
    help: 'on SIGTERM/SIGINT, time for requests in flight to finish, then they are dropped (default 5000)',
  },
  strict: {
    type: 'boolean',
    env: 'TIMOCK_STRICT',
    help: "the strict fidelity profile: request checks as strict as the vendor's page (TIMOCK_STRICT=1)",
  },
  fidelity: {
    type: 'string',
    multiple: true,
    value: 'NAME=VALUE',
    env: 'TIMOCK_FIDELITY',
    help: `one fidelity setting, repeatable (TIMOCK_FIDELITY: NAME=VALUE,...); NAME: ${Object.keys(FIDELITY_VALUES).join(', ')}`,
  },
  help: HELP_FLAG,
  version: { type: 'boolean', short: 'v', help: 'print the version' },
} as const satisfies Record<string, HelpFlag>;

const SECRET_KEY_FLAG = {
  type: 'string',
  value: 'K',
  env: 'TIMOCK_SECRET_KEY',
  help: "the app's secret key (prefer the variable: it keeps the key out of the process list)",
} as const;

/** Every flag of `timock record`, in help order. */
export const RECORD_FLAGS = {
  upstream: { type: 'string', value: 'URL', help: 'record from this origin, e.g. a fake or a proxy' },
  region: { type: 'string', value: 'R', help: `record from the vendor's region: ${REGION_IDS.join(', ')}` },
  sdkappid: { type: 'string', value: 'N', help: 'the app to record' },
  'secret-key': SECRET_KEY_FLAG,
  identifier: { type: 'string', value: 'ID', help: 'the admin account that signs (default administrator)' },
  out: {
    type: 'string',
    value: 'FILE',
    help: 'where to write the fixture (JSON; it holds no key or UserSig)',
  },
  help: HELP_FLAG,
} as const satisfies Record<string, HelpFlag>;

/** Every flag of `timock proxy`, in help order. */
export const PROXY_FLAGS = {
  upstream: {
    type: 'string',
    value: 'URL',
    help: 'forward to this origin, e.g. a staging gateway or a fake',
  },
  region: { type: 'string', value: 'R', help: `forward to the vendor's region: ${REGION_IDS.join(', ')}` },
  host: { type: 'string', value: 'HOST', help: 'interface to listen on (default 127.0.0.1)' },
  port: { type: 'string', value: 'PORT', help: 'port, 0 = any free port (default 9000)' },
  record: {
    type: 'string',
    value: 'FILE',
    help: 'write each full pull that passes every check to FILE, a fixture for timock --fixtures',
  },
  ca: { type: 'string', value: 'FILE', help: 'PEM CA certificate to trust for the upstream' },
  timeout: { type: 'string', value: 'MS', help: 'upstream headers and body timeout (default 10000)' },
  https: {
    type: 'boolean',
    help: 'listen with HTTPS, with --cert and --key (as clients reach the real gateway)',
  },
  cert: { type: 'string', value: 'FILE', help: 'PEM certificate for --https' },
  key: { type: 'string', value: 'FILE', help: 'PEM private key for --https' },
  help: HELP_FLAG,
} as const satisfies Record<string, HelpFlag>;

/** Every flag of `timock usersig`, in help order. */
export const USERSIG_FLAGS = {
  sdkappid: { type: 'string', value: 'N', help: 'the app' },
  'secret-key': SECRET_KEY_FLAG,
  identifier: { type: 'string', value: 'ID', help: 'the account the UserSig is for, e.g. administrator' },
  expire: { type: 'string', value: 'SECONDS', help: 'lifetime (default 86400)' },
  json: { type: 'boolean', help: 'inspect only: print the inspection as one JSON object' },
  help: HELP_FLAG,
} as const satisfies Record<string, HelpFlag>;

/** The flags of `timock openapi`. */
export const OPENAPI_FLAGS = { help: HELP_FLAG } as const satisfies Record<string, HelpFlag>;

/** The commands of `timock`. */
export const COMMANDS = ['serve', 'usersig', 'record', 'proxy', 'openapi'] as const;

/** One of {@link COMMANDS}. */
export type CommandName = (typeof COMMANDS)[number];

const EXIT_CODES = 'Exit codes: 0 success, 2 bad usage or configuration, 1 unexpected failure.';
const DEMO = `--sdkappid ${DEMO_APP.sdkappid} --secret-key ${DEMO_APP.secretKey}`;

/** What each command's `--help` shows; the flags are the tables its parser reads. */
export const HELP_SPECS: Readonly<Record<CommandName, HelpSpec>> = {
  serve: {
    summary: 'timock serve: start the fake getappinfo server (the default command)',
    usage: ['timock [serve] [options]'],
    flags: SERVE_FLAGS,
    examples: [
      ['the public demo app on http://127.0.0.1:8080', 'timock'],
      [
        'any free port, another data seed and a frozen clock: the same figures on every run',
        'timock --port 0 --seed 7 --now 2026-01-15T08:00:00+08:00',
      ],
      [
        'your own apps, reachable from other hosts, the admin API behind a token',
        'TIMOCK_ADMIN_TOKEN="$(openssl rand -hex 16)" timock --config apps.json --host 0.0.0.0',
      ],
      ['replay data recorded with timock record, fewer logs', 'timock --fixtures app.json --log-level warn'],
      [
        "request checks as strict as the vendor's page (random required, POST only), but the body [] accepted",
        'timock --strict --fidelity arrayBody=all-fields',
      ],
    ],
    notes: [
      'Flags win over environment variables, which win over the config file.',
      'Fidelity settings (--fidelity, TIMOCK_FIDELITY, the config file\'s "fidelity") apply over the profile.',
      'See "Fidelity settings" in the README for --strict and --fidelity, "Running several replicas" for --redis.',
      EXIT_CODES,
    ],
  },
  usersig: {
    summary:
      'timock usersig: print a UserSig, signed with tls-sig-api-v2 (the output is only the UserSig); or inspect one',
    usage: [
      'timock usersig --sdkappid N --secret-key K --identifier ID [--expire SECONDS]',
      'timock usersig inspect USERSIG [--secret-key K] [--sdkappid N] [--identifier ID] [--json]',
    ],
    flags: USERSIG_FLAGS,
    examples: [
      ['a UserSig for the public demo app, valid 24 h', `timock usersig ${DEMO} --identifier administrator`],
      [
        'your app, the key from the environment, valid 10 minutes',
        'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock usersig --sdkappid 1400123456 --identifier administrator --expire 600',
      ],
      ['into a shell variable, for curl', `SIG="$(timock usersig ${DEMO} --identifier administrator)"`],
      [
        'why is this UserSig refused? (raw or percent-encoded, as copied from a URL)',
        'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock usersig inspect "$SIG" --sdkappid 1400123456 --identifier administrator',
      ],
    ],
    notes: [
      'inspect decodes the UserSig and prints its version, SDKAppID, identifier, issue and expiry times and',
      'userbuf; with a key it verifies the HMAC, with --sdkappid/--identifier it says whether they match.',
      'It never prints the key. Exit codes of inspect: 0 valid, 1 invalid (with the reason), 2 bad usage.',
      EXIT_CODES,
    ],
  },
  record: {
    summary: "timock record: pull an app's last 30 days once (through @timock/client) into a fixture file",
    usage: [
      'timock record (--upstream URL | --region R) --sdkappid N --secret-key K [--identifier ID] --out FILE',
    ],
    flags: RECORD_FLAGS,
    examples: [
      [
        'record the demo app from a fake running on this machine',
        `timock record --upstream http://127.0.0.1:8080 ${DEMO} --out demo.json`,
      ],
      [
        'record your real app in Singapore, the key from the environment',
        'TIMOCK_SECRET_KEY="$TIM_SECRET_KEY" timock record --region singapore --sdkappid 1400123456 --out app.json',
      ],
      [
        'another admin account, through a recording proxy on this machine',
        'TIMOCK_SECRET_KEY="$KEY" timock record --upstream http://127.0.0.1:9000 --sdkappid 1400123456 --identifier ops --out app.json',
      ],
    ],
    notes: [
      'Serve a recording with timock --fixtures FILE.',
      'Progress goes to standard error; the last line, to standard output, names the file.',
      'Exit codes: 0 recorded, 2 bad usage or an --out FILE that cannot be written (checked before any call), 1 the upstream refused or could not be reached.',
    ],
  },
  proxy: {
    summary:
      'timock proxy: forward calls to the real endpoint unchanged and check every getappinfo answer against the contract',
    usage: ['timock proxy (--upstream URL | --region R) [--host H] [--port P] [--record FILE] [--ca FILE]'],
    flags: PROXY_FLAGS,
    examples: [
      [
        'check what Singapore answers your app (point the app at http://127.0.0.1:9000)',
        'timock proxy --region singapore',
      ],
      [
        'a staging gateway with its own CA, recording a fixture as answers pass',
        'timock proxy --upstream https://im-gw.staging.example --ca ca.pem --host 0.0.0.0 --record app.json',
      ],
    ],
    notes: [
      'The proxy never signs or changes a call; the app sends its own UserSig, which is redacted in everything the proxy writes.',
      'One line per call on standard output; GET /__admin/requests and /__admin/contract (loopback callers) show the journal and the summary, which is also printed on exit.',
      'An upstream that is unreachable, slow or fails TLS gets the app an HTTP 502.',
      EXIT_CODES,
    ],
  },
  openapi: {
    summary: 'timock openapi: print the OpenAPI 3.1 document of getappinfo and the admin API (JSON)',
    usage: ['timock openapi'],
    flags: OPENAPI_FLAGS,
    examples: [
      ['write it to a file', 'timock openapi > getappinfo.openapi.json'],
      ['list its paths', "timock openapi | jq '.paths | keys'"],
    ],
    notes: [EXIT_CODES],
  },
};

/** The overview `timock --help` prints: every command, then the options of the default command. */
const OVERVIEW: HelpSpec = {
  ...HELP_SPECS.serve,
  summary: 'timock: a fake of the Tencent Cloud IM REST API v4/openconfigsvr/getappinfo',
  usage: [
    'timock [serve] [options]   start the fake getappinfo server',
    'timock usersig ...         print a UserSig',
    "timock record ...          pull an app's data once into a fixture file",
    'timock proxy ...           check live traffic to the real endpoint against the contract',
    'timock openapi             print the OpenAPI 3.1 document',
    'timock help <command>      the options of one command (or timock <command> --help)',
    'timock --version',
  ],
};

/** The help text of one command, or the overview (`timock --help`) without one. */
export function helpText(command?: CommandName, paint?: Paint): string {
  return formatHelp(command === undefined ? OVERVIEW : HELP_SPECS[command], paint);
}

/** A flag's value, or its environment variable's when the flag is absent. */
function flagReader<F extends Record<string, HelpFlag>>(
  flags: F,
  values: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>>,
) {
  const read = (name: keyof F & string): string | undefined => {
    const value = values[name];
    if (typeof value === 'string') return value;
    const variable = flags[name]!.env;
    return variable === undefined ? undefined : env[variable];
  };
  /** Where `name`'s value came from, for a message: `--name`, or its variable when the flag is absent. */
  read.source = (name: keyof F & string): string =>
    typeof values[name] === 'string' || flags[name]!.env === undefined ? `--${name}` : flags[name]!.env!;
  return read;
}

/** A file a flag names (a PEM certificate or key), read as text; one usage line when it cannot be read. */
function readFlagFile(flag: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new CliUsageError(`cannot read ${flag} file ${path}`);
  }
}

function guard<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    // node:util's messages are clear; keep their first sentence only.
    const text = error instanceof Error ? error.message : String(error);
    const message = text.split('\n')[0]!.split('. ')[0]!.replace(/\.$/, '');
    throw new CliUsageError(`${message} (see timock --help)`);
  }
}

function integer(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new CliUsageError(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

const truthy = (v: string | undefined) => v !== undefined && /^(1|true|yes|on)$/i.test(v);

/**
 * Reads a JSON file and checks it with `schema`; any problem is one {@link CliUsageError} line. Returns
 * the file's own JSON (no defaults filled in, key order kept).
 */
function readJsonFile<S extends z.ZodType>(path: string, schema: S, what: string): z.input<S> {
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
  if (!parsed.success) {
    // Every problem on the one line, unknown keys included: fixing one at a time would take a run each.
    const problems = parsed.error.issues.map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    );
    throw new CliUsageError(`${what} ${path}: ${problems.join('; ')}`);
  }
  return json as z.input<S>;
}

/** The fixtures named by the config file (relative to it) and by `--fixtures`, read and checked. */
function readFixtures(
  configPath: string | undefined,
  fromConfig: string | string[] | undefined,
  fromFlags: string[],
) {
  const base = configPath === undefined ? '.' : dirname(configPath);
  const paths = [...[fromConfig ?? []].flat().map((p) => resolve(base, p)), ...fromFlags];
  const seen = new Map<number, string>();
  return paths.map((path) => {
    const fixture = readJsonFile(path, FixtureSchema, 'fixture file');
    const other = seen.get(fixture.sdkappid);
    if (other !== undefined) {
      throw new CliUsageError(`fixture files ${other} and ${path} both record app ${fixture.sdkappid}`);
    }
    seen.set(fixture.sdkappid, path);
    return { path, fixture };
  });
}

/**
 * `--redis`/`--redis-prefix` (or their variables) over the config file's `redis`. A bad URL is named
 * by its flag only: the URL may hold a password.
 */
function redisOptions(
  url: string | undefined,
  keyPrefix: string | undefined,
  config: ConfigFile | undefined,
): RedisOptions | undefined {
  if ((url === undefined || url === '') && keyPrefix === undefined) return undefined;
  const fromConfig = typeof config?.redis === 'string' ? { url: config.redis } : config?.redis;
  const base = url !== undefined && url !== '' ? { ...fromConfig, url } : fromConfig;
  if (base === undefined) throw new CliUsageError('--redis-prefix needs --redis URL');
  const parsed = RedisOptionsSchema.safeParse({ ...base, ...(keyPrefix !== undefined ? { keyPrefix } : {}) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliUsageError(
      `${issue.path[0] === 'keyPrefix' ? '--redis-prefix' : '--redis'} ${issue.message}`,
    );
  }
  return parsed.data;
}

/** One `NAME=VALUE` of `--fidelity` (or of `TIMOCK_FIDELITY`: `source` names which). */
function fidelitySetting(source: string, text: string): [FidelityName, Fidelity[FidelityName]] {
  const read = parseFidelityAssignment(text);
  if ('problem' in read) throw new CliUsageError(`${source} ${read.problem}`);
  return [read.name, read.value];
}

/**
 * The `fidelity` option: the config file's, then `TIMOCK_FIDELITY`'s settings, then `--fidelity`'s, merged
 * setting by setting (the later wins); `--strict` or `TIMOCK_STRICT` makes the profile `strict`.
 */
function fidelityOptions(
  values: { strict?: boolean; fidelity?: string[] },
  env: Readonly<Record<string, string | undefined>>,
  config: ConfigFile,
): FidelityInput {
  const fromEnv = (env[SERVE_FLAGS.fidelity.env] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const settings = [
    ...fromEnv.map((text) => fidelitySetting(SERVE_FLAGS.fidelity.env, text)),
    ...(values.fidelity ?? []).map((text) => fidelitySetting('--fidelity', text)),
  ];
  const strict = values.strict === true || truthy(env[SERVE_FLAGS.strict.env]);
  return {
    ...config.fidelity,
    ...Object.fromEntries(settings),
    ...(strict ? { profile: 'strict' as const } : {}),
  };
}

/**
 * One warning line when a config file that holds secret keys (other than the public demo key) can be
 * read by its group or by others; `undefined` when it cannot, or on platforms without POSIX modes.
 * The line names the file and its mode, never a key.
 */
export function configPermissionWarning(
  path: string,
  config: ConfigFile,
  platform = process.platform,
): string | undefined {
  if (platform === 'win32') return undefined;
  const secret = config.apps?.some((app) => app.secretKey !== DEMO_APP.secretKey) ?? false;
  if (!secret) return undefined;
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o044) === 0) return undefined;
  const octal = mode.toString(8).padStart(3, '0');
  return `warning: config file ${path} holds secret keys and is readable by ${mode & 0o004 ? 'others' : 'its group'} (mode ${octal}); chmod 600 it`;
}

function parseServe(
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
  command?: 'serve',
): Command {
  const { values } = guard(() =>
    parseArgs({ args: joinNegativeValues(args, SERVE_FLAGS), options: SERVE_FLAGS, strict: true }),
  );
  if (values.help) return { kind: 'help', ...(command ? { command } : {}) };
  if (values.version) return { kind: 'version' };
  const get = flagReader(SERVE_FLAGS, values, env);
  const host = get('host') ?? '127.0.0.1';
  if (host === '') throw new CliUsageError(`${get.source('host')} must not be empty`);
  const port = integer(get.source('port'), get('port') ?? '8080', 0, 65535);
  const seedText = get('seed');
  const seed = seedText === undefined ? undefined : integer(get.source('seed'), seedText, 0, 0xffffffff);
  const nowText = get('now');
  let now: number | undefined;
  if (nowText !== undefined) {
    now = /^\d{4}-\d{2}-\d{2}/.test(nowText) ? Date.parse(nowText) : Number.NaN;
    if (Number.isNaN(now))
      throw new CliUsageError(`${get.source('now')} must be an ISO-8601 date-time, got "${nowText}"`);
  }
  const configPath = get('config');
  const file =
    configPath === undefined || configPath === ''
      ? undefined
      : readJsonFile(configPath, ConfigFileSchema, 'config file');
  const { fixtures: fixturePaths, ...config } = file ?? {};
  const certPath = get('cert');
  const keyPath = get('key');
  const wantHttps = values.https === true || truthy(env[SERVE_FLAGS.https.env]) || certPath !== undefined;
  let https: ServeCommand['https'];
  if (wantHttps) {
    if ((certPath === undefined) !== (keyPath === undefined)) {
      throw new CliUsageError(
        '--cert and --key go together: give both, or neither for a self-signed certificate',
      );
    }
    if (certPath !== undefined && keyPath !== undefined) {
      https = { cert: readFlagFile('--cert', certPath), key: readFlagFile('--key', keyPath) };
    } else {
      https = 'self-signed';
    }
  } else if (keyPath !== undefined) {
    throw new CliUsageError('--key needs --cert (and --https)');
  }
  const logFormat = get('log-format');
  if (logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormat)) {
    throw new CliUsageError(
      `${get.source('log-format')} must be one of ${LOG_FORMATS.join(', ')}, got "${logFormat}"`,
    );
  }
  const logLevel = get('log-level') ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new CliUsageError(
      `${get.source('log-level')} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  const redis = redisOptions(get('redis'), get('redis-prefix'), config);
  const adminToken = get('admin-token') ?? config.adminToken;
  if (adminToken !== undefined && !/^[\x21-\x7e]{8,256}$/.test(adminToken)) {
    throw new CliUsageError(
      `${get.source('admin-token')} must be 8 to 256 printable ASCII characters without spaces`,
    );
  }
  const admin =
    !(values['no-admin'] === true || truthy(env[SERVE_FLAGS['no-admin'].env])) && config.admin !== false;
  if (!admin && values['admin-token'] !== undefined)
    throw new CliUsageError('--admin-token and --no-admin exclude each other');
  const journalText = get('journal-size');
  const budgetText = get('cache-budget');
  const timeouts: ServeCommand['timeouts'] = {};
  for (const name of TIMEOUT_OPTIONS) {
    const flag = kebab(name) as `${'headers' | 'request' | 'keep-alive' | 'connection' | 'drain'}-timeout`;
    const text = get(flag);
    const min = name === 'connectionTimeout' || name === 'drainTimeout' ? 0 : 1;
    if (text !== undefined) timeouts[name] = integer(get.source(flag), text, min, 86_400_000);
  }
  return {
    kind: 'serve',
    host,
    port,
    seed,
    now,
    config: file === undefined ? undefined : config,
    configPath,
    https,
    logLevel: logLevel as ServeCommand['logLevel'],
    logFormat: logFormat as ServeCommand['logFormat'],
    redis,
    admin,
    adminToken,
    journalSize:
      journalText === undefined
        ? undefined
        : integer(get.source('journal-size'), journalText, 1, MAX_JOURNAL_SIZE),
    cacheBudget:
      budgetText === undefined ? undefined : integer(get.source('cache-budget'), budgetText, 65_536, 2 ** 40),
    fixtures: readFixtures(configPath, fixturePaths, values.fixtures ?? []),
    timeouts,
    fidelity: fidelityOptions(values, env, config),
  };
}

/** True when the admin API of a fake listening on `host` answers only loopback callers without a token. */
export function adminLoopbackOnly(cmd: ServeCommand): boolean {
  return cmd.admin && cmd.adminToken === undefined && !(cmd.host === 'localhost' || isLoopback(cmd.host));
}

function parseRecord(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { values } = guard(() =>
    parseArgs({ args: joinNegativeValues(args, RECORD_FLAGS), options: RECORD_FLAGS, strict: true }),
  );
  if (values.help) return { kind: 'help', command: 'record' };
  const secretKey = flagReader(RECORD_FLAGS, values, env)('secret-key');
  if ((values.upstream === undefined) === (values.region === undefined)) {
    throw new CliUsageError('record needs exactly one of --upstream URL and --region R');
  }
  let upstream: RecordCommand['upstream'];
  if (values.upstream !== undefined) {
    upstream = { baseUrl: upstreamOrigin(values.upstream) };
  } else {
    const region = values.region as RegionId;
    if (!REGION_IDS.includes(region)) {
      throw new CliUsageError(`--region must be one of ${REGION_IDS.join(', ')}, got "${values.region}"`);
    }
    upstream = { region };
  }
  if (values.sdkappid === undefined) throw new CliUsageError('record needs --sdkappid');
  if (secretKey === undefined || secretKey === '') throw new CliUsageError('record needs --secret-key');
  if (values.out === undefined || values.out === '') throw new CliUsageError('record needs --out FILE');
  checkWritable(values.out);
  if (values.identifier === '') throw new CliUsageError('--identifier must not be empty');
  return {
    kind: 'record',
    upstream,
    sdkappid: integer('--sdkappid', values.sdkappid, 1, Number.MAX_SAFE_INTEGER),
    secretKey,
    identifier: values.identifier ?? 'administrator',
    out: values.out,
  };
}

/**
 * Checks, before anyone is called, that `timock record` can write `--out FILE`: its directory exists and
 * is writable, and the file, if it exists, is a writable file.
 *
 * @throws {@link CliUsageError} naming the file and the reason
 */
function checkWritable(path: string): void {
  const where = dirname(resolve(path));
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return undefined;
    }
  };
  const problem = (() => {
    const file = stat(path);
    if (file?.isDirectory()) return 'it is a directory';
    const dir = stat(where);
    if (dir === undefined) return `directory ${where} does not exist`;
    if (!dir.isDirectory()) return `${where} is not a directory`;
    try {
      accessSync(file === undefined ? where : path, constants.W_OK);
    } catch {
      return file === undefined ? `directory ${where} is not writable` : 'it is not writable';
    }
    return undefined;
  })();
  if (problem !== undefined) throw new CliUsageError(`cannot write --out ${path}: ${problem}`);
}

function parseUserSigInspect(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { values, positionals } = guard(() =>
    parseArgs({
      args: joinNegativeValues(args, USERSIG_FLAGS),
      options: USERSIG_FLAGS,
      strict: true,
      allowPositionals: true,
    }),
  );
  if (values.help) return { kind: 'help', command: 'usersig' };
  if (values.expire !== undefined) throw new CliUsageError('usersig inspect takes no --expire');
  if (positionals.length !== 1 || positionals[0]!.trim() === '') {
    throw new CliUsageError(
      `usersig inspect takes one UserSig, got ${positionals.length === 0 ? 'none' : positionals.length}`,
    );
  }
  const secretKey = flagReader(USERSIG_FLAGS, values, env)('secret-key');
  if (values.identifier === '') throw new CliUsageError('--identifier must not be empty');
  return {
    kind: 'usersig-inspect',
    usersig: positionals[0]!.trim(),
    sdkappid:
      values.sdkappid === undefined
        ? undefined
        : integer('--sdkappid', values.sdkappid, 1, Number.MAX_SAFE_INTEGER),
    secretKey: secretKey === '' ? undefined : secretKey,
    identifier: values.identifier,
    json: values.json === true,
  };
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

function parseProxy(args: string[]): Command {
  const { values } = guard(() =>
    parseArgs({ args: joinNegativeValues(args, PROXY_FLAGS), options: PROXY_FLAGS, strict: true }),
  );
  if (values.help) return { kind: 'help', command: 'proxy' };
  if ((values.upstream === undefined) === (values.region === undefined)) {
    throw new CliUsageError('proxy needs exactly one of --upstream URL and --region R');
  }
  let upstream: string;
  if (values.upstream !== undefined) upstream = upstreamOrigin(values.upstream);
  else {
    const region = values.region as RegionId;
    if (!REGION_IDS.includes(region)) {
      throw new CliUsageError(`--region must be one of ${REGION_IDS.join(', ')}, got "${values.region}"`);
    }
    upstream = regionOrigin(region);
  }
  if (values.host === '') throw new CliUsageError('--host must not be empty');
  if (values.record === '') throw new CliUsageError('--record must name a file');
  if (values.record !== undefined && !existsSync(dirname(resolve(values.record)))) {
    throw new CliUsageError(`--record ${values.record}: its directory does not exist`);
  }
  const ca = values.ca === undefined ? undefined : readFlagFile('--ca', values.ca);
  if (values.https !== true && (values.cert !== undefined || values.key !== undefined)) {
    throw new CliUsageError('--cert and --key go with --https');
  }
  if (values.https === true && (values.cert === undefined || values.key === undefined)) {
    throw new CliUsageError('proxy --https needs --cert FILE and --key FILE');
  }
  const https =
    values.https === true
      ? { cert: readFlagFile('--cert', values.cert!), key: readFlagFile('--key', values.key!) }
      : undefined;
  return {
    kind: 'proxy',
    https,
    upstream,
    host: values.host ?? '127.0.0.1',
    port: integer('--port', values.port ?? '9000', 0, 65535),
    record: values.record,
    ca,
    timeoutMs: integer('--timeout', values.timeout ?? '10000', 1, 600_000),
  };
}

function parseUserSig(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  if (args[0] === 'inspect') return parseUserSigInspect(args.slice(1), env);
  const { values } = guard(() =>
    parseArgs({ args: joinNegativeValues(args, USERSIG_FLAGS), options: USERSIG_FLAGS, strict: true }),
  );
  if (values.help) return { kind: 'help', command: 'usersig' };
  if (values.json) throw new CliUsageError('--json is for usersig inspect');
  const secretKey = flagReader(USERSIG_FLAGS, values, env)('secret-key');
  if (values.sdkappid === undefined) throw new CliUsageError('usersig needs --sdkappid');
  if (secretKey === undefined || secretKey === '') throw new CliUsageError('usersig needs --secret-key');
  if (values.identifier === undefined || values.identifier === '') {
    throw new CliUsageError('usersig needs --identifier');
  }
  return {
    kind: 'usersig',
    sdkappid: integer('--sdkappid', values.sdkappid, 1, Number.MAX_SAFE_INTEGER),
    secretKey,
    identifier: values.identifier,
    expire: integer('--expire', values.expire ?? '86400', 1, 0xffffffff),
  };
}

/**
 * Turns the command line (without `node` and the script) and the environment into a {@link Command}.
 * Flags win over environment variables, which win over the config file.
 *
 * @throws {@link CliUsageError} with a one-line message for any bad flag, value or config file.
 */
export function parseCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Command {
  const [first, ...rest] = argv;
  if (first === 'usersig') return parseUserSig(rest, env);
  if (first === 'record') return parseRecord(rest, env);
  if (first === 'proxy') return parseProxy(rest);
  if (first === 'openapi') {
    const { values } = guard(() => parseArgs({ args: rest, options: OPENAPI_FLAGS, strict: true }));
    return values.help ? { kind: 'help', command: 'openapi' } : { kind: 'openapi' };
  }
  if (first === 'serve') return parseServe(rest, env, 'serve');
  if (first === 'help') {
    const [command, ...extra] = rest;
    if (command === undefined) return { kind: 'help' };
    if (!(COMMANDS as readonly string[]).includes(command) || extra.length > 0) {
      throw new CliUsageError(`help takes one of ${COMMANDS.join(', ')}, got "${rest.join(' ')}"`);
    }
    return { kind: 'help', command: command as CommandName };
  }
  if (first !== undefined && !first.startsWith('-')) {
    throw new CliUsageError(`unknown command "${first}" (see timock --help)`);
  }
  return parseServe([...argv], env);
}
