import { AppConfigSchema, FidelitySchema, FixtureSchema } from '@timock/schema';
import { z } from 'zod';
import { InvalidOptionsError } from './errors.js';

/** Largest journal accepted, in entries. */
export const MAX_JOURNAL_SIZE = 100_000;

/**
 * The built-in demo app, served when no `apps` are configured.
 *
 * Its secret key is **public** (printed at start-up and in the README): use it only against the fake.
 */
export const DEMO_APP = {
  sdkappid: 1400000000,
  secretKey: '4bd5f421d42f92390a839616f68545c92c4c4b55efc8d62ca74d17b130b81ed9',
  admins: ['administrator'],
  appName: 'timock demo app',
  company: 'timock',
  rateLimitPerSecond: 200,
} as const;

/** One app the fake serves: defined in `@timock/schema` (the admin API takes the same shape). */
export { type AppConfig, AppConfigSchema, type ResolvedAppConfig } from '@timock/schema';

/** The Fastify `logger` option accepted by the fake: `false`, `true` or a pino options object. */
export type LoggerOption = boolean | Record<string, unknown>;

/** TLS material for HTTPS: PEM strings or buffers. */
export interface HttpsOptions {
  key: string | Buffer;
  cert: string | Buffer;
}

const isRedisUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
};

/**
 * Where replicas share their state: a Redis URL and, optionally, the key prefix (replicas of one fake
 * use the same; other fakes on the same Redis use another) and the command timeout.
 */
export const RedisOptionsSchema = z
  .strictObject({
    url: z
      .string()
      .refine(isRedisUrl, 'must be a redis:// or rediss:// URL with a host')
      .meta({ description: '`redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS' }),
    keyPrefix: z
      .string()
      .regex(/^[\w.:-]{1,64}$/, 'must be 1 to 64 letters, digits or _ . : -')
      .default('timock')
      .meta({
        description:
          'prefix of every key (1-64 of letters, digits, `_.:-`): the same for the replicas of one fake, another for another fake',
      }),
    commandTimeoutMs: z.number().int().positive().max(60_000).default(1000).meta({
      description: 'a Redis command unanswered after this many ms fails, and the request gets 70500',
    }),
  })
  .meta({ title: 'RedisOptions' });

/** The `redis` option as a caller writes it: a URL, or `{ url, keyPrefix?, commandTimeoutMs? }`. */
export type RedisOptions = z.input<typeof RedisOptionsSchema>;
/** The longest timeout accepted, in ms (one day). */
const MAX_TIMEOUT_MS = 86_400_000;

const isFunction = (v: unknown): v is () => number => typeof v === 'function';
const pem = z.union([z.string().min(1), z.instanceof(Buffer)]);

/**
 * The options of {@link buildServer}, validated once at the edge. Every field is optional. Each field's
 * meaning is on the schema (`.meta({ description })`), with its type and default: the options table in
 * the package README is generated from it (`pnpm docs:options`).
 */
