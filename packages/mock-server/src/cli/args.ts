import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { z } from 'zod';
import { DEMO_APP, ServerOptionsSchema } from '../options.js';

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
  config: ConfigFile | undefined;
  /** The config file's path, for messages. */
  configPath: string | undefined;
  https: { cert: string; key: string } | 'self-signed' | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Connection timeouts from flags or environment (ms); the config file's, if any, are in `config`. */
  timeouts: Partial<Record<TimeoutOption, number>>;
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
  | UserSigCommand
  | { kind: 'openapi' }
  | { kind: 'help' }
  | { kind: 'version' };

/** The JSON config file: `{"apps":[...],"seed":42}` (plus `bodyLimit`, cache sizes). */
export const ConfigFileSchema = ServerOptionsSchema.pick({
  apps: true,
  seed: true,
  bodyLimit: true,
  sigCacheSize: true,
  answerCacheSize: true,
  headersTimeout: true,
  requestTimeout: true,
  keepAliveTimeout: true,
  connectionTimeout: true,
}).partial();

/** The config file after validation. */
export type ConfigFile = z.input<typeof ConfigFileSchema>;

/** The help text. */
export const HELP = `Usage:
  timock [serve] [options]      start the fake getappinfo server
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
  --headers-timeout MS     time to receive the request line and headers (TIMOCK_HEADERS_TIMEOUT, default 10000)
  --request-timeout MS     time to receive the whole request (TIMOCK_REQUEST_TIMEOUT, default 30000)
  --keep-alive-timeout MS  idle keep-alive connections close after this (TIMOCK_KEEP_ALIVE_TIMEOUT, default 5000)
  --connection-timeout MS  inactive sockets are destroyed after this, 0 = never (TIMOCK_CONNECTION_TIMEOUT, default 60000)

usersig options: --secret-key may come from TIMOCK_SECRET_KEY instead (keeps it out of the process list).
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
  'headers-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  'keep-alive-timeout': { type: 'string' },
  'connection-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
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

function readConfig(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliUsageError(
      code === 'ENOENT'
        ? `config file ${path} not found`
        : `cannot read config file ${path} (${code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`config file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = ConfigFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    throw new CliUsageError(`config file ${path}: ${where}${issue.message}${more}`);
  }
  return json as ConfigFile;
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
  const config = configPath === undefined || configPath === '' ? undefined : readConfig(configPath);
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
    config,
    configPath,
    https,
    logLevel: logLevel as ServeCommand['logLevel'],
    timeouts,
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
