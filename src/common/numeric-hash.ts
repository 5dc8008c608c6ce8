/**
 * @module common/numeric-hash
 * 32-bit hashes of numbers and bigints. Invariant: a value hashes the same whatever its JS form, so
 * `hashNumber(5) === hashBigInt(5n) === Numeric 5.00's hashCode()`, and int and numeric keys can share
 * one hash table. Allocation-free for numbers and safe-range bigints.
 */

const twoTo32 = 4294967296;
const nanHash = 0x7ff80000;
const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer);

/** MurmurHash3's 32-bit finaliser: full avalanche, cheap. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function hashWords(lo: number, hi: number): number {
  return fmix32(lo ^ fmix32(hi + 0x9e3779b9));
}

/**
 * Hash of a JS number. Integers in the safe range hash through their two 32-bit words (so they match
 * `hashBigInt` and integral numerics); other doubles through their IEEE bits. -0 hashes as 0, every NaN alike.
 */
export function hashNumber(n: number): number {
  if (Number.isInteger(n) && n <= Number.MAX_SAFE_INTEGER && n >= -Number.MAX_SAFE_INTEGER) {
    return hashWords(n >>> 0, Math.floor(n / twoTo32) | 0);
  }
  if (Number.isNaN(n)) return nanHash;
  scratchF64[0] = n;
  return fmix32(scratchI32[0] ^ fmix32(scratchI32[1] ^ 0x27d4eb2f));
}

/** Hash of a bigint; equal to `hashNumber(Number(b))` whenever `b` is a safe integer. */
export function hashBigInt(b: bigint): number {
  if (b <= 9007199254740991n && b >= -9007199254740991n) return hashNumber(Number(b));
  let x = b < 0n ? -b : b;
  let h = b < 0n ? 0x1b873593 : 0x2f3c9a41;
  while (x > 0n) {
    h = fmix32(h ^ Number(x & 0xffffffffn));
    x >>= 32n;
  }
  return h;
}

/** Combines the hash of a value's stripped digits with its (non-zero) count of fraction digits. */
export function hashWithScale(digitsHash: number, scale: number): number {
  return fmix32(digitsHash ^ Math.imul(scale, 0x9e3779b1));
}
