import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Fixture, FixtureSchema, REGION_IDS, type RegionId } from '@timock/schema';
import { z } from 'zod';
import { isLoopback } from '../admin/access.js';
import { MAX_JOURNAL_SIZE } from '../admin/journal.js';
import { jsonErrorReason } from '../logging.js';
import { DEMO_APP, type RedisOptions, RedisOptionsSchema, ServerOptionsSchema } from '../options.js';

/** A problem with the command line, the environment or the config file: one line, exit code 2. */
export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
  /** Always `TIMOCK_CLI_USAGE`. */
  readonly code = 'TIMOCK_CLI_USAGE';
}

/** The log levels `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

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
  /** Shared state in Redis, from `--redis`/`--redis-prefix` (the config file's `redis` otherwise). */
  redis: RedisOptions | undefined;
  /** Serve the admin API (false with `--no-admin`). */
  admin: boolean;
  /** The admin token (`--admin-token`, `TIMOCK_ADMIN_TOKEN` or the config file). */
  adminToken: string | undefined;
  /** Journal entries kept (`--journal-size`). */
  journalSize: number | undefined;
  /** Recorded fixtures to serve (`--fixtures`, repeatable, and the config's `fixtures`), validated. */
  fixtures: { path: string; fixture: Fixture }[];
  /** Connection timeouts from flags or environment (ms); the config file's, if any, are in `config`. */
  timeouts: Partial<Record<TimeoutOption, number>>;
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

/** The server's timeout options that the CLI sets (`--headers-timeout`, ...). */
export const TIMEOUT_OPTIONS = [
  'headersTimeout',
  'requestTimeout',
  'keepAliveTimeout',
  'connectionTimeout',
] as const;

/** One of {@link TIMEOUT_OPTIONS}. */
export type TimeoutOption = (typeof TIMEOUT_OPTIONS)[number];

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (name: string) => `TIMOCK_${kebab(name).replaceAll('-', '_').toUpperCase()}`;

/** `timock usersig`. */
export interface UserSigCommand {
  kind: 'usersig';
  sdkappid: number;
  secretKey: string;
  identifier: string;
  expire: number;
}

/** Any command the CLI runs. */
export type Command =
  | ServeCommand
  | RecordCommand
  | UserSigCommand
  | { kind: 'openapi' }
  | { kind: 'help' }
  | { kind: 'version' };

/**
 * The JSON config file: `{"apps":[...],"seed":42}` (plus `bodyLimit`, cache sizes, `admin`, `adminToken`,
 * `journalSize`, and `fixtures`: fixture file paths, relative to the config file).
 */
export const ConfigFileSchema = ServerOptionsSchema.pick({
  apps: true,
  seed: true,
  bodyLimit: true,
  sigCacheSize: true,
  answerCacheSize: true,
  redis: true,
  admin: true,
  adminToken: true,
  journalSize: true,
  headersTimeout: true,
  requestTimeout: true,
  keepAliveTimeout: true,
  connectionTimeout: true,
})
  .extend({
    fixtures: z
      .union([z.string().min(1), z.array(z.string().min(1))])
      .meta({ description: 'fixture files (`timock record`) to serve, relative to the config file' }),
  })
  .partial();

/** The config file after validation. */
export type ConfigFile = z.input<typeof ConfigFileSchema>;

