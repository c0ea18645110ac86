/**
 * A small seeded pseudo-random source (mulberry32): the same seed gives the same sequence on every
 * run and platform. Each fault rule owns one, so a rule's probability and delay draws are reproducible.
 *
 * @param seed - any 32-bit unsigned integer
 * @returns a function giving floats in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
