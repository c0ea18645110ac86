import type { ClockInput, ClockState } from '@timock/schema';

/**
 * The server's clock: the `now` option (real time by default), optionally frozen or shifted by the
 * control plane. Every time-based rule of the fake reads {@link ServerClock.now}: UserSig expiry, the
 * rate-limit windows, the 30-day window, fault lifetimes and journal times. One per server.
 *
 * @example
 * const clock = new ServerClock(Date.now);
 * clock.set({ now: '2025-03-10T12:00:00+08:00' }); // frozen there
 * clock.advance(86_400_000);                        // one day later, still frozen
 * clock.reset();                                    // real time again
 */
export class ServerClock {
  readonly #base: () => number;
  /** The frozen instant, epoch ms; NaN while running. */
  #frozen = Number.NaN;
  #offset = 0;

  /** @param base - the clock the server was given (epoch ms) */
  constructor(base: () => number) {
    this.#base = base;
  }

  /** The server's time, epoch ms. A bound function: pass it around as `clock.now`. */
  readonly now = (): number => (!Number.isNaN(this.#frozen) ? this.#frozen : this.#base() + this.#offset);

  /** Freezes at (or, with `freeze: false`, jumps to and runs from) an instant, runs with an offset, or moves by `advanceMs`. */
  set(input: ClockInput): ClockState {
    if ('now' in input) {
      const at = Date.parse(input.now);
      if (input.freeze === false) {
        this.#frozen = Number.NaN;
        this.#offset = at - this.#base();
      } else {
        this.#frozen = at;
      }
    } else if ('offsetMs' in input) {
      this.#frozen = Number.NaN;
      this.#offset = input.offsetMs;
    } else {
      this.advance(input.advanceMs);
    }
    return this.state();
  }

  /** Moves the clock by `ms` (negative: back), frozen or running. */
  advance(ms: number): ClockState {
    if (!Number.isNaN(this.#frozen)) this.#frozen += ms;
    else this.#offset += ms;
    return this.state();
  }

  /** Back to the base clock: running, no offset. */
  reset(): ClockState {
    this.#frozen = Number.NaN;
    this.#offset = 0;
    return this.state();
  }

  /** The clock as the admin API shows it. */
  state(): ClockState {
    const now = this.now();
    return {
      now: new Date(now).toISOString(),
      frozen: !Number.isNaN(this.#frozen),
      offsetMs: Math.round(now - this.#base()),
    };
  }
}