/** The help text. */
export const HELP = `Usage:
  timock [serve] [options]      start the fake getappinfo server
  timock record (--upstream URL | --region R) --sdkappid N --secret-key K [--identifier ID] --out FILE
                                pull an app's data once (through @timock/client) into a fixture file
  timock usersig --sdkappid N --secret-key K --identifier ID [--expire SECONDS]
                                print a UserSig (signed with tls-sig-api-v2)
  timock openapi                print the OpenAPI 3.1 document
  timock --help | --version

Serve options (environment variable in brackets):
  --host HOST         interface to listen on (TIMOCK_HOST, default 127.0.0.1)
  --port PORT         port, 0 = any free port (TIMOCK_PORT, default 8080)
  --config FILE       JSON config {"apps":[...],"seed":42} (TIMOCK_CONFIG; default: the public demo app)
  --seed N            data seed, 0..4294967295 (TIMOCK_SEED, default 42)
  --now ISO-8601      freeze the clock at this instant (TIMOCK_NOW)
  --https             serve HTTPS (TIMOCK_HTTPS=1); with --cert/--key, or a generated self-signed certificate
  --cert FILE         PEM certificate (TIMOCK_CERT)
  --key FILE          PEM private key (TIMOCK_KEY)
  --log-level LEVEL   ${LOG_LEVELS.join('|')} (TIMOCK_LOG_LEVEL, default info)
  --redis URL         share rate limits with other replicas in Redis, redis://[:password@]host:port
                      (TIMOCK_REDIS_URL; see "Running several replicas" in the README)
  --redis-prefix P    prefix of the Redis keys, the same for replicas of one fake (TIMOCK_REDIS_PREFIX,
                      default timock)
  --fixtures FILE     serve a recorded fixture instead of generated data (repeatable)
  --admin-token T     require "Authorization: Bearer T" on /__admin calls (TIMOCK_ADMIN_TOKEN);
                      without it the admin API answers loopback callers only
  --no-admin          no admin API, no x-timock-fault header (TIMOCK_NO_ADMIN=1)
  --journal-size N    requests kept in the journal, 1..${MAX_JOURNAL_SIZE} (TIMOCK_JOURNAL_SIZE, default 1000)
  --headers-timeout MS     time to receive the request line and headers (TIMOCK_HEADERS_TIMEOUT, default 10000)
  --request-timeout MS     time to receive the whole request (TIMOCK_REQUEST_TIMEOUT, default 30000)
  --keep-alive-timeout MS  idle keep-alive connections close after this (TIMOCK_KEEP_ALIVE_TIMEOUT, default 5000)
  --connection-timeout MS  inactive sockets are destroyed after this, 0 = never (TIMOCK_CONNECTION_TIMEOUT, default 60000)

usersig and record: --secret-key may come from TIMOCK_SECRET_KEY instead (keeps it out of the process list).
record regions: ${REGION_IDS.join(', ')}; --identifier defaults to administrator.
Exit codes: 0 success, 2 bad usage or configuration, 1 unexpected failure.`;

