import type { RateLimiter } from '../store.js';
import type { RedisConnection, RedisScript } from './connection.js';
import ACQUIRE_LUA from './rate-limit-acquire.lua';

/** The window of the API's rate limit, ms. */
const WINDOW_MS = 1000;

/** Rate-limit calls waiting to go to Redis together: their times, and who waits for each answer. */
interface AcquireBatch {
  nows: string[];
  waiters: { resolve(accepted: boolean): void; reject(error: unknown): void }[];
}

/**
 * The rate limits in Redis: one sliding-window limiter per app (`<prefix>:rate:<sdkappid>`), shared by
 * every replica on the same Redis and key prefix. Each call is judged atomically by a script.
 */
export class RedisRateLimits {
  readonly #connection: RedisConnection;
  readonly #acquire: RedisScript<number[]>;
  /** Rate-limit calls of this turn of the event loop not sent yet, by key and limit. */
  readonly #acquires = new Map<string, AcquireBatch>();

  constructor(connection: RedisConnection) {
    this.#connection = connection;
    this.#acquire = connection.script('timockAcquire', 1, ACQUIRE_LUA);
  }

  /**
   * The limiter of one app: `limit` accepted calls per sliding 1,000 ms window. The calls this replica
   * receives in one turn of its event loop go to Redis together, in one script call (one round trip
   * for all of them, in the order they came).
   */
  limiter(sdkappid: number, limit: number): RateLimiter {
    const key = this.#connection.key(`rate:${sdkappid}`);
    const batchKey = `${key}|${limit}`;
    return {
      tryAcquire: (nowMs) =>
        new Promise<boolean>((resolve, reject) => {
          let batch = this.#acquires.get(batchKey);
          if (batch === undefined) {
            const created: AcquireBatch = { nows: [], waiters: [] };
            this.#acquires.set(batchKey, created);
            setImmediate(() => this.#send(batchKey, key, limit, created));
            batch = created;
          }
          batch.nows.push(String(nowMs));
          batch.waiters.push({ resolve, reject });
        }),
    };
  }

  #send(batchKey: string, key: string, limit: number, batch: AcquireBatch): void {
    this.#acquires.delete(batchKey);
    this.#acquire([key], [limit, WINDOW_MS, ...batch.nows]).then(
      (answers) => {
        for (const [i, w] of batch.waiters.entries()) w.resolve(answers[i] === 1);
      },
      (error: unknown) => {
        for (const w of batch.waiters) w.reject(error);
      },
    );
  }
}
