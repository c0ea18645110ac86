import { describe, expect, it } from 'vitest';
import { LruCache } from './lru.js';

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
