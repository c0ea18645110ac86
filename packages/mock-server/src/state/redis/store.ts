import { randomUUID } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { StoreUnavailableError } from '../../errors.js';
import type { RateLimiter, SharedControl, SharedJournalEntry, StateStore } from '../store.js';

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
 * The sliding-window limiter, atomic in Redis, for a batch of calls: the calls one replica received in
 * one turn of its event loop go in one script call, judged one after the other exactly as separate
 * calls would be. KEYS[1] is a list of the last `limit` accepted call times, newest first. ARGV: limit,
 * window ms, then the calls' times (the calling replica's clock, epoch ms). Returns one 1 (accepted) or
 * 0 (over the limit) per call.
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
local answers = {}
local accepted = 0
for i = 3, #ARGV do
  local stamp = ARGV[i]
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
  local ok = 1
  if redis.call('LLEN', KEYS[1]) >= limit then
    local oldest = tonumber(redis.call('LINDEX', KEYS[1], limit - 1))
    if now - oldest < window then ok = 0 end
  end
  if ok == 1 then
    redis.call('LPUSH', KEYS[1], stamp)
    redis.call('LTRIM', KEYS[1], 0, limit - 1)
    accepted = accepted + 1
  end
  answers[#answers + 1] = ok
end
if accepted > 0 then redis.call('PEXPIRE', KEYS[1], 3600000) end
return answers
`;

/**
 * Sets or removes one control part and publishes the change, atomically (so every replica sees the
 * changes in the order they were made). KEYS[1]: the parts hash. ARGV: channel, message nonce, part,
 * value JSON ('' = remove).
 */
const PUT_SCRIPT = `
if ARGV[4] == '' then
  redis.call('HDEL', KEYS[1], ARGV[3])
else
  redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[4])
