import type { SharedControl, SharedJournalEntry } from '../store.js';
import type { RedisConnection, RedisScript } from './connection.js';
import APPEND_LUA from './journal-append.lua';
import CLEAR_LUA from './journal-clear.lua';

/** Most journal entries sent in one script call. */
const JOURNAL_BATCH = 1000;

/**
 * The journal shared by every replica: one bounded list in Redis (`<prefix>:journal`, newest first,
 * each item "seq|json") numbered by `<prefix>:journal:seq`. The journal half of {@link SharedControl}.
 */
export class RedisJournal implements Pick<SharedControl, 'journalAppend' | 'journalRead' | 'journalClear'> {
  readonly #connection: RedisConnection;
  readonly #append: RedisScript<number>;
  readonly #clear: RedisScript<number>;
  /** Journal entries (JSON) not sent yet: never more than the journal keeps. */
  #queue: string[] = [];
  #capacity = 1;
  /** The running flush of the queue, if any. */
  #flush: Promise<void> | undefined;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
    this.#append = connection.script('timockJournal', 2, APPEND_LUA);
    this.#clear = connection.script('timockJournalClear', 1, CLEAR_LUA);
  }

  /**
   * Queues the entry; the queue goes to Redis in one script call per turn of the event loop (so the
   * cost is per batch, not per request), and holds at most `capacity` entries: when Redis is slow or
   * unreachable the oldest are dropped, as the journal itself would drop them.
   */
  journalAppend(entry: SharedJournalEntry, capacity: number): void {
    const queue = this.#queue;
    queue.push(JSON.stringify(entry));
    if (queue.length > capacity) queue.splice(0, queue.length - capacity);
    this.#capacity = capacity;
    this.#flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#flushQueue());
  }

  async #flushQueue(): Promise<void> {
    const keys = [this.#connection.key('journal'), this.#connection.key('journal:seq')];
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, JOURNAL_BATCH);
        // Lost while Redis is unreachable (the connection logs the outage once).
        await this.#append(keys, [this.#capacity, ...batch]).catch(() => undefined);
      }
    } finally {
      this.#flush = undefined;
    }
  }

  async journalRead(): Promise<(SharedJournalEntry & { seq: number })[]> {
    await this.#flush; // this replica's own entries first
    const items = await this.#connection.run((redis) => redis.lrange(this.#connection.key('journal'), 0, -1));
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
    await this.#flush;
    return this.#clear([this.#connection.key('journal')], []);
  }
}
