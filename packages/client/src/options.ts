import { GETAPPINFO_PATH, REGION_IDS, REGIONS, type RegionId, regionOrigin } from '@timock/schema';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/**
 * Waits `ms` milliseconds; rejects with `signal.reason` when `signal` aborts. Inject a fake one in tests.
 */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * The retry policy: exponential backoff with full jitter. Each field's TSDoc starts with its description
 * in {@link RetryOptionsSchema}, and the README table is generated from that schema; a test keeps them equal.
 */
export interface RetryOptions {
  /** Retries after the first attempt (so at most `retries + 1` attempts). Default `3`. */
  retries?: number;
  /** Cap of the first backoff, in ms; the cap doubles on each retry. Default `100`. */
  minDelayMs?: number;
  /** Largest cap of a backoff, in ms. Default `2000`. */
  maxDelayMs?: number;
  /**
   * Total budget of one call, in ms, counted from its first attempt: no retry starts after it, and each
   * attempt's timeout is cut to what is left of it. Default `20000`.
   */
  deadlineMs?: number;
  /** Random number in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
}

/**
 * Options of {@link createClient}. Checked once, by {@link ClientOptionsSchema}. Each field's TSDoc starts
 * with its description in that schema, and the README table is generated from the schema; a test keeps
 * them equal.
 */
export interface ClientOptions {
  /** The app's SDKAppID, e.g. `1400000000`. */
  sdkappid: number;
  /** The app admin account the calls are made as. Default `'administrator'`. */
  identifier?: string;
  /**
   * The app's secret key, as the console shows it: the client signs UserSigs with it and renews them before
   * they expire. Give this or `userSig`.
   */
  secretKey?: string;
  /** A fixed UserSig for `identifier`, used as is (never renewed). Give this or `secretKey`. */
  userSig?: string;
  /**
   * Lifetime of each UserSig the client signs, in seconds; a new one is signed when less than 10% of it is
   * left. Default `86400`.
   */
  userSigLifetimeSeconds?: number;
  /** The vendor's region whose domain to call; not with `baseUrl`. Default `'china'`. */
  region?: RegionId;
  /**
   * Call the region's backup domain (Tokyo has none documented: `createClient` throws); not with
   * `baseUrl`. Default `false`.
   */
  useBackupDomain?: boolean;
  /**
   * Any `http:` or `https:` origin, optionally with a path prefix, to call instead of a region (e.g. the
   * fake at `http://127.0.0.1:PORT`).
   */
  baseUrl?: string;
  /**
   * Time allowed for one attempt (connect, headers and body), in ms; the server's own timeout is 3 s.
   * Default `5000`.
   */
  timeoutMs?: number;
  /** The retry policy (see {@link RetryOptions}), or `false` for no retries. */
  retry?: RetryOptions | false;
  /**
   * Client-side throttle: never more than this many requests started in any 1 s window, or `false` for
   * none; per client (clients and processes do not share it). Default `200`.
   */
  rateLimitPerSecond?: number | false;
  /**
   * The undici dispatcher to send with (a `MockAgent`, an `Agent` with TLS or proxy options); never closed
   * by the client. Without it, the client owns a keep-alive `Pool` for the origin.
   */
  dispatcher?: Dispatcher;
  /**
   * The clock, in ms since the Unix epoch (UserSig signing and renewal, throttle, deadline). Default
   * `Date.now`.
   */
  now?: () => number;
  /** How to wait (backoff, throttle): `(ms, signal) => Promise<void>`; inject a fake one in tests. Default `defaultSleep`. */
  sleep?: Sleep;
}

/** Retry policy after defaults; `retries: 0` when retries are off. */
export interface ResolvedRetryOptions {
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  deadlineMs: number;
  random: () => number;
}

/** {@link ClientOptions} after checks and defaults. */
export interface ResolvedClientOptions {
  sdkappid: number;
  identifier: string;
  secretKey: string | undefined;
  userSig: string | undefined;
  userSigLifetimeSeconds: number;
  /** The region, or `undefined` with `baseUrl`. */
  region: RegionId | undefined;
  useBackupDomain: boolean;
  /** The origin called, e.g. `https://console.tim.qq.com`. */
  origin: string;
  /** The request path, e.g. `/v4/openconfigsvr/getappinfo`. */
  path: string;
  timeoutMs: number;
  retry: ResolvedRetryOptions;
  /** `false` when the throttle is off. */
  rateLimitPerSecond: number | false;
  dispatcher: Dispatcher | undefined;
  now: () => number;
  sleep: Sleep;
}

/** The default {@link Sleep}: a timer, cleared when `signal` aborts. */
export const defaultSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

const fn = <T extends (...args: never[]) => unknown>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', `${what} must be a function`);

const ms = z.number().int().nonnegative();

/** The `retry` option's object: its fields' descriptions are the README's retry table (`pnpm docs:options`). */
export const RetryOptionsSchema = z
  .strictObject({
    retries: z
      .number()
      .int()
      .nonnegative()
      .default(3)
      .meta({ description: 'retries after the first attempt (so at most `retries + 1` attempts)' }),
    minDelayMs: ms
      .default(100)
      .meta({ description: 'cap of the first backoff, in ms; the cap doubles on each retry' }),
    maxDelayMs: ms.default(2000).meta({ description: 'largest cap of a backoff, in ms' }),
    deadlineMs: z.number().int().positive().default(20_000).meta({
      description:
        "total budget of one call, in ms, counted from its first attempt: no retry starts after it, and each attempt's timeout is cut to what is left of it",
    }),
    random: fn<() => number>('retry.random')
      .default(() => Math.random)
      .meta({ tsType: '() => number', description: 'random number in [0, 1) for the jitter' }),
  })
  .refine((r) => r.maxDelayMs >= r.minDelayMs, {
    message: 'retry.maxDelayMs must be >= retry.minDelayMs',
    path: ['maxDelayMs'],
  })
  .meta({ title: 'RetryOptions' });

const isDispatcher = (v: unknown): v is Dispatcher =>
  typeof v === 'object' && v !== null && typeof (v as Dispatcher).dispatch === 'function';

const baseUrlSchema = z.string().refine(
  (s) => {
    if (!URL.canParse(s)) return false;
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && !u.search && !u.hash && !u.username;
  },
  { message: 'baseUrl must be an http: or https: URL without query, hash or credentials' },
);

/**
 * Checks {@link ClientOptions} once and fills in defaults. Rejects: both or neither of `secretKey` and
 * `userSig`; `baseUrl` together with `region` or `useBackupDomain`; a backup domain for a region that has
 * none (Tokyo); unknown options.
 *
 * @example
 * const resolved = ClientOptionsSchema.parse({ sdkappid: 1400000000, secretKey: '...' });
 * resolved.origin; // 'https://console.tim.qq.com'
 */
export const ClientOptionsSchema: z.ZodType<ResolvedClientOptions, ClientOptions> = z
  .strictObject({
    sdkappid: z
      .number()
      .int()
      .positive()
      .max(Number.MAX_SAFE_INTEGER)
      .meta({ description: "the app's SDKAppID, e.g. `1400000000`" }),
    identifier: z
      .string()
      .min(1)
      .default('administrator')
      .meta({ description: 'the app admin account the calls are made as' }),
    secretKey: z.string().min(1).optional().meta({
      description:
        "the app's secret key, as the console shows it: the client signs UserSigs with it and renews them before they expire. Give this or `userSig`",
    }),
    userSig: z.string().min(1).optional().meta({
      description: 'a fixed UserSig for `identifier`, used as is (never renewed). Give this or `secretKey`',
    }),
    userSigLifetimeSeconds: z.number().int().positive().default(86_400).meta({
      description:
        'lifetime of each UserSig the client signs, in seconds; a new one is signed when less than 10% of it is left',
    }),
    region: z
      .enum(REGION_IDS as [RegionId, ...RegionId[]])
      .optional()
      .meta({ description: "the vendor's region whose domain to call; not with `baseUrl`" }),
    useBackupDomain: z.boolean().optional().meta({
      description:
        "call the region's backup domain (Tokyo has none documented: `createClient` throws); not with `baseUrl`",
    }),
    baseUrl: baseUrlSchema.optional().meta({
      description:
        'any `http:` or `https:` origin, optionally with a path prefix, to call instead of a region (e.g. the fake at `http://127.0.0.1:PORT`)',
    }),
    timeoutMs: z.number().int().positive().default(5000).meta({
      description:
        "time allowed for one attempt (connect, headers and body), in ms; the server's own timeout is 3 s",
    }),
    retry: z
      .union([z.literal(false), RetryOptionsSchema])
      .prefault({})
      .meta({ description: 'the retry policy (see `RetryOptions`), or `false` for no retries' }),
    rateLimitPerSecond: z
      .union([z.literal(false), z.number().int().positive()])
      .default(200)
      .meta({
        description:
          'client-side throttle: never more than this many requests started in any 1 s window, or `false` for none; per client (clients and processes do not share it)',
      }),
    dispatcher: z
      .custom<Dispatcher>(isDispatcher, 'dispatcher must be an undici Dispatcher')
      .optional()
      .meta({
        tsType: 'Dispatcher',
        description:
          'the undici dispatcher to send with (a `MockAgent`, an `Agent` with TLS or proxy options); never closed by the client. Without it, the client owns a keep-alive `Pool` for the origin',
      }),
    now: fn<() => number>('now')
      .default(() => Date.now)
      .meta({
        tsType: '() => number',
        description:
          'the clock, in ms since the Unix epoch (UserSig signing and renewal, throttle, deadline)',
      }),
    sleep: fn<Sleep>('sleep')
      .default(() => defaultSleep)
      .meta({
        tsType: 'Sleep',
        description:
          'how to wait (backoff, throttle): `(ms, signal) => Promise<void>`; inject a fake one in tests',
      }),
  })
  .superRefine((o, ctx) => {
    if ((o.secretKey === undefined) === (o.userSig === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of secretKey and userSig',
        path: ['secretKey'],
      });
    }
    if (o.baseUrl !== undefined && (o.region !== undefined || o.useBackupDomain !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message: 'baseUrl cannot be combined with region or useBackupDomain',
        path: ['baseUrl'],
      });
    }
    const region = o.region ?? 'china';
    if (o.baseUrl === undefined && o.useBackupDomain && REGIONS[region].backupDomain === null) {
      ctx.addIssue({
        code: 'custom',
        message: `region ${region} has no documented backup domain: set useBackupDomain: false or use baseUrl`,
        path: ['useBackupDomain'],
      });
    }
  })
  .transform((o): ResolvedClientOptions => {
    const useBackupDomain = o.useBackupDomain ?? false;
    let origin: string;
    let path = `/${GETAPPINFO_PATH}`;
    let region: RegionId | undefined;
    if (o.baseUrl !== undefined) {
      const url = new URL(o.baseUrl);
      origin = url.origin;
      path = `${url.pathname.replace(/\/+$/, '')}${path}`;
    } else {
      region = o.region ?? 'china';
      origin = regionOrigin(region, useBackupDomain);
    }
    const retry: ResolvedRetryOptions =
      o.retry === false
        ? {
            retries: 0,
            minDelayMs: 0,
            maxDelayMs: 0,
            deadlineMs: Number.MAX_SAFE_INTEGER,
            random: Math.random,
          }
        : o.retry;
    return {
      sdkappid: o.sdkappid,
      identifier: o.identifier,
      secretKey: o.secretKey,
      userSig: o.userSig,
      userSigLifetimeSeconds: o.userSigLifetimeSeconds,
      region,
      useBackupDomain,
      origin,
      path,
      timeoutMs: o.timeoutMs,
      retry,
      rateLimitPerSecond: o.rateLimitPerSecond,
      dispatcher: o.dispatcher,
      now: o.now,
      sleep: o.sleep,
    };
  });
