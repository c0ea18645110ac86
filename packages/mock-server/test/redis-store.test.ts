import { findRedisServer, NO_REDIS_SERVER, type RedisServer, startRedisServer } from '@timock/test-support';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isStoreUnavailable } from '../src/errors.js';
import { redactRedisUrl } from '../src/state/redis/connection.js';
import { RedisStore } from '../src/state/redis/store.js';
import type { RateLimiter } from '../src/state/store.js';

const BIN = findRedisServer();
if (BIN === undefined) console.warn(NO_REDIS_SERVER);

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://user:s3cret@127.0.0.1:6380/2')).toBe(
      'redis://user:redacted@127.0.0.1:6380/2',
    );
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url s3cret')).not.toContain('s3cret');
  });
});

describe.skipIf(BIN === undefined)('RedisStore against a real redis-server', () => {
  let redis: RedisServer;
  const lines: string[] = [];
  const log = { info: (m: string) => lines.push(`info ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
  const stores: RedisStore[] = [];
  let prefixes = 0;

  /** `n` stores sharing one key prefix, as `n` replicas would. */
  async function replicas(n: number): Promise<RedisStore[]> {
    const keyPrefix = `t${++prefixes}`;
    const made = Array.from(
      { length: n },
      () => new RedisStore({ url: redis.url, keyPrefix, commandTimeoutMs: 1000, log }),
    );
    await Promise.all(made.map((s) => s.open()));
    stores.push(...made);
    return made;
  }

  beforeAll(async () => {
    redis = await startRedisServer(BIN!);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await redis?.close();
  });

  it('accepts exactly the limit from a concurrent burst spread over three replicas', async () => {
    const limiters = (await replicas(3)).map((s) => s.limiter(1400000000, 50));
    const t = 1_700_000_000_000;
    const burst = (at: number) =>
      Promise.all(Array.from({ length: 150 }, (_, i) => limiters[i % 3]!.tryAcquire(at)));
    const count = (answers: boolean[]) => answers.filter(Boolean).length;
    expect(count(await burst(t))).toBe(50);
    expect(count(await burst(t + 999))).toBe(0);
    expect(count(await burst(t + 1000))).toBe(50);
  });

  it('sends the calls of one turn in one script call, answered in order', async () => {
    const [store] = await replicas(1);
    const evalCalls = async () => {
      const { Redis } = await import('ioredis');
      const admin = new Redis(redis.url);
      const stats = await admin.info('commandstats');
      admin.disconnect();
      return Number(/cmdstat_evalsha:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    };
    const limiter = store!.limiter(9, 3);
    const t = 1_700_000_000_000;
    await limiter.tryAcquire(t - 5000); // loads the script once
    const before = await evalCalls();
    const answers = await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.tryAcquire(t + i)));
    expect(answers).toEqual([true, true, true, false, false]);
    expect((await evalCalls()) - before).toBe(1);
  });

  it('keeps separate budgets per app and per key prefix', async () => {
    const [a] = await replicas(1);
    const [b] = await replicas(1);
    const t = 1_700_000_000_000;
    expect(await a!.limiter(1, 1).tryAcquire(t)).toBe(true);
    expect(await a!.limiter(1, 1).tryAcquire(t)).toBe(false);
    expect(await a!.limiter(2, 1).tryAcquire(t)).toBe(true);
    expect(await b!.limiter(1, 1).tryAcquire(t)).toBe(true);
  });

  it('never accepts more than the limit in any window, with replica clocks up to 20 ms apart', async () => {
    const limit = 7;
    const skew = [0, 20, -20];
    const limiters = (await replicas(3)).map((s) => s.limiter(1400000000, limit));
    const accepted: number[] = [];
    let t = 1_700_000_000_000;
    let state = 12345;
    for (let i = 0; i < 1500; i++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      t += state % 120; // bursts and gaps
      const r = state % 3;
      if (await limiters[r]!.tryAcquire(t + skew[r]!)) accepted.push(t);
    }
    expect(accepted.length).toBeGreaterThan(limit * 10);
    // In true time, a window can be short by at most the largest difference of two clocks (40 ms).
    for (let i = limit; i < accepted.length; i++) {
      expect(accepted[i]! - accepted[i - limit]!).toBeGreaterThanOrEqual(1000 - 40);
    }
  });

  it('takes a clock a little behind as skew, and a clock set back a whole window as a fresh start', async () => {
    const [store] = await replicas(1);
    const limiter: RateLimiter = store!.limiter(7, 2);
    const t = 1_700_000_000_000;
    expect(await limiter.tryAcquire(t)).toBe(true);
    expect(await limiter.tryAcquire(t + 500)).toBe(true);
    expect(await limiter.tryAcquire(t + 400)).toBe(false); // behind by 100 ms: skew, window still full
    expect(await limiter.tryAcquire(t - 500)).toBe(true); // behind the newest by 1,000 ms: set back
    expect(await limiter.tryAcquire(t - 499)).toBe(true);
    expect(await limiter.tryAcquire(t - 498)).toBe(false);
  });

  it('answers "unavailable" at once and logs one line when Redis was never reachable', async () => {
    const before = lines.length;
    const dead = new RedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'x', commandTimeoutMs: 200, log });
    stores.push(dead);
    await dead.open();
    const limiter = dead.limiter(1, 1);
    for (let i = 0; i < 5; i++) {
      const error = await Promise.resolve(limiter.tryAcquire(0)).catch((e: unknown) => e);
      expect(isStoreUnavailable(error)).toBe(true);
    }
    const mine = lines.slice(before);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatch(/^warn redis at redis:\/\/127\.0\.0\.1:1 is unreachable \(.+\); answering 70500/);
  });

  describe('shared control state', () => {
    it('gives every replica every change, in order, with read-your-writes', async () => {
      const [a, b, c] = await replicas(3);
      const seen = new Map<string, [string, unknown][]>([
        ['b', []],
        ['c', []],
      ]);
      b!.listen((part, value) => {
        seen.get('b')!.push([part, value]);
      });
      c!.listen((part, value) => {
        seen.get('c')!.push([part, value]);
      });
      let mine: unknown;
      a!.listen((part, value) => {
        if (part === 'clock') mine = value;
      });
      await a!.put('clock', { offsetMs: 5 });
      expect(mine).toEqual({ offsetMs: 5 }); // seen by the writer before put() resolved
      await b!.put('clock', { offsetMs: 6 });
      await a!.put('fault:f1', { errorCode: 70169 });
      await c!.put('clock', undefined);
      const expected = [
        ['clock', { offsetMs: 5 }],
        ['clock', { offsetMs: 6 }],
        ['fault:f1', { errorCode: 70169 }],
        ['clock', undefined],
      ];
      // c's own last change came back to c before put() resolved; b's comes on its own connection.
      expect(seen.get('c')!.filter(([p]) => p !== '*')).toEqual(expected);
      await vi.waitFor(() => expect(seen.get('b')!.filter(([p]) => p !== '*')).toEqual(expected));
      expect(await b!.snapshot()).toEqual(new Map([['fault:f1', { errorCode: 70169 }]]));
    });

    it('drops parts by prefix and tells every replica to reload', async () => {
      const [a, b] = await replicas(2);
      const events: string[] = [];
      b!.listen((part) => {
        events.push(part);
      });
      await a!.put('fault:f1', { times: 1 });
      await a!.put('fault:f2', { times: 1 });
      await a!.put('clock', { offsetMs: 1 });
      await a!.drop('fault:');
      await vi.waitFor(() => expect(events.at(-1)).toBe('*'));
      expect([...(await b!.snapshot()).keys()]).toEqual(['clock']);
    });

    it('fires a rule exactly `times` times across replicas claiming at once, and never once removed', async () => {
      const stores = await replicas(3);
      await stores[0]!.put('fault:f1', { times: 5 });
      const claims = await Promise.all(
        Array.from({ length: 90 }, (_, i) => stores[i % 3]!.claim('f1', 'fault:f1', { times: 5 })),
      );
      expect(claims.filter((n) => n > 0).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await stores[2]!.fired()).toEqual(new Map([['f1', 5]]));
      await stores[0]!.put('fault:f2', {});
      expect(await stores[1]!.claim('f2', 'fault:f2', {})).toBe(1);
      await stores[0]!.put('fault:f2', undefined);
      expect(await stores[1]!.claim('f2', 'fault:f2', {})).toBe(0);
    });

    it('draws probabilities from one seeded sequence shared by the replicas, whatever the interleaving', async () => {
      const run = async (spread: (i: number) => number) => {
        const stores = await replicas(3);
        await stores[0]!.put('fault:f1', {});
        const fired: boolean[] = [];
        for (let i = 0; i < 200; i++) {
          fired.push((await stores[spread(i)]!.claim('f1', 'fault:f1', { probability: 0.3, seed: 7 })) > 0);
        }
        return fired;
      };
      const roundRobin = await run((i) => i % 3);
      const lumpy = await run((i) => (i < 150 ? 2 : 0));
      expect(lumpy).toEqual(roundRobin);
      const n = roundRobin.filter(Boolean).length;
      expect(n).toBeGreaterThan(35);
      expect(n).toBeLessThan(85);
    });

    it('keeps one bounded journal for every replica, oldest first, numbered in order', async () => {
      const stores = await replicas(3);
      for (let i = 0; i < 150; i++) stores[i % 3]!.journalAppend({ n: i, sdkappid: 1400000000 }, 100);
      // Each store's read follows its own appends on its connection: after one read on each, all landed.
      await Promise.all(stores.map((s) => s.journalRead()));
      const entries = await stores[1]!.journalRead();
      expect(entries).toHaveLength(100);
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => 51 + i));
      expect(new Set(entries.map((e) => e.n)).size).toBe(100);
      expect(entries[0]!.sdkappid).toBe(1400000000);
      expect(await stores[2]!.journalClear()).toBe(100);
      stores[0]!.journalAppend({ n: 'after' }, 100);
      expect(await stores[0]!.journalRead()).toEqual([{ n: 'after', seq: 151 }]);
    });
  });
});
