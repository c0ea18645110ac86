import { describe, expect, it } from 'vitest';
import { fakeClock, maxPerWindow } from '../test/helpers.js';
import { Throttle } from './throttle.js';

describe('maxPerWindow', () => {
  it('counts a window as half-open', () => {
    expect(maxPerWindow([0, 999, 1000])).toBe(2);
    expect(maxPerWindow([0, 1, 2, 1001])).toBe(3);
  });
});

describe('Throttle', () => {
  it('grants a burst of 500 at most 200 per 1 s window, in order, without real waits', async () => {
    const clock = fakeClock(0);
    const throttle = new Throttle(200, clock.now, clock.sleep);
    const granted: Array<{ i: number; at: number }> = [];
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        throttle.acquire().then(() => granted.push({ i, at: clock.now() })),
      ),
    );
    expect(granted.map((g) => g.i)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    const times = granted.map((g) => g.at);
    expect(maxPerWindow(times)).toBe(200);
    // 200 at once, 200 a second later, 100 a second after that: no slower than needed.
    expect(times.filter((t) => t === 0)).toHaveLength(200);
    expect(times.at(-1)).toBe(2000);
  });

  it('spreads grants over a sliding window, not fixed seconds', async () => {
    const clock = fakeClock(0);
    const throttle = new Throttle(2, clock.now, clock.sleep);
    await throttle.acquire(); // t=0
    clock.advance(600);
    await throttle.acquire(); // t=600
    await throttle.acquire(); // waits to t=1000 (a fixed-second counter would also allow t=1000)
    expect(clock.now()).toBe(1000);
    await throttle.acquire(); // must wait for 600 + 1000
    expect(clock.now()).toBe(1600);
  });

  it('drops an aborted waiter without using its slot', async () => {
    const clock = fakeClock(0);
    const throttle = new Throttle(1, clock.now, clock.sleep);
    await throttle.acquire();
    const controller = new AbortController();
    const aborted = throttle.acquire(controller.signal);
    const next = throttle.acquire();
    controller.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
    await next;
    expect(clock.now()).toBe(1000);
    await expect(throttle.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
  });

  it('rejects waiters and new calls once closed', async () => {
    const clock = fakeClock(0);
    const throttle = new Throttle(1, clock.now, clock.sleep);
    await throttle.acquire();
    const waiting = throttle.acquire();
    throttle.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(throttle.acquire()).rejects.toThrow('closed');
  });
});
