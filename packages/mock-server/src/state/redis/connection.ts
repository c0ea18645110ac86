import type { Redis, RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../errors.js';

/** The logger a Redis connection reports outages to (a Fastify/pino logger fits). */
export interface StoreLogger {
  info(message: string): void;
  warn(message: string): void;
}

/** The options of a `RedisStore` (and of the connection it makes from them). */
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

/** One Lua script, run by EVALSHA: its keys, then its arguments; rejects with a `StoreUnavailableError`. */
export type RedisScript<T> = (keys: readonly string[], args: readonly (string | number)[]) => Promise<T>;

/** Who hears one pub/sub channel of a {@link RedisConnection}. */
export interface RedisSubscription {
  /** One message published on the channel. */
  message(text: string): void;
  /** After every (re)subscription, when messages may have been missed; the first is awaited by `open()`. */
  resubscribed(): Promise<unknown>;
}

/** How long {@link RedisConnection.open} waits for the first subscription and reload, ms. */
const FIRST_SYNC_MS = 2000;

/** A script as ioredis defines it on a client. */
type ScriptCommand = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

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

/** The client's options: fail at once while disconnected, never queue a request until Redis is back. */
function clientOptions(commandTimeoutMs: number): RedisOptions {
  return {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2000,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  };
}

/** The error code (or message) of a failed command or connection. */
function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

/**
 * The one Redis connection of a store (a command client and, for pub/sub, a subscriber), created from
 * options and handed to the rate-limit, control and journal stores. Every command failure becomes a
 * `StoreUnavailableError`; it logs one line when an outage starts and one when Redis is back, and
 * reconnects by itself. Scripts and subscriptions are registered before {@link RedisConnection.open}.
 */
export class RedisConnection {
  readonly #options: RedisStoreOptions;
  readonly #where: string;
  readonly #scripts = new Map<string, { numberOfKeys: number; lua: string }>();
  readonly #subscriptions = new Map<string, RedisSubscription>();
  #client: Redis | undefined;
  #subscriber: Redis | undefined;
  /** `up`, `down` (an outage was logged) or `new` (never connected yet). */
  #state: 'new' | 'up' | 'down' = 'new';
  #downSince = 0;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#options = options;
    this.#where = redactRedisUrl(options.url);
  }

  /** The command timeout, ms. */
  get commandTimeoutMs(): number {
    return this.#options.commandTimeoutMs;
  }

  /** `<prefix>:<name>`. */
  key(name: string): string {
    return `${this.#options.keyPrefix}:${name}`;
  }

  /** Registers a Lua script under `name` (unique per connection) and returns the function that runs it. */
  script<T>(name: string, numberOfKeys: number, lua: string): RedisScript<T> {
    this.#scripts.set(name, { numberOfKeys, lua });
    return (keys, args) =>
      this.run(
        (redis) => (redis as unknown as Record<string, ScriptCommand>)[name]!(...keys, ...args) as Promise<T>,
      );
  }

  /** Hears `channel` on the subscriber connection (register before `open()`). */
  subscribe(channel: string, subscription: RedisSubscription): void {
    this.#subscriptions.set(channel, subscription);
  }

  /** Loads the client library (only when Redis is used) and connects; an unreachable Redis is logged, not thrown. */
  async open(): Promise<void> {
    if (this.#client !== undefined || this.#closed) return;
    const { Redis } = await import('ioredis');
    const client = new Redis(this.#options.url, clientOptions(this.#options.commandTimeoutMs));
    for (const [name, script] of this.#scripts) client.defineCommand(name, script);
    client.on('ready', () => this.#up());
    client.on('error', (error: NodeJS.ErrnoException) => this.#down(reasonOf(error)));
    client.on('close', () => this.#down('connection closed'));
    this.#client = client;
    const { subscriber, firstSync } = this.#subscriberOf(client);
    try {
      await Promise.all([client.connect(), subscriber?.connect()]);
    } catch (error) {
      this.#down(reasonOf(error));
      return;
    }
    // Serve only once the subscribers have reloaded (bounded: a slow Redis delays the start, no more).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([firstSync, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_MS)))]);
    clearTimeout(timer);
  }

  /**
   * Messages arrive on a connection of their own (a subscribed connection takes no other command). Its
   * outages are the main connection's (same Redis): only the main one logs. After every
   * (re)subscription the subscribers reload, since messages may have been missed meanwhile.
   */
  #subscriberOf(client: Redis): { subscriber: Redis | undefined; firstSync: Promise<unknown> } {
    const subscriptions = this.#subscriptions;
    if (subscriptions.size === 0) return { subscriber: undefined, firstSync: Promise.resolve() };
    const subscriber = client.duplicate({ autoResubscribe: false });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (channel: string, text: string) => subscriptions.get(channel)?.message(text));
    let synced: () => void = () => undefined;
    const firstSync = new Promise<void>((resolve) => {
      synced = resolve;
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(...subscriptions.keys()).then(
        () => Promise.all([...subscriptions.values()].map((s) => s.resubscribed())).then(synced, synced),
        () => undefined,
      );
    });
    this.#subscriber = subscriber;
    return { subscriber, firstSync };
  }

  /** Disconnects; no more commands are answered. */
  async close(): Promise<void> {
    this.#closed = true;
    const clients = [this.#client, this.#subscriber];
    this.#client = undefined;
    this.#subscriber = undefined;
    for (const client of clients) {
      if (client === undefined) continue;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.disconnect();
    }
  }

  /** Runs one command; any failure becomes a {@link StoreUnavailableError} (and marks an outage). */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    const client = this.#client;
    if (client === undefined || client.status !== 'ready') {
      throw new StoreUnavailableError(`redis at ${this.#where} is unreachable`);
    }
    try {
      const result = await command(client);
      if (this.#state !== 'up') this.#up();
      return result;
    } catch (error) {
      const reason = reasonOf(error);
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
