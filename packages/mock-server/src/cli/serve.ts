/**
 * `timock serve` (the default command): its flags, each naming the server option it sets, and the
 * parse that turns flags, environment variables and the config file into `startServer`'s options.
 */
import { FIDELITY_VALUES, type FidelityInput, type Fixture, fidelityFromSettings } from '@timock/schema';
import type { HelpSpec } from '@timock/terminal';
import { z } from 'zod';
import { isLoopback } from '../control/access.js';
import { RedisOptionsSchema, ServerOptionsSchema } from '../options.js';
import type { StartServerOptions } from '../server.js';
import { type ConfigFile, readConfigFile, readFixtures } from './config-file.js';
import {
  type CliEnv,
  CliUsageError,
  EXIT_CODES,
  flagSet,
  HELP_FLAG,
  parseFlags,
  readFlag,
  readFlagFile,
} from './flags.js';
import { checkOptionFlags, givenOptionFlags, optionFlag } from './option-flags.js';

/** The log levels `--log-level` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The formats `--log-format` accepts. */
export const LOG_FORMATS = ['pretty', 'json'] as const;

const isInstant = (text: string) => /^\d{4}-\d{2}-\d{2}/.test(text) && !Number.isNaN(Date.parse(text));

/** What `timock serve` takes besides the server's options: where it listens, a frozen clock, its log. */
export const ServeCliOptionsSchema = z.strictObject({
  host: z
    .string()
    .min(1, 'must not be empty')
    .default('127.0.0.1')
    .meta({ description: 'interface to listen on' }),
  port: z.number().int().min(0).max(65535).default(8080).meta({ description: 'port, 0 = any free port' }),
  now: z
    .string()
    .refine(isInstant, { error: (issue) => `must be an ISO-8601 date-time, got "${String(issue.input)}"` })
    .transform((text) => {
      const ms = Date.parse(text);
      return () => ms;
    })
    .meta({ description: 'freeze the clock at this instant' }),
  logLevel: z.enum(LOG_LEVELS).default('info').meta({ description: 'the least severe level logged' }),
  logFormat: z.enum(LOG_FORMATS).optional().meta({
    description:
      'pretty (one line a person reads per request) or json (pino lines); default: pretty on a terminal, json otherwise',
  }),
});

/** Every option a serve flag sets, checked by the server's own schemas (redis as its object form). */
const ServeOptionsSchema = ServerOptionsSchema.extend({
  ...ServeCliOptionsSchema.shape,
  redis: RedisOptionsSchema,
});

const S = ServerOptionsSchema.shape;
const R = RedisOptionsSchema.shape;
const C = ServeCliOptionsSchema.shape;
const timeout = (option: keyof typeof S, env: string) => optionFlag(option, S[option], { value: 'MS', env });