export const ServerOptionsSchema = z.strictObject({
  apps: z
    .array(AppConfigSchema)
    .readonly()
    .default(() => [{ ...DEMO_APP }])
    .superRefine((apps, ctx) => {
      const seen = new Set<number>();
      apps.forEach((app, i) => {
        if (seen.has(app.sdkappid)) {
          ctx.addIssue({
            code: 'custom',
            path: [i, 'sdkappid'],
            message: `duplicate sdkappid ${app.sdkappid}`,
          });
        }
        seen.add(app.sdkappid);
      });
    })
    .meta({ description: 'the apps served (see the app table below); a duplicate `sdkappid` is an error' }),
  seed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .default(42)
    .meta({ description: 'seeds the generated data: the same seed, apps and clock give the same bytes' }),
  now: z
    .custom<() => number>(isFunction, 'now must be a function returning epoch milliseconds')
    .default(() => Date.now)
    .meta({
      tsType: '() => number',
      description: 'the clock, in epoch milliseconds; everything time-based follows it',
    }),
  bodyLimit: z
    .number()
    .int()
    .positive()
    .default(65536)
    .meta({ description: 'largest body read, in bytes; a larger body answers 130001' }),
  logger: z
    .union([z.boolean(), z.record(z.string(), z.unknown())])
    .default(false)
    .meta({ description: "Fastify's logger option: `true` or pino options (`{ level, stream, ... }`)" }),
  admin: z.boolean().default(true).meta({
    description: 'serve the control plane under `/__admin` and honour the `x-timock-fault` header',
  }),
  adminToken: z
    .string()
    .regex(/^[\x21-\x7e]{8,256}$/, 'adminToken must be 8 to 256 printable ASCII characters without spaces')
    .optional()
    .meta({
      description:
        'require `Authorization: Bearer <token>` on admin calls (8-256 printable characters); without it, loopback callers only',
    }),
  journalSize: z
    .number()
    .int()
    .min(1)
    .max(MAX_JOURNAL_SIZE)
    .default(1000)
    .meta({ description: 'requests kept in the journal' }),
  fixtures: z
    .array(FixtureSchema)
    .readonly()
    .default([])
    .meta({ description: 'recorded fixtures (`timock record`) served instead of generated data' }),
  sigCacheSize: z
    .number()
    .int()
    .positive()
    .default(10_000)
    .meta({ description: 'verified-UserSig cache entries, per app' }),
  answerCacheSize: z
    .number()
    .int()
    .positive()
    .default(256)
    .meta({ description: 'serialized-answer cache entries, per app (within `cacheBudget`)' }),
  cacheBudget: z
    .number()
    .int()
    .min(65_536)
    .max(2 ** 40)
    .default(64 * 1024 * 1024)
    .meta({
      description:
        'bytes of serialized answers and generated days kept, every app together (least recently used across apps dropped first), at least 65536',
    }),
  https: z
    .strictObject({ key: pem, cert: pem })
    .optional()
    .meta({ description: 'PEM key and certificate (strings or buffers) to serve HTTPS' }),
  docs: z
    .boolean()
    .default(true)
    .meta({ description: 'serve `/openapi.json` and the API reference page `/docs`' }),
  redis: z
    .union([z.string().transform((url) => ({ url })), RedisOptionsSchema])
    .pipe(RedisOptionsSchema)
    .optional()
    .meta({
      description:
        'share state with other replicas in Redis: a URL, or the object below (see [Running several replicas](#running-several-replicas))',
    }),
  fidelity: FidelitySchema.prefault({}).meta({
    tsType: 'FidelityInput',
    description:
      'behaviours where the real service is unknown or has changed: a `profile` (`evidence`, the default, or `strict`) and any settings that differ (see [Fidelity settings](#fidelity-settings))',
  }),
  headersTimeout: z.number().int().positive().max(MAX_TIMEOUT_MS).default(10_000).meta({
    description:
      'ms for a client to send the request line and headers, then 60008 and the connection is closed; at most `requestTimeout`',
  }),
  requestTimeout: z.number().int().positive().max(MAX_TIMEOUT_MS).default(30_000).meta({
    description:
      'ms for a client to send the whole request, body included, then 60008 and the connection is closed',
  }),
  keepAliveTimeout: z
    .number()
    .int()
    .positive()
    .max(MAX_TIMEOUT_MS)
    .default(5_000)
    .meta({ description: 'ms an idle keep-alive connection stays open' }),
  connectionTimeout: z
    .number()
    .int()
    .nonnegative()
    .max(MAX_TIMEOUT_MS)
    .default(60_000)
    .meta({ description: 'ms of socket inactivity before the socket is destroyed; `0` = never' }),
  drainTimeout: z.number().int().nonnegative().max(MAX_TIMEOUT_MS).default(5_000).meta({
    description:
      'ms that requests in flight when a close begins (SIGTERM, SIGINT, `close()`) may take to finish, those held by a delay fault too; then what is left is dropped',
  }),
});

/** The options of {@link buildServer} as a caller writes them (everything optional). */
export type ServerOptions = z.input<typeof ServerOptionsSchema>;

/** The options after validation, defaults filled in: what the server's inner code receives. */
export type ResolvedServerOptions = z.output<typeof ServerOptionsSchema>;

/**
 * Validates server options and fills in defaults.
 *
 * @throws {@link InvalidOptionsError} listing every problem.
 */
export function resolveServerOptions(options: ServerOptions = {}): ResolvedServerOptions {
  const parsed = ServerOptionsSchema.safeParse(options);
  if (parsed.success) {
    const { headersTimeout, requestTimeout } = parsed.data;
    // Cross-field rule kept out of the schema so that it stays pickable (the CLI's config file schema).
    if (headersTimeout > requestTimeout) {
      throw new InvalidOptionsError([
        `headersTimeout: must not exceed requestTimeout (${headersTimeout} > ${requestTimeout})`,
      ]);
    }
    return parsed.data;
  }
  throw InvalidOptionsError.fromZod(parsed.error);
}