const SERVE_OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  config: { type: 'string' },
  seed: { type: 'string' },
  now: { type: 'string' },
  https: { type: 'boolean' },
  cert: { type: 'string' },
  key: { type: 'string' },
  'log-level': { type: 'string' },
  redis: { type: 'string' },
  'redis-prefix': { type: 'string' },
  fixtures: { type: 'string', multiple: true },
  'admin-token': { type: 'string' },
  'no-admin': { type: 'boolean' },
  'journal-size': { type: 'string' },
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'connection-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const RECORD_OPTIONS = {
  upstream: { type: 'string' },
  region: { type: 'string' },
  sdkappid: { type: 'string' },
  'secret-key': { type: 'string' },
  identifier: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const USERSIG_OPTIONS = {
  sdkappid: { type: 'string' },
  'secret-key': { type: 'string' },
  identifier: { type: 'string' },
  expire: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

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
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new CliUsageError(`${what} ${path}: ${where}${issue.message}${more}`);
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

function parseServe(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { values } = guard(() => parseArgs({ args, options: SERVE_OPTIONS, strict: true }));
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };
  const host = values.host ?? env.TIMOCK_HOST ?? '127.0.0.1';
  if (host === '') throw new CliUsageError('--host must not be empty');
  const port = integer('--port', values.port ?? env.TIMOCK_PORT ?? '8080', 0, 65535);
  const seedText = values.seed ?? env.TIMOCK_SEED;
  const seed = seedText === undefined ? undefined : integer('--seed', seedText, 0, 0xffffffff);
  const nowText = values.now ?? env.TIMOCK_NOW;
  let now: number | undefined;
  if (nowText !== undefined) {
    now = /^\d{4}-\d{2}-\d{2}/.test(nowText) ? Date.parse(nowText) : Number.NaN;
    if (Number.isNaN(now)) throw new CliUsageError(`--now must be an ISO-8601 date-time, got "${nowText}"`);
  }
  const configPath = values.config ?? env.TIMOCK_CONFIG;
  const file =
    configPath === undefined || configPath === ''
      ? undefined
      : readJsonFile(configPath, ConfigFileSchema, 'config file');
  const { fixtures: fixturePaths, ...config } = file ?? {};
  const certPath = values.cert ?? env.TIMOCK_CERT;
  const keyPath = values.key ?? env.TIMOCK_KEY;
  const wantHttps = values.https === true || truthy(env.TIMOCK_HTTPS) || certPath !== undefined;
  let https: ServeCommand['https'];
  if (wantHttps) {
    if ((certPath === undefined) !== (keyPath === undefined)) {
      throw new CliUsageError(
        '--cert and --key go together: give both, or neither for a self-signed certificate',
      );
    }
    if (certPath !== undefined && keyPath !== undefined) {
      const read = (flag: string, path: string) => {
        try {
          return readFileSync(path, 'utf8');
        } catch {
          throw new CliUsageError(`cannot read ${flag} file ${path}`);
        }
      };
      https = { cert: read('--cert', certPath), key: read('--key', keyPath) };
    } else {
      https = 'self-signed';
    }
  } else if (keyPath !== undefined) {
    throw new CliUsageError('--key needs --cert (and --https)');
  }
  const logLevel = values['log-level'] ?? env.TIMOCK_LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new CliUsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const redis = redisOptions(
    values.redis ?? env.TIMOCK_REDIS_URL,
    values['redis-prefix'] ?? env.TIMOCK_REDIS_PREFIX,
    config,
  );
  const adminToken = values['admin-token'] ?? env.TIMOCK_ADMIN_TOKEN ?? config.adminToken;
  if (adminToken !== undefined && !/^[\x21-\x7e]{8,256}$/.test(adminToken)) {
    throw new CliUsageError('--admin-token must be 8 to 256 printable ASCII characters without spaces');
  }
  const admin = !(values['no-admin'] === true || truthy(env.TIMOCK_NO_ADMIN)) && config.admin !== false;
  if (!admin && values['admin-token'] !== undefined)
    throw new CliUsageError('--admin-token and --no-admin exclude each other');
  const journalText = values['journal-size'] ?? env.TIMOCK_JOURNAL_SIZE;
  const timeouts: ServeCommand['timeouts'] = {};
  for (const name of TIMEOUT_OPTIONS) {
    const text =
      values[kebab(name) as `${'headers' | 'request' | 'keep-alive' | 'connection'}-timeout`] ??
      env[envName(name)];
    if (text !== undefined)
      timeouts[name] = integer(`--${kebab(name)}`, text, name === 'connectionTimeout' ? 0 : 1, 86_400_000);
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
    redis,
    admin,
    adminToken,
    journalSize:
      journalText === undefined ? undefined : integer('--journal-size', journalText, 1, MAX_JOURNAL_SIZE),
    fixtures: readFixtures(configPath, fixturePaths, values.fixtures ?? []),
    timeouts,
  };
}

/** True when the admin API of a fake listening on `host` answers only loopback callers without a token. */
export function adminLoopbackOnly(cmd: ServeCommand): boolean {
  return cmd.admin && cmd.adminToken === undefined && !(cmd.host === 'localhost' || isLoopback(cmd.host));
}

function parseRecord(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { values } = guard(() => parseArgs({ args, options: RECORD_OPTIONS, strict: true }));
  if (values.help) return { kind: 'help' };
  const secretKey = values['secret-key'] ?? env.TIMOCK_SECRET_KEY;
  if ((values.upstream === undefined) === (values.region === undefined)) {
    throw new CliUsageError('record needs exactly one of --upstream URL and --region R');
  }
  let upstream: RecordCommand['upstream'];
  if (values.upstream !== undefined) {
    const url = URL.canParse(values.upstream) ? new URL(values.upstream) : undefined;
    if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password || url.search || url.hash) {
      throw new CliUsageError(
        `--upstream must be an http: or https: URL without credentials or query, got "${values.upstream}"`,
      );
    }
    upstream = { baseUrl: values.upstream.replace(/\/+$/, '') };
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

function parseUserSig(args: string[], env: Readonly<Record<string, string | undefined>>): Command {
  const { values } = guard(() => parseArgs({ args, options: USERSIG_OPTIONS, strict: true }));
  if (values.help) return { kind: 'help' };
  const secretKey = values['secret-key'] ?? env.TIMOCK_SECRET_KEY;
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
  if (first === 'openapi') {
    guard(() => parseArgs({ args: rest, options: {}, strict: true }));
    return { kind: 'openapi' };
  }
  if (first === 'serve') return parseServe(rest, env);
  if (first !== undefined && !first.startsWith('-')) {
    throw new CliUsageError(`unknown command "${first}" (see timock --help)`);
  }
  return parseServe([...argv], env);
}