/** Every flag of `timock serve` (also the default command), in help order; the parser reads this table. */
export const SERVE_FLAGS = {
  host: optionFlag('host', C.host, { value: 'HOST', env: 'TIMOCK_HOST' }),
  port: optionFlag('port', C.port, { value: 'PORT', env: 'TIMOCK_PORT' }),
  config: {
    type: 'string',
    value: 'FILE',
    env: 'TIMOCK_CONFIG',
    help: 'JSON config {"apps":[...],"seed":42} (default: the public demo app)',
  },
  seed: optionFlag('seed', S.seed, { value: 'N', env: 'TIMOCK_SEED' }),
  now: optionFlag('now', C.now, { value: 'ISO-8601', env: 'TIMOCK_NOW' }),
  https: {
    type: 'boolean',
    env: 'TIMOCK_HTTPS',
    help: 'serve HTTPS, with --cert/--key or a generated self-signed certificate, written to a temporary file named at start: trust it with timock-contract --ca FILE (TIMOCK_HTTPS=1)',
  },
  cert: { type: 'string', value: 'FILE', env: 'TIMOCK_CERT', help: 'PEM certificate' },
  key: { type: 'string', value: 'FILE', env: 'TIMOCK_KEY', help: 'PEM private key' },
  'log-level': optionFlag('logLevel', C.logLevel, { value: 'LEVEL', env: 'TIMOCK_LOG_LEVEL' }),
  'log-format': optionFlag('logFormat', C.logFormat, { value: 'FORMAT', env: 'TIMOCK_LOG_FORMAT' }),
  redis: optionFlag('redis.url', R.url, {
    value: 'URL',
    env: 'TIMOCK_REDIS_URL',
    lead: 'share rate limits and controls with other replicas in Redis',
  }),
  'redis-prefix': optionFlag('redis.keyPrefix', R.keyPrefix, { value: 'P', env: 'TIMOCK_REDIS_PREFIX' }),
  fixtures: {
    type: 'string',
    multiple: true,
    value: 'FILE',
    help: 'serve a fixture recorded by timock record instead of generated data (repeatable)',
  },
  'admin-token': optionFlag('adminToken', S.adminToken, { value: 'T', env: 'TIMOCK_ADMIN_TOKEN' }),
  'no-admin': optionFlag('admin', S.admin, {
    type: 'boolean',
    sets: false,
    env: 'TIMOCK_NO_ADMIN',
    lead: 'turn off',
  }),
  'journal-size': optionFlag('journalSize', S.journalSize, { value: 'N', env: 'TIMOCK_JOURNAL_SIZE' }),
  'cache-budget': optionFlag('cacheBudget', S.cacheBudget, { value: 'BYTES', env: 'TIMOCK_CACHE_BUDGET' }),
  'headers-timeout': timeout('headersTimeout', 'TIMOCK_HEADERS_TIMEOUT'),
  'request-timeout': timeout('requestTimeout', 'TIMOCK_REQUEST_TIMEOUT'),
  'keep-alive-timeout': timeout('keepAliveTimeout', 'TIMOCK_KEEP_ALIVE_TIMEOUT'),
  'connection-timeout': timeout('connectionTimeout', 'TIMOCK_CONNECTION_TIMEOUT'),
  'drain-timeout': timeout('drainTimeout', 'TIMOCK_DRAIN_TIMEOUT'),
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
} as const;

/** What `startServer` receives from `timock serve`: the server's options and where to listen. */
export type ServeOptions = StartServerOptions & {
  host: string;
  port: number;
  /** `--fixtures` and the config file's, in that order after the config file's. */
  fixtures: Fixture[];
  /** The config file's, then `TIMOCK_FIDELITY`, `--fidelity`, `--strict` (`{}` when none). */
  fidelity: FidelityInput;
};

/** `timock serve`: the server's options, resolved from flags, environment and config file, checked. */
export interface ServeCommand {
  kind: 'serve';
  /** The config file's options, then the environment's, then the flags' (each checked by its schema). */
  options: ServeOptions;
  /** `--log-level`: the logger option is built from it at start. */
  logLevel: (typeof LOG_LEVELS)[number];
  /** `--log-format`: `pretty` (a line a person reads) or `json` (pino's lines); unset: pretty on a terminal. */
  logFormat: (typeof LOG_FORMATS)[number] | undefined;
  /** `--https` without `--cert`/`--key`: a self-signed certificate is generated at start. */
  selfSigned: boolean;
  /** The config file's path, for messages. */
  configPath: string | undefined;
  /** The files `options.fixtures` were read from, in the same order. */
  fixturePaths: string[];
}

/** True when the admin API of a fake listening on `host` answers only loopback callers without a token. */
export function adminLoopbackOnly(options: Pick<ServeOptions, 'admin' | 'adminToken' | 'host'>): boolean {
  const { admin = true, adminToken, host } = options;
  return admin && adminToken === undefined && !(host === 'localhost' || isLoopback(host));
}

/**
 * The config file's options with the given flags and variables over them, checked once by the options'
 * schemas. A bad value is named by its flag, or by its variable when it came from one.
 */
