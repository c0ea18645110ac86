import type { Redis, RedisOptions } from 'ioredis';
import { type RateLimiter, type StateStore, StoreUnavailableError } from './store.js';

/** The logger a {@link RedisStore} reports outages to (a Fastify/pino logger fits). */
export interface StoreLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** The options of a {@link RedisStore}. */
export interface RedisStoreOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://...` for TLS. */
  url: string;
  /** Prefix of every key, so several fakes can share one Redis; replicas of one fake use the same. */
  keyPrefix: string;
  /** A command unanswered after this many ms fails (the request gets 70500). */
  commandTimeoutMs: number;
  /** Where the one line per outage (and the line when Redis is back) goes. */
  log: StoreLogger;
}

/**
 * The sliding-window limiter, atomic in Redis. KEYS[1] is a list of the last `limit` accepted call
 * times, newest first. ARGV: limit, window ms, now (the calling replica's clock, epoch ms).
 *
 * The clock is the fake's own (so a frozen or moved clock steers the limit as it does in memory), not
 * Redis `TIME`. Replicas' clocks differ a little: a call whose time is before the newest accepted one
 * by less than a window is taken as skew and stamped with that newest time, so the stamps stay in
 * order and no window of stamps ever holds more than `limit`; a time a whole window or more before it
 * means the clock was set back, and the window starts afresh (as the in-memory limiter does).
 */
const ACQUIRE_SCRIPT = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local stamp = ARGV[3]
local now = tonumber(stamp)
local newest = redis.call('LINDEX', KEYS[1], 0)
if newest then
  local last = tonumber(newest)
  if now < last then
    if last - now >= window then
      redis.call('DEL', KEYS[1])
    else
      now = last
      stamp = newest
    end
  end
end
if redis.call('LLEN', KEYS[1]) >= limit then
  local oldest = tonumber(redis.call('LINDEX', KEYS[1], limit - 1))
  if now - oldest < window then return 0 end
end
redis.call('LPUSH', KEYS[1], stamp)
redis.call('LTRIM', KEYS[1], 0, limit - 1)
redis.call('PEXPIRE', KEYS[1], 3600000)
return 1
`;

/** The window of the API's rate limit, ms. */
const WINDOW_MS = 1000;

type ScriptedRedis = Redis & {
  timockAcquire(key: string, limit: number, windowMs: number, now: string): Promise<number>;
};

/** The URL with any password replaced, for log lines and the banner. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return '(unparsable redis URL)';
  }
}

/**
 * A {@link StateStore} in Redis, shared by every replica that uses the same Redis and key prefix.
 * Keys hold only SDKAppIDs and times, never a key or a UserSig.
 *
 * While Redis cannot be reached, every call through the store rejects with
 * {@link StoreUnavailableError} (the server answers 70500; it never falls back to a local budget). It
 * logs one line when an outage starts and one when Redis is back, and reconnects by itself.
 */
export class RedisStore implements StateStore {
  readonly kind = 'redis';
  readonly #options: RedisStoreOptions;
  readonly #where: string;
  #client: ScriptedRedis | undefined;
  /** `up`, `down` (an outage was logged) or `new` (never connected yet). */
  #state: 'new' | 'up' | 'down' = 'new';
  #downSince = 0;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#options = options;
    this.#where = redactRedisUrl(options.url);
  }

  /** `<prefix>:<name>`. */
  key(name: string): string {
    return `${this.#options.keyPrefix}:${name}`;
  }

  limiter(sdkappid: number, limit: number): RateLimiter {
    const key = this.key(`rate:${sdkappid}`);
    return {
      tryAcquire: (nowMs) =>
        this.#run((redis) => redis.timockAcquire(key, limit, WINDOW_MS, String(nowMs))).then((n) => n === 1),
    };
  }

  /** Loads the client library (only when Redis is used) and connects; an unreachable Redis is logged, not thrown. */
  async open(): Promise<void> {
    if (this.#client !== undefined || this.#closed) return;
    const { Redis } = await import('ioredis');
    const options: RedisOptions = {
      lazyConnect: true,
      // Fail at once while disconnected: a request is answered 70500, never queued until Redis is back.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.#options.commandTimeoutMs,
      connectTimeout: 2000,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    };
    const client = new Redis(this.#options.url, options) as ScriptedRedis;
    client.defineCommand('timockAcquire', { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
    client.on('ready', () => this.#up());
    client.on('error', (error: NodeJS.ErrnoException) => this.#down(error.code ?? error.message));
    client.on('close', () => this.#down('connection closed'));
    this.#client = client;
    try {
      await client.connect();
    } catch (error) {
      this.#down((error as NodeJS.ErrnoException).code ?? (error as Error).message);
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    if (client === undefined) return;
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.disconnect();
  }

  /** Runs one command; any failure becomes a {@link StoreUnavailableError} (and marks an outage). */
  async #run<T>(command: (redis: ScriptedRedis) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (client === undefined || client.status !== 'ready') {
      throw new StoreUnavailableError(`redis at ${this.#where} is unreachable`);
    }
    try {
      const result = await command(client);
      if (this.#state !== 'up') this.#up();
      return result;
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      this.#down(reason);
      throw new StoreUnavailableError(`redis at ${this.#where} failed: ${reason}`, { cause: error });
    }
  }

  #up(): void {
    if (this.#closed) return;
    if (this.#state === 'down') {
      const ms = Date.now() - this.#downSince;
      this.#options.log.warn(`redis at ${this.#where} is reachable again after ${ms} ms; serving normally`);
    } else if (this.#state === 'new') {
      this.#options.log.info(
        `shared state in redis at ${this.#where} (key prefix "${this.#options.keyPrefix}")`,
      );
    }
    this.#state = 'up';
  }

  #down(reason: string): void {
    if (this.#closed || this.#state === 'down') return;
    this.#state = 'down';
    this.#downSince = Date.now();
    this.#options.log.warn(
      `redis at ${this.#where} is unreachable (${reason}); answering 70500 until it is back`,
    );
  }
}
