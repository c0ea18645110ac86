import type { Sleep } from './options.js';

/** The window of the throttle, in ms. */
const WINDOW_MS = 1000;

/**
 * A client-side throttle: never more than `limit` grants in any 1 s window (a sliding-window log of the
 * last `limit` grant times, checked with the injected clock). Waiters are served first in, first out.
 */
export class Throttle {
  readonly #limit: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  /** Ring of the last `limit` grant times; `#next` is the oldest slot. */
  readonly #grants: number[] = [];
  #next = 0;
  readonly #queue: Array<{ resolve: () => void; reject: (err: unknown) => void; signal?: AbortSignal }> = [];
  #pumping = false;
  readonly #closed = new AbortController();

  constructor(limit: number, now: () => number, sleep: Sleep) {
    this.#limit = limit;
    this.#now = now;
    this.#sleep = sleep;
  }

  /**
   * Resolves when a request may start; rejects with `signal.reason` if `signal` aborts first, or with
   * the reason given to {@link close}.
   */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#closed.signal.aborted) return Promise.reject(this.#closed.signal.reason);
    if (this.#queue.length === 0 && this.#tryGrant()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        reject: (err: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
        signal,
      };
      const onAbort = () => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      void this.#pump();
    });
  }

  /** Rejects every waiter with `reason` and refuses new ones. */
  close(reason: unknown): void {
    this.#closed.abort(reason);
    for (const waiter of this.#queue.splice(0)) waiter.reject(reason);
  }

  #tryGrant(): boolean {
    const t = this.#now();
    const oldest = this.#grants[this.#next];
    if (oldest !== undefined && t - oldest < WINDOW_MS) return false;
    this.#grants[this.#next] = t;
    this.#next = (this.#next + 1) % this.#limit;
    return true;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        if (this.#tryGrant()) {
          this.#queue.shift()?.resolve();
          continue;
        }
        const oldest = this.#grants[this.#next] ?? 0;
        await this.#sleep(Math.max(1, oldest + WINDOW_MS - this.#now()), this.#closed.signal);
      }
    } catch {
      // closed: close() has rejected the waiters already
    } finally {
      this.#pumping = false;
    }
  }
}
