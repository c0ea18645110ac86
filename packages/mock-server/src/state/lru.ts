const NONE: unique symbol = Symbol('none');

/**
 * A bounded least-recently-used cache on a `Map` (insertion order = recency). Each server owns its own.
 */
export class LruCache<K, V> {
  readonly #max: number;
  readonly #map = new Map<K, V>();
  /** The most recently used key: reading it again needs no reordering (the usual case on a hot path). */
  #newest: K | typeof NONE = NONE;

  /** @param max - the most entries kept; the least recently used is dropped beyond it */
  constructor(max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('LruCache size must be a positive integer');
    this.#max = max;
  }

  /** The value for `key`, marking it most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const value = this.#map.get(key);
    if (value === undefined || key === this.#newest) return value;
    this.#map.delete(key);
    this.#map.set(key, value);
    this.#newest = key;
    return value;
  }

  /** Stores `value`, dropping the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.#map.has(key)) this.#map.delete(key);
    else if (this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#map.delete(oldest.value);
    }
    this.#map.set(key, value);
    this.#newest = key;
  }

  /** How many entries are held. */
  get size(): number {
    return this.#map.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.#map.clear();
    this.#newest = NONE;
  }
}

/** One entry of a {@link BudgetedLru}, linked into its {@link CacheBudget}'s recency list. */
interface BudgetEntry {
  bytes: number;
  /** Toward the least recently used end. */
  older: BudgetEntry | undefined;
  /** Toward the most recently used end. */
  newer: BudgetEntry | undefined;
  /** Drops the entry from its own cache (the budget has unlinked it). */
  evict(): void;
}

/**
 * A byte budget shared by many {@link BudgetedLru} caches (every app's answers, together): when the
 * entries of all of them together exceed it, the least recently used entry across all of them is
 * dropped first. One per server.
 */
export class CacheBudget {
  /** The most bytes the entries may hold together. */
  readonly limit: number;
  #bytes = 0;
  #newest: BudgetEntry | undefined;
  #oldest: BudgetEntry | undefined;

  /** @param limit - bytes, at least 1 */
  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('CacheBudget limit must be a positive integer');
    this.limit = limit;
  }

  /** The bytes the entries hold now (at most {@link CacheBudget.limit}). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Counts `entry` as the most recently used, then drops the least recently used entries over the limit. */
  add(entry: BudgetEntry): void {
    this.#bytes += entry.bytes;
    this.#link(entry);
    while (this.#bytes > this.limit && this.#oldest !== undefined) {
      const oldest = this.#oldest;
      this.remove(oldest);
      oldest.evict();
    }
  }

  /** Marks `entry` as the most recently used. */
  touch(entry: BudgetEntry): void {
    if (entry === this.#newest) return;
    this.#unlink(entry);
    this.#link(entry);
  }

  /** Stops counting `entry`. */
  remove(entry: BudgetEntry): void {
    this.#bytes -= entry.bytes;
    this.#unlink(entry);
  }

  #link(entry: BudgetEntry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = entry;
    this.#newest = entry;
    this.#oldest ??= entry;
  }

  #unlink(entry: BudgetEntry): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    entry.older = undefined;
    entry.newer = undefined;
  }
}

/**
 * What an entry costs beyond its value's own bytes, counted against the budget: the entry, its `Map`
 * slot, the value's JS objects (a `Uint8Array` or `Float64Array` and its `ArrayBuffer`) and the native
 * record of its memory. Measured with `node --expose-gc` (heap and external bytes per entry over 100,000
 * entries: about 290 heap bytes) plus the native record and allocation header, rounded up.
 */
export const ENTRY_OVERHEAD_BYTES = 400;

/** A {@link BudgetedLru} entry: the value, its links in the budget's list, and how to drop it from its cache. */
class Entry<K, V> implements BudgetEntry {
  older: BudgetEntry | undefined = undefined;
  newer: BudgetEntry | undefined = undefined;

  constructor(
    readonly value: V,
    readonly bytes: number,
    readonly key: K,
    readonly map: Map<K, Entry<K, V>>,
  ) {}

  evict(): void {
    this.map.delete(this.key);
  }
}

/** A value a {@link BudgetedLru} can hold: anything that knows its size (a `Buffer`, a typed array). */
export interface Sized {
  /** The bytes it holds. */
  readonly byteLength: number;
}

/**
 * A least-recently-used cache of compact values (`Buffer`s, typed arrays) whose bytes count against a
 * shared {@link CacheBudget}, and of at most `max` entries of its own. A hit is a `Map` lookup and,
 * unless the entry is already the most recently used, a few pointer moves.
 */
export class BudgetedLru<K, V extends Sized = Buffer> {
  readonly #max: number;
  readonly #budget: CacheBudget;
  /** Insertion order = this cache's own recency (for its `max`); the budget keeps the global one. */
  readonly #map = new Map<K, Entry<K, V>>();
  #newest: K | typeof NONE = NONE;

  /**
   * @param max - the most entries kept by this cache
   * @param budget - the bytes shared with the other caches
   */
  constructor(max: number, budget: CacheBudget) {
    if (!Number.isInteger(max) || max < 1)
      throw new RangeError('BudgetedLru size must be a positive integer');
    this.#max = max;
    this.#budget = budget;
  }

  /** The value for `key`, marking it most recently used; `undefined` when absent. */
  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (entry === undefined) return undefined;
    this.#budget.touch(entry);
    if (key !== this.#newest) {
      this.#map.delete(key);
      this.#map.set(key, entry);
      this.#newest = key;
    }
    return entry.value;
  }

  /** Stores `value` (not kept when larger than the whole budget), dropping what no longer fits. */
  set(key: K, value: V): void {
    this.#drop(key);
    const bytes = value.byteLength + ENTRY_OVERHEAD_BYTES;
    if (bytes > this.#budget.limit) return;
    if (this.#map.size >= this.#max) {
      const oldest = this.#map.keys().next();
      if (!oldest.done) this.#drop(oldest.value);
    }
    const entry = new Entry(value, bytes, key, this.#map);
    this.#map.set(key, entry);
    this.#newest = key;
    this.#budget.add(entry);
  }

  /** How many entries are held. */
  get size(): number {
    return this.#map.size;
  }

  /** Drops every entry. */
  clear(): void {
    for (const entry of this.#map.values()) this.#budget.remove(entry);
    this.#map.clear();
    this.#newest = NONE;
  }

  #drop(key: K): void {
    const entry = this.#map.get(key);
    if (entry === undefined) return;
    this.#budget.remove(entry);
    this.#map.delete(key);
  }
}
