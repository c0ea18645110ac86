import { describe, expect, it } from 'vitest';
import { fakeClock } from '../test/helpers.js';
import { TimApiError, TimTransportError } from './errors.js';
import type { ResolvedRetryOptions } from './options.js';
import { backoffDelay, withRetry } from './retry.js';

const policy = (over: Partial<ResolvedRetryOptions> = {}): ResolvedRetryOptions => ({
  retries: 3,
  minDelayMs: 100,
  maxDelayMs: 2000,
  deadlineMs: 20_000,
  random: () => 0.999,
  ...over,
});

describe('backoffDelay', () => {
  it('is full jitter under a doubling cap, bounded by maxDelayMs', () => {
    const p = policy({ maxDelayMs: 500 });
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, { ...p, random: () => 0.999999 }))).toEqual([
      99, 199, 399, 499, 499,
    ]);
    expect(backoffDelay(3, { ...p, random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { ...p, random: () => 0.5 })).toBe(200);
  });
});

describe('withRetry', () => {
  const rateLimited = () => new TimApiError(60007, 'too many');

  it('retries retryable errors with backoff, then succeeds', async () => {
    const clock = fakeClock(0);
    let calls = 0;
    const result = await withRetry(
      async ({ attempt }) => {
        expect(attempt).toBe(calls);
        if (++calls < 3) throw rateLimited();
        return 'done';
      },
      policy({ random: () => 0.5 }),
      clock,
    );
    expect(result).toBe('done');
    expect(clock.sleeps).toEqual([50, 100]);
  });

  it('gives up after `retries` retries and reports the attempts', async () => {
    const clock = fakeClock(0);
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TimTransportError('TIM_ERR_HTTP_STATUS', '503', { status: 503, retryable: true });
      },
      policy({ retries: 2 }),
      clock,
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toMatchObject({ status: 503, attempts: 3 });
  });

  it('never retries an error that is not retryable', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new TimApiError(70001, 'expired');
      },
      policy(),
      fakeClock(0),
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toMatchObject({ code: 70001, attempts: 1 });
    let plain = 0;
    await expect(
      withRetry(
        async () => {
          plain++;
          throw new Error('not ours');
        },
        policy(),
        fakeClock(0),
      ),
    ).rejects.toThrow('not ours');
    expect(plain).toBe(1);
  });

  it('stops when the next retry would start after the deadline, and tells attempts the time left', async () => {
    const clock = fakeClock(0);
    const remaining: number[] = [];
    const err = await withRetry(
      async ({ remainingMs }) => {
        remaining.push(remainingMs);
        clock.advance(400); // each attempt takes 400 ms
        throw rateLimited();
      },
      policy({ retries: 10, deadlineMs: 1000, random: () => 0.999 }),
      clock,
    ).catch((e: unknown) => e);
    // attempt 1 at 0 (400 ms), waits 99 -> attempt 2 at 499 (ends 899); 899 + 199 > 1000: stop.
    expect(remaining).toEqual([1000, 501]);
    expect(err).toMatchObject({ code: 60007, attempts: 2 });
  });

  it('stops at once with the signal’s reason when aborted during the backoff', async () => {
    const clock = fakeClock(0);
    const controller = new AbortController();
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        queueMicrotask(() => controller.abort(new Error('user gave up')));
        throw rateLimited();
      },
      policy(),
      clock,
      controller.signal,
    );
    await expect(run).rejects.toThrow('user gave up');
    expect(calls).toBe(1);
  });
});
