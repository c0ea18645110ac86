/** Times the ring holds at first (it doubles, up to the limit, as calls come). */
const INITIAL_RING = 64;

/**
 * A sliding-window rate limiter on an injected clock: at most `limit` calls are accepted within any
 * window of 1,000 ms. It keeps the times of the last `limit` accepted calls in a ring (constant memory,
 * grown on demand: a limit of 1,000,000 calls per second costs 8 MB only once that many calls came):
 * a call is accepted when fewer than `limit` calls were accepted, or the oldest of the last `limit`
 * accepted calls is at least 1,000 ms old. Refused calls do not use the budget.
 *
 * If the clock moves backwards (a test or the control plane set it back), the window starts afresh.
 */
export class SlidingWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  #times: Float64Array;
  #head = 0;
  #count = 0;
  #last = Number.NEGATIVE_INFINITY;

  /**
   * @param limit - accepted calls per window (a positive integer)
   * @param windowMs - the window length in milliseconds (default 1,000)
   */
  constructor(limit: number, windowMs = 1000) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#times = new Float64Array(Math.min(limit, INITIAL_RING));
  }

  /** Records a call at `nowMs` and returns true when it is accepted, false when it is over the limit. */
  tryAcquire(nowMs: number): boolean {
    if (nowMs < this.#last) this.reset();
    this.#last = nowMs;
    if (this.#count < this.#limit) {
      // Until the ring is full, #head is 0 and the times fill it in order.
      if (this.#count === this.#times.length) this.#grow();
      this.#times[this.#count] = nowMs;
      this.#count++;
      return true;
    }
    // Full ring: #head holds the oldest of the last `limit` accepted calls.
    if (nowMs - this.#times[this.#head]! < this.#windowMs) return false;
    this.#times[this.#head] = nowMs;
    this.#head = (this.#head + 1) % this.#limit;
    return true;
  }

  /** Doubles the ring (up to `limit`), keeping its times. */
  #grow(): void {
    const times = new Float64Array(Math.min(this.#limit, 2 * this.#times.length));
    times.set(this.#times);
    this.#times = times;
  }

  /** Forgets every accepted call. */
  reset(): void {
    this.#head = 0;
    this.#count = 0;
    this.#last = Number.NEGATIVE_INFINITY;
  }
}
