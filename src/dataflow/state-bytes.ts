/**
 * @module dataflow/state-bytes
 * The approximate retained size of an operator's state, in bytes, by a bounded walk of the
 * objects it holds priced with a size model of V8's representations (64-bit, no pointer
 * compression, as Node's official builds; the figures were calibrated against heap deltas and
 * are checked by test/unit/state-bytes.test.ts). Nothing is counted on the step's hot path: the
 * walk runs only when the console or /metrics asks, at most once per operator run, and for a
 * large state at most every few seconds (`cachedStateBytes`).
 *
 * The model, per heap object (pointer-sized slots of 8 bytes):
 * - small integers (31-bit Smis), booleans, null: the slot that holds them, nothing more;
 *   any other number: a 16-byte heap number, except in an array of numbers only (unboxed).
 * - strings: 16 bytes of header plus the characters, one byte each (Latin-1) or two, rounded to 8;
 *   as if flat (a string built by concatenation and never hashed is a tree of parts: more).
 * - bigints: 16 bytes plus 8 per 64-bit digit. Typed arrays: 216 bytes plus their contents.
 * - arrays: 48 bytes plus 8 per slot of capacity. An array held in another array or a Map (a row,
 *   a key) is taken to have been made at its size; one held in an object's field, n + n/4 + 8
 *   slots: halfway between that and the slack of growing by `push` (V8 grows a full array to
 *   n + n/2 + 16 slots), since fields hold both growing lists and rows.
 * - Maps and Sets: 72 bytes plus 28 (Map) or 20 (Set) per entry of a power-of-two capacity.
 * - other objects: 24 bytes plus 8 per own field.
 * A string or number is priced at each place that holds it (V8 may share one string object
 * between rows, so shared text is counted more than once); a shared object once per walk.
 *
 * Bounded: a container with more than `sampleMax` children is priced from an evenly spread
 * sample of them, scaled up (a Map's sample is spread over its first `mapScanMax` entries in
 * insertion order), and containers inside a sampled one take smaller samples. The figure is
 * exact under the model for small states and a statistical estimate for large ones: within a
 * few per cent when elements are alike, and the model itself is within 0.5×–2× of V8's heap.
 */

import type { Operator } from './operator.ts';

/** Children priced one by one per container; beyond, an evenly spread sample. */
export const sampleMax = 64;
/** A large Map's sample is spread over at most this many of its first entries. */
export const mapScanMax = 65_536;

const slotBytes = 8;
const objectHeaderBytes = 24;
const arrayHeaderBytes = 48;
const heapNumberBytes = 16;
const stringHeaderBytes = 16;
const bigintHeaderBytes = 16;
const typedArrayHeaderBytes = 216;
const hashTableHeaderBytes = 72;
const mapEntryBytes = 28;
const setEntryBytes = 20;

/** Strings with a character above U+00FF are stored two bytes per character. */
const twoByteChars = /[\u0100-\uffff]/;

/** Where a value sits: as a field of an object (arrays there grow by push) or an element. */
type Place = 'element' | 'field';

interface Pending {
  readonly value: unknown;
  /** How many values this one stands for (>1 inside a sample). */
  readonly weight: number;
  /** How many sampled containers enclose it: deeper samples are smaller. */
  readonly depth: number;
  readonly place: Place;
}

/**
 * The approximate bytes retained by everything reachable from `root` (the model above). Pass
 * the structures that own the state: a sample cannot tell an owner from a second path to the
 * same objects (a list of the partitions touched this step), so those would count them twice.
 */
export function approxRetainedBytes(root: unknown): number {
  const seen = new Set<object>();
  const stack: Pending[] = [{ value: root, weight: 1, depth: 0, place: 'field' }];
  let total = 0;
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, weight } = next;
    if (typeof value !== 'object' || value === null) {
      total += weight * primitiveBytes(value);
      continue;
    }
    if (seen.has(value)) continue;
    seen.add(value);
    total += weight * containerBytes(value, next.place);
    pushChildren(value, next, stack);
  }
  return Math.round(total);
}

/** The bytes of a value that is not an object (beyond the slot holding it). */
export function primitiveBytes(value: unknown): number {
  switch (typeof value) {
    case 'number':
      return isSmallInteger(value) ? 0 : heapNumberBytes;
    case 'string':
      return stringBytes(value);
    case 'bigint':
      return bigintHeaderBytes + slotBytes * Math.ceil(bigintBits(value) / 64);
    default:
      // booleans, undefined, symbols: shared objects; functions: code shared by every instance.
      return 0;
  }
}

export function stringBytes(s: string): number {
  const charBytes = twoByteChars.test(s) ? 2 : 1;
  return stringHeaderBytes + roundUp8(s.length * charBytes);
}

