/** The burst's judgement of time: only calls that surely reached the target within one second count. */
import { describe, expect, it } from 'vitest';
import { mostWithinOneSecond, type TimedCall } from '../src/checks/rate-limit.js';
import type { Exchange } from '../src/target.js';

const answer = {} as Exchange;
/** `n` calls, the i-th sent at `i * gapMs` and answered `latencyMs` later. */
const calls = (n: number, gapMs: number, latencyMs: number): TimedCall[] =>
  Array.from({ length: n }, (_, i) => ({ sentMs: i * gapMs, answeredMs: i * gapMs + latencyMs, answer }));

describe('mostWithinOneSecond', () => {
  it('counts every call of a burst that was sent and answered within one second', () => {
    expect(mostWithinOneSecond(calls(300, 2, 5))).toBe(300);
  });

  it('counts only the calls of a slow burst that surely fell within one second', () => {
    // One call every 10 ms, answered 50 ms later: from any call, those sent less than 940 ms after it.
    expect(mostWithinOneSecond(calls(300, 10, 50))).toBe(94);
  });

  it('counts no call whose answer came a second or more after the first one was sent', () => {
    expect(mostWithinOneSecond(calls(3, 0, 1000))).toBe(0);
    expect(mostWithinOneSecond([])).toBe(0);
  });
});
