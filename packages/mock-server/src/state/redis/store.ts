import type { RateLimiter, SharedControl, SharedJournalEntry, StateStore } from '../store.js';
import { RedisConnection, type RedisStoreOptions } from './connection.js';
import { RedisControl } from './control.js';
import { RedisJournal } from './journal.js';
import { RedisRateLimits } from './rate-limit.js';

/**
 * A {@link StateStore} (and its {@link SharedControl}) in Redis, shared by every replica that uses the
 * same Redis and key prefix. It holds call times, control parts (fault rules, clock, day overrides) and
 * journal entries: never a secret key, a UserSig or a request's URL or body.
 *
 * While Redis cannot be reached, every call through the store rejects with a `StoreUnavailableError`
 * (the server answers 70500; it never falls back to a local budget). It logs one line when an outage
 * starts and one when Redis is back, and reconnects by itself.
 */
export class RedisStore implements StateStore, SharedControl {
  readonly #connection: RedisConnection;
  readonly #rateLimits: RedisRateLimits;
  readonly #control: RedisControl;
  readonly #journal: RedisJournal;

  /** A store with a connection of its own, made from `options` (it connects in {@link RedisStore.open}). */
  constructor(options: RedisStoreOptions) {
    const connection = new RedisConnection(options);
    this.#connection = connection;
    this.#rateLimits = new RedisRateLimits(connection);
    this.#control = new RedisControl(connection);
    this.#journal = new RedisJournal(connection);
  }

  /** This store: it implements {@link SharedControl}. */
  get control(): SharedControl {
    return this;
  }

  /** The limiter of one app; the calls of one turn of the event loop go to Redis in one script call. */
  limiter(sdkappid: number, limit: number): RateLimiter {
    return this.#rateLimits.limiter(sdkappid, limit);
  }

  /** Loads the client library (only when Redis is used) and connects; an unreachable Redis is logged, not thrown. */
  open(): Promise<void> {
    return this.#connection.open();
  }

  /** Disconnects; the store answers no more calls. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  /** One `PING`: resolves when Redis answers, else a `StoreUnavailableError`. */
  async check(): Promise<void> {
    await this.#connection.run((redis) => redis.ping());
  }

  /** See {@link SharedControl.put}. */
  put(part: string, value: unknown): Promise<void> {
    return this.#control.put(part, value);
  }

  /** See {@link SharedControl.drop}. */
  drop(prefix: string, options?: { counters?: boolean }): Promise<void> {
    return this.#control.drop(prefix, options);
  }

  /** See {@link SharedControl.snapshot}. */
  snapshot(): Promise<Map<string, unknown>> {
    return this.#control.snapshot();
  }

  /** See {@link SharedControl.listen}. */
  listen(listener: (part: string, value: unknown) => void | Promise<void>): void {
    this.#control.listen(listener);
  }

  /** See {@link SharedControl.claim}. */
  claim(
    id: string,
    part: string,
    rule: { times?: number; probability?: number; seed?: number },
  ): Promise<number> {
    return this.#control.claim(id, part, rule);
  }

  /** See {@link SharedControl.fired}. */
  fired(): Promise<Map<string, number>> {
    return this.#control.fired();
  }

  /** Queues the entry; the queue goes to Redis in one script call per turn of the event loop. */
  journalAppend(entry: SharedJournalEntry, capacity: number): void {
    this.#journal.journalAppend(entry, capacity);
  }

  /** See {@link SharedControl.journalRead}. */
  journalRead(): Promise<(SharedJournalEntry & { seq: number })[]> {
    return this.#journal.journalRead();
  }

  /** See {@link SharedControl.journalClear}. */
  journalClear(): Promise<number> {
    return this.#journal.journalClear();
  }
}
