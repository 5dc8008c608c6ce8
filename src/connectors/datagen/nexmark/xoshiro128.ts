/**
 * @module connectors/datagen/nexmark/xoshiro128
 * A small, fast, seedable PRNG (xoshiro128**, seeded through splitmix32) for the data generators.
 * Invariant: the output sequence is a pure function of the seed, on every platform and Node version.
 */

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** One splitmix32 step: turns arbitrary seed words into well-mixed, non-zero-ish state words. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** xoshiro128** on four 32-bit words: plain number arithmetic, no BigInt, no allocation per draw. */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed` is any safe integer; its high and low 32 bits both feed the state. */
  constructor(seed: number) {
    const lo = seed | 0;
    const hi = Math.floor(seed / TWO_POW_32) | 0;
    this.a = splitmix32(lo);
    this.b = splitmix32(this.a ^ hi);
    this.c = splitmix32(this.b + 0x6a09e667);
    this.d = splitmix32(this.c ^ 0xbb67ae85);
    // The all-zero state is the one fixed point of xoshiro; splitmix32 makes it practically
    // impossible, but a seed that hits it must still produce a usable stream.
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform integer in [0, n) for small n (n ≤ 2^20: the bias, n / 2^32, is negligible). */
  nextInt(n: number): number {
    return Math.floor((this.nextU32() * n) / TWO_POW_32);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / TWO_POW_53;
  }

  /** A uniform integer in [0, n) for any safe integer n ≥ 1. */
  nextLong(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}
