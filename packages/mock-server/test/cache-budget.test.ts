/**
 * The one byte budget of cached answers, all apps together: a small version of `bench/apps-memory.mjs`.
 * Many apps each asked many field sets through a budget far smaller than their answers: every answer is
 * byte for byte the one of a fake whose budget holds them all, in every order, before and after eviction.
 */
import { FIELD_NAMES, GETAPPINFO_PATH } from '@timock/schema';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server.js';
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
