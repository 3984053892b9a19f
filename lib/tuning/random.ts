/**
 * A small seeded PRNG for the samplers: xoshiro128** (Blackman & Vigna) seeded through
 * splitmix32, with 53-bit uniform doubles.
 *
 * Streams are derived, not shared: {@link Rng.derive} hashes `(seed, trial number, parameter
 * name, ...)` into a fresh generator, so what a sampler proposes for trial k depends only on
 * the seed, k and the trials before it — a study resumed from storage continues exactly as an
 * uninterrupted run would.
 */

/** 32-bit finalizer of MurmurHash3: a bijective mix of one word. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a hash of a string's UTF-16 code units. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Folds keys (numbers: their low 32 bits and the rest; strings: their hash) into one word. */
function hashKeys(keys: readonly (number | string)[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    let words: number[];
    if (typeof key === 'string') words = [hashString(key), key.length];
    else words = [key >>> 0, Math.floor(key / 0x1_0000_0000) >>> 0];
    for (const w of words) h = fmix32((h ^ w) + 0x9e3779b9);
  }
  return h;
}

/** A seeded pseudo-random generator (xoshiro128**). */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** @param seed any finite number; its integer bits seed the state through splitmix32. */
  constructor(seed: number) {
    let x = hashKeys([seed]);
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return fmix32(x);
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** A generator for the stream named by `keys` under `seed` (e.g. `derive(7, 12, 'units')`). */
  static derive(seed: number, ...keys: (number | string)[]): Rng {
    return new Rng(hashKeys([seed, ...keys]));
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.#s1, 5), 7), 9) >>> 0;
    const t = this.#s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  integer(n: number): number {
    if (!(n >= 1) || n > 0x1_0000_0000) throw new RangeError(`Expected an integer in [1, 2^32] for n but received ${n}`);
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % n);
    let r: number;
    do r = this.nextUint32();
    while (r >= limit);
    return r % n;
  }

  /** An index drawn with probability proportional to `weights` (non-negative, not all zero). */
  choiceWeighted(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i]!;
    let u = this.random() * total;
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i]!;
      if (u < 0) return i;
    }
    // Rounding left u >= 0: the last index with a positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i]! > 0) return i;
    return weights.length - 1;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** A fresh 31-bit seed from the platform's entropy (for studies created without a seed). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
