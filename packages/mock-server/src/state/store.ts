import { SlidingWindowLimiter } from './sliding-window.js';

/**
 * One app's rate limiter behind the state-store seam. The in-memory limiter answers synchronously (no
 * Promise on the default hot path); a shared store answers with a Promise, which rejects with a
 * {@link StoreUnavailableError} while the store cannot be reached.
 */
export interface RateLimiter {
  /** Records a call at `nowMs` (the server's clock, epoch ms): `true` when accepted, `false` when over the limit. */
  tryAcquire(nowMs: number): boolean | Promise<boolean>;
}

/** One request in a shared journal, as stored: the journal entry without its `seq` (the store assigns it). */
export type SharedJournalEntry = Readonly<Record<string, unknown>>;

/**
 * The control plane's state shared by replicas: named JSON parts (a fault rule, the clock, an app's day
 * overrides), never a secret; atomic firing counters for fault rules; a bounded journal. Every change
 * reaches every replica's listener, in the order the changes were made.
 */
export interface SharedControl {
  /**
   * Sets (`value`) or removes (`undefined`) one part and tells every replica. Resolves once this
   * replica's own listener has seen the change (read-your-writes).
   */
  put(part: string, value: unknown): Promise<void>;
  /** Removes every part whose name starts with `prefix` (and, with `counters`, every firing counter); tells every replica to reload. */
  drop(prefix: string, options?: { counters?: boolean }): Promise<void>;
  /** Every part, by name. */
  snapshot(): Promise<Map<string, unknown>>;
  /**
   * Listens to changes: `(part, value)` for a set, `(part, undefined)` for a removal, and `('*', undefined)`
   * when the listener must reload the whole {@link SharedControl.snapshot} (after a drop, or a (re)connect,
   * when changes may have been missed). A listener may return a Promise: the store's `open()` waits
   * for the first reload.
   */
  listen(listener: (part: string, value: unknown) => void | Promise<void>): void;
  /**
   * Claims one firing of fault rule `id` (stored as part `part`) for every replica together: `times`
   * caps the firings, `probability` draws from one sequence seeded with `seed` and shared by all.
   *
   * @returns the rule's firings so far including this one, or 0 when it does not fire (used up, drawn
   *   out, or removed)
   */
  claim(
    id: string,
    part: string,
    rule: { times?: number; probability?: number; seed?: number },
  ): Promise<number>;
  /** How many times each rule fired, across every replica. */
  fired(): Promise<Map<string, number>>;
  /** Appends a journal entry (keeping the newest `capacity`); never waits and never fails the request. */
  journalAppend(entry: SharedJournalEntry, capacity: number): void;
  /** The journal, oldest first, each entry with its `seq`. */
  journalRead(): Promise<(SharedJournalEntry & { seq: number })[]>;
  /** Empties the journal (sequence numbers keep counting); resolves to how many entries it held. */
  journalClear(): Promise<number>;
}

/**
 * Where a server keeps the state that several replicas must share: the rate-limit counters (and, with
 * the control plane, its fault rules, journal, data overrides and clock offset). Generated data is not
 * here: it is deterministic from the seed, so every replica computes the same.
 */
export interface StateStore {
  /** The limiter of one app: `limit` accepted calls per sliding 1,000 ms window. */
  limiter(sdkappid: number, limit: number): RateLimiter;
  /** The control plane's shared state; `undefined` in memory (each server keeps its own). */
  readonly control: SharedControl | undefined;
  /** Connects. Resolves even when the store is unreachable (that outage is logged and answered with 70500). */
  open(): Promise<void>;
  /** Disconnects; the store answers no more calls. */
  close(): Promise<void>;
  /** Resolves when the store answers now; rejects with a {@link StoreUnavailableError} when it cannot. */
  check(): Promise<void>;
}

/** The default store: everything in this process, synchronous, no dependency. */
export class MemoryStore implements StateStore {
  readonly control = undefined;

  /** A {@link SlidingWindowLimiter} of its own. */
  limiter(_sdkappid: number, limit: number): RateLimiter {
    return new SlidingWindowLimiter(limit);
  }

  /** Nothing to connect. */
  async open(): Promise<void> {}

  /** Nothing to close. */
  async close(): Promise<void> {}

  /** Always reachable. */
  async check(): Promise<void> {}
}
