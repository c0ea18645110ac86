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
