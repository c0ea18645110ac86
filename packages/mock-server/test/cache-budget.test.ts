/**
 * The one byte budget of cached answers, all apps together: a small version of `bench/apps-memory.mjs`.
 * Many apps each asked many field sets through a budget far smaller than their answers: every answer is
 * byte for byte the one of a fake whose budget holds them all, in every order, before and after eviction.
 */
import { FIELD_NAMES, GETAPPINFO_PATH } from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_FIELDS, type FieldMask, fieldMask } from '../src/api/answers.js';
import { AppRegistry } from '../src/api/apps.js';
import { DAY_WIDTH } from '../src/api/dataset.js';
import { beijingDayNumber } from '../src/api/time.js';
import { resolveServerOptions } from '../src/options.js';
import { buildServer } from '../src/server.js';
import { CacheBudget, ENTRY_OVERHEAD_BYTES } from '../src/state/lru.js';
import { signedQuery } from './support.js';

const T = Date.parse('2025-03-10T04:00:00Z');
const APPS = Array.from({ length: 12 }, (_, i) => ({
  sdkappid: 1400200000 + i,
  secretKey: `budget-app-key-${i}`,
  admins: ['administrator'],
}));
const FIELDS = [...FIELD_NAMES];
/** 16 distinct field sets: every 3rd field from offset i, plus the full pull. */
const SETS = [
  undefined,
  ...Array.from({ length: 15 }, (_, i) => FIELDS.filter((_, j) => j % 3 === i % 3 && j >= i)),
];
const paths = APPS.map((app) => `/${GETAPPINFO_PATH}?${new URLSearchParams(signedQuery(app, T - 60_000))}`);

const servers: FastifyInstance[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});
const server = (cacheBudget: number) => {
  const s = buildServer({ apps: APPS, now: () => T, cacheBudget });
  servers.push(s);
  return s;
};
const ask = async (s: FastifyInstance, app: number, set: number) => {
  const fields = SETS[set];
  const res = await s.inject({
    method: 'POST',
    url: paths[app]!,
    payload: fields === undefined ? '{}' : JSON.stringify({ RequestField: fields }),
  });
  return res.rawPayload;
};

describe('one cache budget for every app', () => {
  it('answers every app and field set correctly through a budget far smaller than the answers', async () => {
    const small = server(65_536); // a handful of answers
    const large = server(64 * 1024 * 1024); // every answer
    const reference = new Map<string, Buffer>();
    let total = 0;
    for (let app = 0; app < APPS.length; app++) {
      for (let set = 0; set < SETS.length; set++) {
        const bytes = await ask(large, app, set);
        expect(JSON.parse(bytes.toString()).Result).toHaveLength(30);
        reference.set(`${app}/${set}`, bytes);
        total += bytes.length;
      }
    }
    expect(total).toBeGreaterThan(10 * 65_536); // the budget cannot hold them: eviction happens
    // Three passes in different orders (by app, by field set, interleaved with repeats).
    const orders = [
      [...reference.keys()],
      [...reference.keys()].sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1])),
      [...reference.keys()].flatMap((k, i) => (i % 5 === 0 ? [k, `0/0`, k] : [k])),
    ];
    for (const order of orders) {
      for (const key of order) {
        const [app, set] = key.split('/').map(Number);
        expect((await ask(small, app!, set!)).equals(reference.get(key)!), key).toBe(true);
      }
    }
  });

  it('refuses a budget under 64 KiB', () => {
    expect(() => buildServer({ cacheBudget: 1000 })).toThrow(/cacheBudget/);
  });
});

/** The apps' state as a server keeps it, with a byte budget of `limit`: the target of bench/apps-memory.mjs, smaller. */
const registry = (apps: number, limit: number) => {
  const options = resolveServerOptions({
    apps: Array.from({ length: apps }, (_, i) => ({
      sdkappid: 1400300000 + i,
      secretKey: `memory-key-${i}`,
      admins: ['a'],
    })),
  });
  const budget = new CacheBudget(limit);
  return { budget, apps: new AppRegistry(options.seed, options.apps, { ...options, budget }).list() };
};
const TODAY = beijingDayNumber(T);
/** A compact 30-day window as the budget counts it. */
const WINDOW_BYTES = 30 * DAY_WIDTH * 8 + ENTRY_OVERHEAD_BYTES;
const MASKS: FieldMask[] = SETS.map((set) => fieldMask(set));

describe('memory bounded whatever the number of apps', () => {
  it("counts each app's generated days in the budget, beside its answers", () => {
    const { budget, apps } = registry(3, 1024 * 1024);
    expect(budget.bytes).toBe(0); // serving an app holds no generated days until it is asked
    const full = apps[0]!.answer(TODAY, ALL_FIELDS);
    expect(budget.bytes).toBe(WINDOW_BYTES + full.length + ENTRY_OVERHEAD_BYTES);
    const two = apps[0]!.answer(TODAY, fieldMask(['ChainIncrease', 'ChainDecrease']));
    expect(budget.bytes).toBe(WINDOW_BYTES + full.length + two.length + 2 * ENTRY_OVERHEAD_BYTES);
    // The full pull answers the cached bytes themselves: no copy, no new window.
    expect(apps[0]!.answer(TODAY, ALL_FIELDS)).toBe(full);
    expect(budget.bytes).toBe(WINDOW_BYTES + full.length + two.length + 2 * ENTRY_OVERHEAD_BYTES);
    apps[0]!.dropAnswers();
    expect(budget.bytes).toBe(0);
  });

  it('keeps 48 apps x 16 field sets within a 128 KiB budget, every answer the same as with room for all', () => {
    const limit = 128 * 1024;
    const small = registry(48, limit);
    const large = registry(48, 256 * 1024 * 1024);
    const reference = large.apps.map((app) => MASKS.map((mask) => app.answer(TODAY, mask)));
    const held = reference.flat().reduce((n, b) => n + b.length + ENTRY_OVERHEAD_BYTES, 0);
    expect(large.budget.bytes).toBe(held + 48 * WINDOW_BYTES); // every window and answer counted
    expect(held).toBeGreaterThan(20 * limit); // the small budget holds under 5 % of it
    let most = 0;
    // Every app, every field set, then the full pull of every app twice (the load phase of the bench).
    const calls = [
      ...small.apps.flatMap((_, app) => MASKS.map((_, set) => [app, set] as const)),
      ...[0, 1].flatMap(() => small.apps.map((_, app) => [app, 0] as const)),
    ];
    for (const [app, set] of calls) {
      const bytes = small.apps[app]!.answer(TODAY, MASKS[set]!);
      expect(bytes.equals(reference[app]![set]!), `${app}/${set}`).toBe(true);
      most = Math.max(most, small.budget.bytes);
    }
    expect(most).toBeLessThanOrEqual(limit);
    expect(most).toBeGreaterThan(limit - 2 * (WINDOW_BYTES + reference[0]![0]!.length)); // the budget is used
  }, 60_000); // each app's first window draws its carry chain from 2015 (tens of ms per app)
});
