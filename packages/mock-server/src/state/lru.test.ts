import { describe, expect, it } from 'vitest';
import { BudgetedLru, CacheBudget, ENTRY_OVERHEAD_BYTES, LruCache } from './lru.js';

describe('LruCache', () => {
  it('keeps at most `max` entries, dropping the least recently used', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // drops b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.set('c', 4); // update, no eviction
    expect(cache.size).toBe(2);
    expect(cache.get('c')).toBe(4);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(() => new LruCache(0)).toThrow(RangeError);
  });

  it('keeps the recency order when the newest entry is read again, or read after a clear', () => {
    const cache = new LruCache<string, number>(3);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect(cache.get('c')).toBe(3);
    expect(cache.get('c')).toBe(3);
    cache.set('d', 4); // drops a, the least recent
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toBe(2); // b is now the newest
    cache.set('e', 5); // drops c
    expect(cache.get('c')).toBeUndefined();
    expect([cache.get('b'), cache.get('d'), cache.get('e')]).toEqual([2, 4, 5]);
    cache.clear();
    expect(cache.get('e')).toBeUndefined();
    cache.set('e', 6);
    expect(cache.get('e')).toBe(6);
  });
});

describe('BudgetedLru and CacheBudget', () => {
  const bytes = (n: number) => Buffer.alloc(n - ENTRY_OVERHEAD_BYTES, 1);

  it('counts the bytes of every cache together and drops the least recently used across caches', () => {
    const budget = new CacheBudget(10_000);
    const a = new BudgetedLru<number>(100, budget);
    const b = new BudgetedLru<number>(100, budget);
    a.set(1, bytes(3000));
    b.set(1, bytes(3000));
    a.set(2, bytes(3000));
    expect(budget.bytes).toBe(9000);
    expect(a.get(1)).toBeDefined(); // a:1 is now the most recent; b:1 the least
    b.set(2, bytes(3000)); // 12_000 > 10_000: drops b:1
    expect(budget.bytes).toBe(9000);
    expect(b.get(1)).toBeUndefined();
    expect([a.size, b.size]).toEqual([2, 1]);
    a.set(3, bytes(4000)); // 13_000: drops a:2, the least recent; 10_000 fits exactly
    expect(budget.bytes).toBe(10_000);
    expect(a.get(2)).toBeUndefined();
    expect(b.get(2)?.length).toBe(3000 - ENTRY_OVERHEAD_BYTES); // order now: a:1, a:3, b:2
    a.set(4, bytes(2000)); // 12_000: drops a:1
    expect(a.get(1)).toBeUndefined();
    expect(budget.bytes).toBe(9000);
  });

  it('keeps at most `max` entries per cache, gives bytes back on clear, never keeps a value over the budget', () => {
    const budget = new CacheBudget(100_000);
    const a = new BudgetedLru<string>(2, budget);
    a.set('x', bytes(1000));
    a.set('y', bytes(1000));
    expect(a.get('x')).toBeDefined();
    a.set('z', bytes(1000)); // this cache's own least recent: y
    expect(a.get('y')).toBeUndefined();
    expect(budget.bytes).toBe(2000);
    a.set('x', bytes(5000)); // replacing counts the new bytes only
    expect(budget.bytes).toBe(6000);
    a.clear();
    expect(budget.bytes).toBe(0);
    a.set('huge', bytes(100_001));
    expect([a.size, budget.bytes]).toEqual([0, 0]);
  });
});
