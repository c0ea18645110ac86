import { describe, expect, it } from 'vitest';
import { ServerClock } from './clock.js';

describe('ServerClock', () => {
  let real = 1_000_000;
  const clock = new ServerClock(() => real);

  it('follows its base clock until set, and again after a reset', () => {
    expect(clock.now()).toBe(1_000_000);
    real += 5;
    expect(clock.state()).toEqual({ now: new Date(1_000_005).toISOString(), frozen: false, offsetMs: 0 });
  });

  it('freezes at an instant and moves only when told', () => {
    clock.set({ now: '2025-03-10T12:00:00+08:00' });
    const at = Date.parse('2025-03-10T04:00:00Z');
    real += 1000;
    expect(clock.now()).toBe(at);
    expect(clock.advance(-60_000).now).toBe(new Date(at - 60_000).toISOString());
    expect(clock.state().frozen).toBe(true);
  });

  it('runs from an instant, or with an offset, as the base clock moves', () => {
    clock.set({ now: '2025-03-10T04:00:00Z', freeze: false });
    real += 250;
    expect(clock.now()).toBe(Date.parse('2025-03-10T04:00:00Z') + 250);
    clock.set({ offsetMs: -1000 });
    expect(clock.now()).toBe(real - 1000);
    clock.set({ advanceMs: 500 });
    expect(clock.now()).toBe(real - 500);
    expect(clock.state()).toMatchObject({ frozen: false, offsetMs: -500 });
    expect(clock.reset().offsetMs).toBe(0);
    expect(clock.now()).toBe(real);
  });
});