function withFlags(
  config: Omit<ConfigFile, 'fixtures'>,
  values: Readonly<Record<string, unknown>>,
  env: CliEnv,
) {
  // An empty Redis URL counts as unset: a variable left empty in a compose file.
  const given = givenOptionFlags(SERVE_FLAGS, values, env).filter(
    ([flag, value]) => !(flag.option === 'redis.url' && value.text === ''),
  );
  const input: Record<string, unknown> = { host: undefined, port: undefined, logLevel: undefined };
  if (given.some(([flag]) => flag.option.startsWith('redis.'))) {
    input.redis = typeof config.redis === 'string' ? { url: config.redis } : { ...config.redis };
    const url = given.some(([flag]) => flag.option === 'redis.url');
    if (!url && (input.redis as { url?: string }).url === undefined) {
      throw new CliUsageError('--redis-prefix needs --redis URL');
    }
  }
  return { ...config, ...checkOptionFlags(ServeOptionsSchema, given, input) };
}

/** `--https`, `--cert`, `--key` (or their variables): PEM files read, or a self-signed certificate asked for. */
function httpsFlags(values: Readonly<Record<string, unknown>>, env: CliEnv) {
  const certPath = readFlag('cert', SERVE_FLAGS.cert, values, env)?.text;
  const keyPath = readFlag('key', SERVE_FLAGS.key, values, env)?.text;
  if (!flagSet('https', SERVE_FLAGS.https, values, env) && certPath === undefined) {
    if (keyPath !== undefined) throw new CliUsageError('--key needs --cert (and --https)');
    return { selfSigned: false };
  }
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new CliUsageError(
      '--cert and --key go together: give both, or neither for a self-signed certificate',
    );
  }
  if (certPath === undefined || keyPath === undefined) return { selfSigned: true };
  return {
    selfSigned: false,
    https: { cert: readFlagFile('--cert', certPath), key: readFlagFile('--key', keyPath) },
  };
}

/**
 * The `fidelity` option: the config file's, then `TIMOCK_FIDELITY`'s settings, then `--fidelity`'s, merged
 * setting by setting (the later wins); `--strict` or `TIMOCK_STRICT` makes the profile `strict`.
 */
function fidelityFlags(values: Readonly<Record<string, unknown>>, env: CliEnv, config: ConfigFile) {
  const variable = SERVE_FLAGS.fidelity.env;
  const fromEnv = (env[variable] ?? '')
    .split(',')
    .map((text) => ({ source: variable, text: text.trim() }))
    .filter(({ text }) => text !== '');
  const fromFlags = ((values.fidelity as string[] | undefined) ?? []).map((text) => ({
    source: '--fidelity',
    text,
  }));
  const strict = flagSet('strict', SERVE_FLAGS.strict, values, env);
  const read = fidelityFromSettings(config.fidelity ?? {}, [...fromEnv, ...fromFlags], strict);
  if ('problem' in read) throw new CliUsageError(read.problem);
  return read.fidelity;
}

/** Parses `timock [serve] ...`: flags win over environment variables, which win over the config file. */
export function parseServe(args: readonly string[], env: CliEnv) {
  const { values } = parseFlags(args, SERVE_FLAGS);
  if (values.help) return { kind: 'help' } as const;
  if (values.version) return { kind: 'version' } as const;
  const configText = readFlag('config', SERVE_FLAGS.config, values, env)?.text;
  const configPath = configText === '' ? undefined : configText;
  const file = configPath === undefined ? {} : readConfigFile(configPath);
  const { fixtures: fixtureFiles, ...config } = file;
  const { logLevel, logFormat, ...options } = withFlags(config, values, env);
  if (options.admin === false && values['admin-token'] !== undefined) {
    throw new CliUsageError('--admin-token and --no-admin exclude each other');
  }
  const { selfSigned, https } = httpsFlags(values, env);
  const fixtures = readFixtures(configPath, fixtureFiles, values.fixtures ?? []);
  const command: ServeCommand = {
    kind: 'serve',
    options: {
      ...(options as ServeOptions),
      ...(https !== undefined ? { https } : {}),
      fixtures: fixtures.map((f) => f.fixture),
      fidelity: fidelityFlags(values, env, file),
    },
    logLevel: logLevel ?? 'info',
    logFormat,
    selfSigned,
    configPath,
    fixturePaths: fixtures.map((f) => f.path),
  };
  return command;
}

/** What `timock serve --help` shows; the flags are the table its parser reads. */
export const SERVE_HELP: HelpSpec = {
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
};