return 1
`;

/**
 * Removes every part whose name starts with a prefix (and, when asked, every firing counter) and
 * publishes a reload. KEYS[1]: parts hash, KEYS[2]: fired counters, KEYS[3]: draw counters. ARGV:
 * channel, nonce, prefix, '1' to drop the counters.
 */
const DROP_SCRIPT = `
local n = 0
for _, part in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(part, 1, #ARGV[3]) == ARGV[3] then
    redis.call('HDEL', KEYS[1], part)
    n = n + 1
  end
end
if ARGV[4] == '1' then redis.call('DEL', KEYS[2], KEYS[3]) end
redis.call('PUBLISH', ARGV[1], ARGV[2] .. '\\n*\\n')
return n
`;

/**
 * Claims one firing of a fault rule for all replicas together. KEYS[1]: fired counters, KEYS[2]: draw
 * counters, KEYS[3]: parts hash. ARGV: rule id, its part, times ('' = unlimited), probability ('' =
 * always), seed. The n-th draw of a rule is the first 52 bits of SHA-1("seed:n"): one reproducible
 * sequence shared by every replica. Returns the firings so far, or 0 when it does not fire.
 */
const CLAIM_SCRIPT = `
if redis.call('HEXISTS', KEYS[3], ARGV[2]) == 0 then return 0 end
local fired = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if ARGV[3] ~= '' and fired >= tonumber(ARGV[3]) then return 0 end
if ARGV[4] ~= '' then
  local n = redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
  local r = tonumber(string.sub(redis.sha1hex(ARGV[5] .. ':' .. n), 1, 13), 16) / 4503599627370496
  if r >= tonumber(ARGV[4]) then return 0 end
end
return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
`;

/**
 * Appends journal entries with the next sequence numbers and keeps the newest `capacity`. KEYS[1]: the
 * list (newest first), KEYS[2]: the sequence. ARGV: capacity, then the entries' JSON, oldest first.
 * Stored as "seq|json".
 */
const JOURNAL_SCRIPT = `
local n = #ARGV - 1
local last = redis.call('INCRBY', KEYS[2], n)
for i = 2, #ARGV do
  redis.call('LPUSH', KEYS[1], (last - n + i - 1) .. '|' .. ARGV[i])
end
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[1]) - 1)
return last
`;

/** Most journal entries sent in one script call. */
const JOURNAL_BATCH = 1000;

/** Empties the journal; returns how many entries it held. KEYS[1]: the list. */
const JOURNAL_CLEAR_SCRIPT = `
local n = redis.call('LLEN', KEYS[1])
redis.call('DEL', KEYS[1])
return n
`;

/** Rate-limit calls waiting to go to Redis together: their times, and who waits for each answer. */
interface AcquireBatch {
  nows: string[];
  waiters: { resolve(accepted: boolean): void; reject(error: unknown): void }[];
}

/** The window of the API's rate limit, ms. */
const WINDOW_MS = 1000;

type ScriptedRedis = Redis & {
  timockAcquire(key: string, limit: number, windowMs: number, ...nows: string[]): Promise<number[]>;
  timockPut(parts: string, channel: string, nonce: string, part: string, value: string): Promise<number>;
  timockDrop(
    parts: string,
    fired: string,
    draws: string,
    channel: string,
    nonce: string,
    prefix: string,
    counters: string,
  ): Promise<number>;
  timockClaim(
    fired: string,
    draws: string,
    parts: string,
    id: string,
    part: string,
    times: string,
    probability: string,
    seed: string,
  ): Promise<number>;
  timockJournal(list: string, seq: string, capacity: number, ...entries: string[]): Promise<number>;
  timockJournalClear(list: string): Promise<number>;
};

const SCRIPTS = {
  timockAcquire: { numberOfKeys: 1, lua: ACQUIRE_SCRIPT },
  timockPut: { numberOfKeys: 1, lua: PUT_SCRIPT },
  timockDrop: { numberOfKeys: 3, lua: DROP_SCRIPT },
  timockClaim: { numberOfKeys: 3, lua: CLAIM_SCRIPT },
  timockJournal: { numberOfKeys: 2, lua: JOURNAL_SCRIPT },
  timockJournalClear: { numberOfKeys: 1, lua: JOURNAL_CLEAR_SCRIPT },
} as const;

/** A listener of {@link SharedControl.listen}. */
type ControlListener = (part: string, value: unknown) => void | Promise<void>;

/** How long {@link RedisStore.open} waits for the first subscription and reload, ms. */
const FIRST_SYNC_MS = 2000;

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
 * A {@link StateStore} (and its {@link SharedControl}) in Redis, shared by every replica that uses the
 * same Redis and key prefix. It holds call times, control parts (fault rules, clock, day overrides) and
 * journal entries: never a secret key, a UserSig or a request's URL or body.
 *
 * While Redis cannot be reached, every call through the store rejects with
 * {@link StoreUnavailableError} (the server answers 70500; it never falls back to a local budget). It
 * logs one line when an outage starts and one when Redis is back, and reconnects by itself.
 */
export class RedisStore implements StateStore, SharedControl {
  readonly kind = 'redis';
  readonly #options: RedisStoreOptions;
  readonly #where: string;
  readonly #channel: string;
  readonly #listeners: ControlListener[] = [];
  /** Journal entries (JSON) not sent yet: never more than the journal keeps. */
  #journalQueue: string[] = [];
  #journalCapacity = 1;
  /** The running flush of the journal queue, if any. */
  #journalFlush: Promise<void> | undefined;
  /** put/drop calls waiting for their own change to come back, by nonce. */
  readonly #echoes = new Map<string, () => void>();
  /** Rate-limit calls of this turn of the event loop not sent yet, by key and limit. */
  readonly #acquires = new Map<string, AcquireBatch>();
  #client: ScriptedRedis | undefined;
  #subscriber: Redis | undefined;
  /** `up`, `down` (an outage was logged) or `new` (never connected yet). */
  #state: 'new' | 'up' | 'down' = 'new';
  #downSince = 0;
  #closed = false;

  constructor(options: RedisStoreOptions) {
    this.#options = options;
    this.#where = redactRedisUrl(options.url);
    this.#channel = this.key('changes');
  }

  /** This store: it implements {@link SharedControl}. */
  get control(): SharedControl {
    return this;
  }

  /** `<prefix>:<name>`. */
  key(name: string): string {
    return `${this.#options.keyPrefix}:${name}`;
  }

  /**
   * The limiter of one app. The calls this replica receives in one turn of its event loop go to Redis
   * together, in one script call (one round trip for all of them, in the order they came).
   */
  limiter(sdkappid: number, limit: number): RateLimiter {
    const key = this.key(`rate:${sdkappid}`);
    const batchKey = `${key}|${limit}`;
    return {
      tryAcquire: (nowMs) =>
        new Promise<boolean>((resolve, reject) => {
          let batch = this.#acquires.get(batchKey);
          if (batch === undefined) {
            const created: AcquireBatch = { nows: [], waiters: [] };
            this.#acquires.set(batchKey, created);
            setImmediate(() => this.#sendAcquires(batchKey, key, limit, created));
            batch = created;
          }
          batch.nows.push(String(nowMs));
          batch.waiters.push({ resolve, reject });
        }),
    };
  }

  #sendAcquires(batchKey: string, key: string, limit: number, batch: AcquireBatch): void {
    this.#acquires.delete(batchKey);
    this.#run((redis) => redis.timockAcquire(key, limit, WINDOW_MS, ...batch.nows)).then(
      (answers) => {
        for (const [i, w] of batch.waiters.entries()) w.resolve(answers[i] === 1);
      },
      (error: unknown) => {
        for (const w of batch.waiters) w.reject(error);
      },
    );
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
    for (const [name, script] of Object.entries(SCRIPTS)) client.defineCommand(name, script);
    client.on('ready', () => this.#up());
    client.on('error', (error: NodeJS.ErrnoException) => this.#down(error.code ?? error.message));
    client.on('close', () => this.#down('connection closed'));
    this.#client = client;
    // Changes arrive on a connection of their own (a subscribed connection takes no other command).
    // Its outages are the main connection's (same Redis): only the main one logs. After every
    // (re)subscription the listeners reload, since changes may have been missed meanwhile.
    const subscriber = client.duplicate({ autoResubscribe: false });
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, message: string) => this.#onMessage(message));
    let synced: () => void = () => undefined;
    const firstSync = new Promise<void>((resolve) => {
      synced = resolve;
    });
    subscriber.on('ready', () => {
      subscriber.subscribe(this.#channel).then(
        () => Promise.all(this.#emit('*', undefined)).then(synced, synced),
        () => undefined,
      );
    });
    this.#subscriber = subscriber;
    try {
      await Promise.all([client.connect(), subscriber.connect()]);
    } catch (error) {
      this.#down((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      return;
    }
    // Serve only once the control state is loaded (bounded: a slow Redis delays the start, no more).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([firstSync, new Promise((resolve) => (timer = setTimeout(resolve, FIRST_SYNC_MS)))]);
    clearTimeout(timer);
  }

  async put(part: string, value: unknown): Promise<void> {
    const json = value === undefined ? '' : JSON.stringify(value);
    await this.#published((redis, nonce) =>
      redis.timockPut(this.key('control'), this.#channel, nonce, part, json),
    );
  }

  async drop(prefix: string, options: { counters?: boolean } = {}): Promise<void> {
    const keys = [this.key('control'), this.key('fired'), this.key('draws')] as const;
    await this.#published((redis, nonce) =>
      redis.timockDrop(...keys, this.#channel, nonce, prefix, options.counters ? '1' : ''),
    );
  }

  async snapshot(): Promise<Map<string, unknown>> {
    const all = await this.#run((redis) => redis.hgetall(this.key('control')));
    return new Map(Object.entries(all).map(([part, json]) => [part, JSON.parse(json)]));
  }

  listen(listener: ControlListener): void {
    this.#listeners.push(listener);
  }

  nextId(counter: string): Promise<number> {
    return this.#run((redis) => redis.hincrby(this.key('ids'), counter, 1));
  }

  claim(
    id: string,
    part: string,
    rule: { times?: number; probability?: number; seed?: number },
  ): Promise<number> {
    return this.#run((redis) =>
      redis.timockClaim(
        this.key('fired'),
        this.key('draws'),
        this.key('control'),
        id,
        part,
        rule.times === undefined ? '' : String(rule.times),
        rule.probability === undefined ? '' : String(rule.probability),
        String(rule.seed ?? 1),
      ),
    );
  }

  async fired(): Promise<Map<string, number>> {
    const all = await this.#run((redis) => redis.hgetall(this.key('fired')));
    return new Map(Object.entries(all).map(([id, n]) => [id, Number(n)]));
  }

  /**
   * Queues the entry; the queue goes to Redis in one script call per turn of the event loop (so the
   * cost is per batch, not per request), and holds at most `capacity` entries: when Redis is slow or
   * unreachable the oldest are dropped, as the journal itself would drop them.
   */
  journalAppend(entry: SharedJournalEntry, capacity: number): void {
    const queue = this.#journalQueue;
    queue.push(JSON.stringify(entry));
    if (queue.length > capacity) queue.splice(0, queue.length - capacity);
    this.#journalCapacity = capacity;
    this.#journalFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.#flushJournal(),
    );
  }

  async #flushJournal(): Promise<void> {
    try {
      while (this.#journalQueue.length > 0) {
        const batch = this.#journalQueue.splice(0, JOURNAL_BATCH);
        await this.#run((redis) =>
          redis.timockJournal(this.key('journal'), this.key('journal:seq'), this.#journalCapacity, ...batch),
        ).catch(() => undefined); // lost while Redis is unreachable (#run logs the outage once)
      }
    } finally {
      this.#journalFlush = undefined;
    }
  }

  async journalRead(): Promise<(SharedJournalEntry & { seq: number })[]> {
    await this.#journalFlush; // this replica's own entries first
    const items = await this.#run((redis) => redis.lrange(this.key('journal'), 0, -1));
    const entries: (SharedJournalEntry & { seq: number })[] = [];
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      const bar = item.indexOf('|');
      entries.push({
        ...(JSON.parse(item.slice(bar + 1)) as SharedJournalEntry),
        seq: Number(item.slice(0, bar)),
      });
    }
    return entries;
  }

  async journalClear(): Promise<number> {
    await this.#journalFlush;
    return this.#run((redis) => redis.timockJournalClear(this.key('journal')));
  }

  /** Runs a publishing script and waits until its change came back on this replica's subscription (at most the command timeout). */
  async #published(command: (redis: ScriptedRedis, nonce: string) => Promise<number>): Promise<void> {
    const nonce = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const echoed = new Promise<void>((resolve) => {
      this.#echoes.set(nonce, resolve);
      timer = setTimeout(resolve, this.#options.commandTimeoutMs);
    });
    try {
      await this.#run((redis) => command(redis, nonce));
      await echoed;
    } finally {
      clearTimeout(timer);
      this.#echoes.delete(nonce);
    }
  }

  /** A change from any replica: "nonce\npart\nvalue" (empty value = removed; part `*` = reload). */
  #onMessage(message: string): void {
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return;
    const nonce = message.slice(0, first);
    const part = message.slice(first + 1, second);
    const json = message.slice(second + 1);
    let value: unknown;
    try {
      value = json === '' ? undefined : JSON.parse(json);
    } catch {
      return;
    }
    this.#emit(part, value);
    this.#echoes.get(nonce)?.();
  }

  #emit(part: string, value: unknown): (void | Promise<void>)[] {
    return this.#listeners.map((listener) => listener(part, value));
  }

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

  /** One `PING`: resolves when Redis answers, else a {@link StoreUnavailableError}. */
  async check(): Promise<void> {
    await this.#run((redis) => redis.ping());
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