/** An object's own bytes, without what its fields or elements point to. */
function containerBytes(value: object, place: Place): number {
  if (Array.isArray(value)) {
    const capacity = place === 'field' ? fieldArrayCapacity(value.length) : value.length;
    return arrayHeaderBytes + slotBytes * capacity;
  }
  if (value instanceof Map) return hashTableHeaderBytes + mapEntryBytes * hashCapacity(value.size);
  if (value instanceof Set) return hashTableHeaderBytes + setEntryBytes * hashCapacity(value.size);
  if (ArrayBuffer.isView(value)) return typedArrayHeaderBytes + roundUp8(value.byteLength);
  return objectHeaderBytes + slotBytes * Object.keys(value).length;
}

function pushChildren(value: object, at: Pending, stack: Pending[]): void {
  if (ArrayBuffer.isView(value)) return;
  const limit = Math.max(8, sampleMax >> (2 * at.depth));
  if (Array.isArray(value)) {
    const n = value.length;
    const taken = Math.min(n, limit);
    // An array of numbers only is kept unboxed (Smi or double elements): its slots hold them.
    let numbersOnly = true;
    for (let i = 0; i < taken && numbersOnly; i++)
      numbersOnly = typeof value[sampled(i, n, taken)] === 'number';
    if (numbersOnly) return;
    const child = childOf(at, n / taken, 'element');
    for (let i = 0; i < taken; i++) stack.push({ ...child, value: value[sampled(i, n, taken)] });
    return;
  }
  if (value instanceof Map || value instanceof Set) {
    pushEntries(value, limit, at, stack);
    return;
  }
  for (const key of Object.keys(value))
    stack.push({ ...childOf(at, 1, 'field'), value: (value as Record<string, unknown>)[key] });
}

/** A sample of a Map's keys and values (or a Set's members), spread over its first entries. */
function pushEntries(
  container: Map<unknown, unknown> | Set<unknown>,
  limit: number,
  at: Pending,
  stack: Pending[],
): void {
  const n = container.size;
  const scanned = Math.min(n, mapScanMax);
  const taken = Math.min(scanned, limit);
  const child = childOf(at, n / taken, 'element');
  let i = 0;
  let k = 0;
  let wanted = sampled(0, scanned, taken);
  for (const entry of container instanceof Map ? container.entries() : container.values()) {
    if (k >= taken) break;
    if (i++ !== wanted) continue;
    wanted = sampled(++k, scanned, taken);
    if (container instanceof Map) {
      const [k, v] = entry as [unknown, unknown];
      stack.push({ ...child, value: k }, { ...child, value: v });
    } else stack.push({ ...child, value: entry });
  }
}

/**
 * The index of the `i`th of `taken` samples among `n` children: one per stratum of n/taken, at
 * a deterministic offset that varies from stratum to stratum, so a sample of a row-major array
 * does not fall on the same column of every row.
 */
function sampled(i: number, n: number, taken: number): number {
  if (taken === n) return i;
  const offset = ((i + 1) * 0.618_033_988_75) % 1;
  return Math.floor((i + offset) * (n / taken));
}

function childOf(at: Pending, scale: number, place: Place): Omit<Pending, 'value'> {
  return { weight: at.weight * scale, depth: scale > 1 ? at.depth + 1 : at.depth, place };
}

/** V8's Smi range on 64-bit without pointer compression: 32-bit signed integers. */
function isSmallInteger(n: number): boolean {
  return (n | 0) === n && !Object.is(n, -0);
}

/**
 * The expected capacity of an array held in a field: such arrays are mostly grown by `push` (V8
 * grows a full one to n + n/2 + 16 slots, so it holds between n and that), but rows and keys
 * kept in fields are made at their size; halfway between the two.
 */
function fieldArrayCapacity(length: number): number {
  return length === 0 ? 0 : length + (length >> 2) + 8;
}

/** V8's ordered hash tables: a power-of-two capacity, at least 4, that holds every entry. */
function hashCapacity(size: number): number {
  let capacity = 4;
  while (capacity < size) capacity *= 2;
  return capacity;
}

function bigintBits(n: bigint): number {
  return (n < 0n ? -n : n).toString(16).length * 4;
}

function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/** Operators with more state entries than this are walked again at most every `largeWalkEveryMs`. */
export const largeStateEntries = 10_000;
/** A large state's walk costs up to tens of milliseconds: often enough for a console, rarely enough to cost little. */
export const largeWalkEveryMs = 5_000;

/** The last walk of each operator: the version (its run count) and time it was taken at. */
const walks = new WeakMap<object, { version: number; atMs: number; bytes: number }>();

/**
 * The operator's `stateBytes()`, walked again only when `version` (a counter that moves whenever
 * its state may have changed, such as its number of runs) differs from the last walk's, and for
 * a large state no sooner than `largeWalkEveryMs` after it (the figure may lag by that much).
 */
export function cachedStateBytes(op: Operator, version: number, nowMs = performance.now()): number | null {
  if (!op.stateBytes) return null;
  const last = walks.get(op);
  if (last !== undefined) {
    const recent = nowMs - last.atMs < largeWalkEveryMs && (op.stateSize?.() ?? 0) > largeStateEntries;
    if (last.version === version || recent) return last.bytes;
  }
  const bytes = op.stateBytes();
  walks.set(op, { version, atMs: nowMs, bytes });
  return bytes;
}
