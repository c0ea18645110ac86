import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  findRedisServer,
  NO_REDIS_SERVER,
  type RedisServer,
  startRedisServer,
} from '../test/redis-server.js';
import { RedisStore, redactRedisUrl } from './redis-store.js';
import { isStoreUnavailable, type RateLimiter } from './store.js';

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
});
