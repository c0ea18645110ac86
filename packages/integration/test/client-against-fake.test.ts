/**
 * `@timock/client` against the real fake, `@timock/mock-server`, started in-process on port 0. (A
 * cross-package suite: it lives here so that the client does not depend on the fake, which records
 * through the client.)
 */
import {
  createClient,
  isAuthError,
  isRateLimited,
  type Sleep,
  signUserSig,
  type TimClient,
} from '@timock/client';
import { type AppConfig, type ClockControls, DEMO_APP, startServer } from '@timock/mock-server';
import { FIELD_NAMES } from '@timock/schema';
import { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A client `sleep` on the fake's frozen clock: sleepers wake one at a time in the order of their
 * wake-up times, each after `settle()` (by default one event-loop turn), the clock jumping forward to
 * the wake-up time. No real time passes. (These tests never abort a sleep once it started.)
 */
function sleepOn(clock: ClockControls, settle: () => Promise<void> = nextTurn): Sleep {
  const queue: { at: number; wake: () => void }[] = [];
  let running = false;
  const drain = async () => {
    running = true;
    for (let next = queue.shift(); next; next = queue.shift()) {
      await settle();
      if (next.at > clock.now()) clock.set({ now: next.at });
      next.wake();
      queue.sort((a, b) => a.at - b.at);
    }
    running = false;
  };
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      queue.push({ at: clock.now() + ms, wake: resolve });
      queue.sort((a, b) => a.at - b.at);
      if (!running) void drain();
    });
}

describe('against @timock/mock-server', () => {
  const start = (options: Parameters<typeof startServer>[0] = {}) =>
    startServer({ host: '127.0.0.1', port: 0, seed: 1, ...options });

  let server: Awaited<ReturnType<typeof startServer>>;
  const clients: TimClient[] = [];
  const client = (options: Partial<Parameters<typeof createClient>[0]> = {}) => {
    const c = createClient({
      sdkappid: DEMO_APP.sdkappid,
      secretKey: DEMO_APP.secretKey,
      baseUrl: server.url,
      ...options,
    } as Parameters<typeof createClient>[0]);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await start();
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
  });

  it('pulls every field of up to 30 days, newest first', async () => {
    const days = await client().getAppInfo();
    expect(days.length).toBeGreaterThan(0);
    expect(days.length).toBeLessThanOrEqual(30);
    for (const day of days) {
      for (const f of FIELD_NAMES) expect(typeof day[f]).toBe('string');
      expect(day).toMatchObject({
        AppName: DEMO_APP.appName,
        Company: DEMO_APP.company,
        AppId: String(DEMO_APP.sdkappid),
      });
    }
    const dates = days.map((d) => d.Date);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it('pulls a field subset typed to those fields', async () => {
    const days = await client().getAppInfo({ fields: ['ChainIncrease', 'ChainDecrease'] });
    expect(days.length).toBeGreaterThan(0);
    for (const day of days) {
      expect(Object.keys(day).sort()).toEqual(['ChainDecrease', 'ChainIncrease', 'Date']);
      expect(day.ChainIncrease).toMatch(/^\d+$/);
    }
  });

  it('maps every auth failure to isAuthError with the documented code, without retrying', async () => {
    const now = Date.now();
    const sig = (identifier: string, sdkappid: number, key = DEMO_APP.secretKey) =>
      signUserSig({ sdkappid, secretKey: key, identifier, lifetimeSeconds: 86400, nowMs: now });
    const cases: Array<[number, Partial<Parameters<typeof createClient>[0]>]> = [
      [70001, { now: () => now - 2 * 86_400_000 }], // signed two days ago for one day
      [70009, { secretKey: 'another key' }],
      [
        70013,
        { secretKey: undefined, identifier: 'someone', userSig: sig('administrator', DEMO_APP.sdkappid) },
      ],
      [70014, { secretKey: undefined, userSig: sig('administrator', DEMO_APP.sdkappid + 1) }],
      [60010, { identifier: 'alice' }],
      [70020, { sdkappid: 1400009999 }],
      [70003, { secretKey: undefined, userSig: 'not-a-usersig' }],
    ];
    for (const [code, options] of cases) {
      const err = await client(options)
        .getAppInfo()
        .catch((e: unknown) => e);
      expect(isAuthError(err), String(code)).toBe(true);
      expect(err).toMatchObject({ code, attempts: 1 });
    }
  });

  it('retries 60007 until the next second lets the call through', async () => {
    const app: AppConfig = { ...DEMO_APP, sdkappid: 1400000077, rateLimitPerSecond: 5 };
    const limited = await start({ apps: [app] });
    const { clock } = limited;
    clock.set({ now: Date.now() });
    try {
      const options = {
        sdkappid: app.sdkappid,
        baseUrl: limited.url,
        rateLimitPerSecond: false as const,
        now: clock.now,
        sleep: sleepOn(clock),
      };
      const noRetry = client({ ...options, retry: false });
      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => noRetry.getAppInfo()));
      const refused = outcomes.filter((o) => o.status === 'rejected' && isRateLimited(o.reason));
      expect(refused).toHaveLength(5);

      clock.advance(1000);
      const retrying = client({ ...options, retry: { retries: 6, random: () => 0.999 } });
      const days = await Promise.all(Array.from({ length: 10 }, () => retrying.getAppInfo()));
      expect(days).toHaveLength(10);
    } finally {
      await limited.close();
    }
  });

  it('keeps a burst of 500 calls under the API limit with the client throttle', async () => {
    const fake = await start();
    const { clock } = fake;
    clock.set({ now: Date.now() });
    // The fake clock may only move once the requests already sent have been answered: real latency is
    // far below a second, while a fake clock could otherwise jump a whole second mid-flight.
    const pool = new Pool(fake.url);
    const sleep = sleepOn(clock, async () => {
      do await nextTurn();
      while (pool.stats.size > 0);
    });
    try {
      const t0 = clock.now();
      const c = client({ baseUrl: fake.url, dispatcher: pool, now: clock.now, sleep, retry: false });
      const results = await Promise.all(
        Array.from({ length: 500 }, () => c.getAppInfo({ fields: ['ActiveUserNum'] })),
      );
      // retry: false, so a single 60007 from the fake (200 per second, same clock) would fail the burst
      expect(results).toHaveLength(500);
      expect(clock.now() - t0).toBe(2000); // 200 + 200 + 100 calls: two waits of one second
    } finally {
      await pool.close();
      await fake.close();
    }
  });
});
