import { SlidingWindowLimiter } from './rate-limit.js';

/**
 * One app's rate limiter behind the state-store seam. The in-memory limiter answers synchronously (no
 * Promise on the default hot path); a shared store answers with a Promise, which rejects with a
 * {@link StoreUnavailableError} while the store cannot be reached.
 */
export interface RateLimiter {
  /** Records a call at `nowMs` (the server's clock, epoch ms): `true` when accepted, `false` when over the limit. */
  tryAcquire(nowMs: number): boolean | Promise<boolean>;
}

/**
 * Where a server keeps the state that several replicas must share: the rate-limit counters (and, with
 * the control plane, its fault rules, journal, data overrides and clock offset). Generated data is not
 * here: it is deterministic from the seed, so every replica computes the same.
 */
export interface StateStore {
  /** `memory` (one process, the default) or `redis` (shared by every replica using the same Redis and key prefix). */
  readonly kind: 'memory' | 'redis';
  /** The limiter of one app: `limit` accepted calls per sliding 1,000 ms window. */
  limiter(sdkappid: number, limit: number): RateLimiter;
  /** Connects. Resolves even when the store is unreachable (that outage is logged and answered with 70500). */
  open(): Promise<void>;
  /** Disconnects; the store answers no more calls. */
  close(): Promise<void>;
}

/** A shared store could not answer (unreachable, timed out): the request is answered with 70500. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  /** Always `TIMOCK_STORE_UNAVAILABLE`. */
  readonly code = 'TIMOCK_STORE_UNAVAILABLE';
}

/** True for a {@link StoreUnavailableError} (recognised by its `code`). */
export function isStoreUnavailable(error: unknown): error is StoreUnavailableError {
  return (error as { code?: unknown } | null)?.code === 'TIMOCK_STORE_UNAVAILABLE';
}

/** The default store: everything in this process, synchronous, no dependency. */
export class MemoryStore implements StateStore {
  readonly kind = 'memory';

  /** A {@link SlidingWindowLimiter} of its own. */
  limiter(_sdkappid: number, limit: number): RateLimiter {
    return new SlidingWindowLimiter(limit);
  }

  /** Nothing to connect. */
  async open(): Promise<void> {}

  /** Nothing to close. */
  async close(): Promise<void> {}
}
