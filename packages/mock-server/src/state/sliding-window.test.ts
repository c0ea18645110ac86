import { describe, expect, it } from 'vitest';
import { SlidingWindowLimiter } from './sliding-window.js';

describe('SlidingWindowLimiter', () => {
  it('accepts 200 and refuses the 201st within one clock second, accepting again a second later', () => {
    const limiter = new SlidingWindowLimiter(200);
    const t = 1_700_000_000_000;
    for (let i = 0; i < 200; i++) expect(limiter.tryAcquire(t + i)).toBe(true);
    expect(limiter.tryAcquire(t + 500)).toBe(false);
    expect(limiter.tryAcquire(t + 999)).toBe(false);
    // The first call leaves the window at t + 1000, the second at t + 1001, ...
    expect(limiter.tryAcquire(t + 1000)).toBe(true);
    expect(limiter.tryAcquire(t + 1000)).toBe(false);
    expect(limiter.tryAcquire(t + 1001)).toBe(true);
    expect(limiter.tryAcquire(t + 1001)).toBe(false);
  });

  it('never accepts more than the limit within any 1,000 ms window (sliding, not fixed)', () => {
    const limit = 7;
    const limiter = new SlidingWindowLimiter(limit);
    const accepted: number[] = [];
    let t = 0;
    let state = 12345;
    for (let i = 0; i < 5000; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      t += state % 120; // bursts and gaps
      if (limiter.tryAcquire(t)) accepted.push(t);
    }
    for (let i = limit; i < accepted.length; i++) {
      expect(accepted[i]! - accepted[i - limit]!).toBeGreaterThanOrEqual(1000);
    }
    // A fixed window would let 2 x limit through around a boundary: this one does not.
    const edge = new SlidingWindowLimiter(limit);
    let n = 0;
    for (let i = 0; i < limit; i++) if (edge.tryAcquire(999)) n++;
    for (let i = 0; i < limit; i++) if (edge.tryAcquire(1000)) n++;
    expect(n).toBe(limit);
  });

  it('does not count refused calls against the budget', () => {
    const limiter = new SlidingWindowLimiter(2);
    expect(limiter.tryAcquire(0)).toBe(true);
    expect(limiter.tryAcquire(10)).toBe(true);
    for (let i = 0; i < 100; i++) expect(limiter.tryAcquire(500)).toBe(false);
    expect(limiter.tryAcquire(1000)).toBe(true);
    expect(limiter.tryAcquire(1009)).toBe(false);
    expect(limiter.tryAcquire(1010)).toBe(true);
  });

  it('starts afresh when the clock moves backwards, and on reset', () => {
    const limiter = new SlidingWindowLimiter(1);
    expect(limiter.tryAcquire(10_000)).toBe(true);
    expect(limiter.tryAcquire(10_500)).toBe(false);
    expect(limiter.tryAcquire(5_000)).toBe(true);
    limiter.reset();
    expect(limiter.tryAcquire(5_001)).toBe(true);
    expect(() => new SlidingWindowLimiter(0)).toThrow(RangeError);
  });
});
