/**
 * @module dataflow/state
 * Operator state as plain data, for checkpoints (issue 8; docs/adr/0004-operator-state-images.md).
 * A stateful operator saves an image: operator-wide `meta` plus independent entries (a group, a
 * join key's rows, a partition, a distinct row), each under an entry id unique within the
 * operator. After its first save it notes which entries change, so a later save can be a delta:
 * the entries changed since the previous save (whole, replacing the stored ones) and the ids of
 * entries that ceased to exist. A full save can also be taken in slices between steps and be
 * brought up to date by a final delta (`StateSlicer`), so a big state never stalls a step. Everything in an image is an Eddy `Value` (nested arrays used as
 * tuples; numbers, strings, booleans, null, bigint, Numeric, Interval, Jsonb, Uint8Array): no
 * class instances of the engine, no closures, nothing shared with the live state.
 */
import { assert, SqlState, StorageError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { RowBag, type RowMatch } from './row-bag.ts';

/** One independent piece of an operator's state. */
export interface StateEntry {
  /** Unique within the operator for as long as the entry lives (ids of deleted entries may be reused). */
  readonly id: number;
  readonly data: Value[];
}

/** The whole state of one operator. */
export interface OperatorState {
  /** The operator's class and shape; restoring into an operator of another kind fails. */
  readonly kind: string;
  /** Operator-wide state (counters, flags), replaced whole by every save. */
  readonly meta: Value[];
  readonly entries: StateEntry[];
}

/**
 * The change of an operator's image since its previous save. A store applies it to the image it
 * kept from that save: replace `meta`; if `full`, drop every entry; remove the entries whose ids
 * are in `deletes`; then put every entry of `upserts` (replacing one with the same id). Deletes
 * go first because an id may be freed and reused between two saves. A delete may name an entry
 * the image never held (created and deleted between two saves): ignore it.
 * Every save (full or delta) starts a new interval: a store that fails to keep a delta must take
 * a full `saveState()` next, since the changes it described are not noted again.
 */
export interface OperatorStateDelta {
  readonly kind: string;
  /** True when the operator could not (or was never asked to) track changes: a whole image. */
  readonly full: boolean;
  readonly meta: Value[];
  readonly upserts: StateEntry[];
  readonly deletes: number[];
}

/**
 * A full save spread over many calls, so a large state is never serialised in one stall:
 * `beginSaveState()` starts a change interval and fixes the entries to visit; each `next(max)`
 * serialises up to `max` of them as they are at that moment (steps may run between calls); an
 * empty result means done. Then `saveStateDelta()` gives every change since the begin: the
 * entries, with that delta applied (its meta included), are the image at that moment.
 * Any other save of the operator meanwhile ends the slicing (`next` then fails).
 */
export interface StateSlicer {
  readonly kind: string;
  next(max: number): StateEntry[];
}

/** What every stateful operator (one with `stateSize`) implements. */
export interface StatefulOperator {
  /** A full image; from now on the operator notes changes for `saveStateDelta`. */
  saveState(): OperatorState;
  /** The changes since the last save (a full image if there was none); starts a new interval. */
  saveStateDelta(): OperatorStateDelta;
  /** Starts a full save in slices (`StateSlicer`); finished by `saveStateDelta()`. */
  beginSaveState(): StateSlicer;
  /**
   * Loads an image into a freshly constructed operator of the same plan. Changes are noted from
   * then on, so the next `saveStateDelta` is relative to the restored image.
   */
  restoreState(state: OperatorState): void;
}

/** A circuit's full save in slices (see `StateSlicer` and `Circuit.beginSaveState`). */
export interface CircuitStateSlicer {
  readonly fingerprint: string;
  /** Each stateful operator's node position and kind, in node order. */
  readonly operators: readonly { readonly node: number; readonly kind: string }[];
  /** Up to `max` more entries, by operator node; an empty list when every entry was visited. */
  next(max: number): { readonly node: number; readonly entries: StateEntry[] }[];
}

/** The state of every stateful operator of a circuit, by node position (see `Circuit.saveState`). */
export interface CircuitState {
  /** The circuit's shape (node kinds, arities, inputs, relations, operator kinds) as a hash. */
  readonly fingerprint: string;
  readonly operators: { readonly node: number; readonly state: OperatorState }[];
}

/** A circuit's changes since its previous save: one delta per stateful operator, by node position. */
export interface CircuitStateDelta {
  readonly fingerprint: string;
  readonly operators: { readonly node: number; readonly delta: OperatorStateDelta }[];
}

/** Applies a delta to an image kept as a map (what a store does, in memory; used by tests). */
export function applyStateDelta(
  image: { meta: Value[]; entries: Map<number, Value[]> },
  delta: OperatorStateDelta,
): void {
  image.meta = delta.meta;
  if (delta.full) image.entries.clear();
  for (const id of delta.deletes) image.entries.delete(id);
  for (const e of delta.upserts) image.entries.set(e.id, e.data);
}

/** Changes noted past this many (ids or rows) make the next delta a full image, bounding memory. */
export const changesNotedMax = 1 << 22;

/** An entry object that remembers the interval in which it was last noted as changed. */
export interface Marked {
  mark: number;
}

/**
 * The change bookkeeping an operator keeps between saves: the entries changed (each noted once
 * per interval, by its mark or the operator's own check) and the ids of entries deleted.
 */
export class StateChanges<T> {
  /** False until the first save: an operator never checkpointed notes nothing. */
  tracking = false;
  /** The current interval (starts at 1, so a fresh entry's mark 0 is never current). */
  interval = 1;
  private nextId = 1;
  readonly changed: T[] = [];
  readonly deleted: number[] = [];
  /** Too many changes were noted: the next delta is a full image. */
  overflowed = false;

  newId(): number {
    return this.nextId++;
  }

  /** Notes that `entry` changed (one comparison when already noted in this interval). */
  note(entry: T & Marked): void {
    if (!this.tracking || entry.mark === this.interval) return;
    entry.mark = this.interval;
    this.add(entry);
  }

  /** Notes a changed entry the caller has checked is not yet noted in this interval. */
  add(entry: T): void {
    if (this.changed.length < changesNotedMax) this.changed.push(entry);
    else this.overflowed = true;
  }

  /** Notes that the entry with this id no longer exists. */
  noteDeleted(id: number): void {
    if (!this.tracking) return;
    if (this.deleted.length < changesNotedMax) this.deleted.push(id);
    else this.overflowed = true;
  }

  /** Ends the interval after a save. */
  saved(): void {
    this.tracking = true;
    this.interval++;
    this.changed.length = 0;
    this.deleted.length = 0;
    this.overflowed = false;
  }

  /** Whether the next save must be a full image. */
  get needsFull(): boolean {
    return !this.tracking || this.overflowed;
  }

  /** The id counter, for the operator's meta. */
  get idCounter(): number {
    return this.nextId;
  }

  /**
   * After a restore: sets the id counter (from the image's meta; undefined keeps it) and starts
   * noting changes, since the store holds the image just restored, so the next save can be a delta.
   */
  restored(nextId?: Value): void {
    if (nextId !== undefined) {
      if (typeof nextId !== 'number' || !Number.isSafeInteger(nextId) || nextId < 1)
        throw stateMismatch('malformed entry id counter');
      this.nextId = nextId;
    }
    this.saved();
  }
}

/**
 * Builds a delta the common way: a full image when needed, else the changed entries that still
 * exist (`live` says so; `entryOf` serialises one) and the noted deletions.
 */
export function deltaFrom<T>(
  kind: string,
  changes: StateChanges<T>,
  full: () => OperatorState,
  meta: () => Value[],
  live: (entry: T) => boolean,
  entryOf: (entry: T) => StateEntry,
): OperatorStateDelta {
  if (changes.needsFull) {
    const image = full();
    changes.saved();
    return { kind: image.kind, full: true, meta: image.meta, upserts: image.entries, deletes: [] };
  }
  const upserts: StateEntry[] = [];
  for (const entry of changes.changed) if (live(entry)) upserts.push(entryOf(entry));
  const deletes = changes.deleted.slice();
  changes.saved();
  return { kind, full: false, meta: meta(), upserts, deletes };
}

/** Raised when an image does not fit the operator it is restored into. */
export function stateMismatch(detail: string): StorageError {
  return new StorageError(SqlState.dataCorrupted, 'operator state does not match the view being restored', {
    detail,
  });
}

/** Checks an image's kind before restoring it. */
export function expectKind(state: OperatorState, kind: string): void {
  if (state.kind !== kind) throw stateMismatch(`expected ${kind}, found ${state.kind}`);
}

/** A bag's rows, weights and per-row counters as plain data: [values, weights, aux | null]. */
export function bagToData(bag: RowBag): Value[] {
  return [bag.values.slice(), bag.weights.slice(), bag.aux === null ? null : bag.aux.slice()];
}

/** A bag rebuilt from `bagToData`'s form. */
export function bagFromData(data: Value, arity: number, withAux: boolean, match: RowMatch = 'form'): RowBag {
  const [values, weights, aux] = data as [Value[], number[], number[] | null];
  if (!Array.isArray(values) || !Array.isArray(weights)) throw stateMismatch('malformed row bag');
  if (withAux !== (aux !== null)) throw stateMismatch('row bag counters present on one side only');
  const bag = new RowBag(arity, withAux, match);
  for (let s = 0; s < weights.length; s++) {
    const slot = bag.add(values, s * arity, weights[s]!, aux === null ? 0 : aux[s]!);
    if (slot !== s) throw stateMismatch('row bag state holds a row twice');
  }
  return bag;
}

/** `data` as a tuple of `length` fields, or a mismatch error. */
export function tuple(data: Value | undefined, length: number): Value[] {
  if (!Array.isArray(data) || data.length !== length)
    throw stateMismatch(`expected a tuple of ${length} fields`);
  return data;
}

/** `data` as a number, or a mismatch error. */
export function num(data: Value | undefined): number {
  if (typeof data !== 'number') throw stateMismatch('expected a number');
  return data;
}

/** `data` as an array of numbers (a copy), or a mismatch error. */
export function numbers(data: Value | undefined): number[] {
  if (!Array.isArray(data)) throw stateMismatch('expected a list of numbers');
  return data.map(num);
}

/** A changed bag and the input side (0, 1, …) whose arrangement holds it. */
export interface SideBag {
  readonly side: number;
  readonly bag: RowBag;
}

/** Notes a bag of side `side` as changed (once per interval: the bag's mark). */
export function noteBag(changes: StateChanges<SideBag>, side: number, bag: RowBag): void {
  if (!changes.tracking || bag.mark === changes.interval) return;
  bag.mark = changes.interval;
  changes.add({ side, bag });
}

/** A keyed bag's entry: [side, key, bag]. */
export function bagEntry(
  side: number,
  key: readonly Value[],
  base: number,
  arity: number,
  bag: RowBag,
): StateEntry {
  return { id: bag.entryId, data: [side, key.slice(base, base + arity), bagToData(bag)] };
}

/**
 * A bag's entry as of now (`bagEntry`'s data), for a delta taken at a checkpoint's boundary and
 * encoded over the turns after it: the rows are not copied now, only when the entry is read or
 * when the bag is about to change them in place (`RowBag.settle`), whichever comes first. Rows
 * appended meanwhile are left out by length, so an append-only bag is never copied for it.
 */
export function boundaryBagEntry(
  side: number,
  key: readonly Value[],
  base: number,
  arity: number,
  bag: RowBag,
): StateEntry {
  bag.settle();
  const rows = bag.length;
  const keyValues = key.slice(base, base + arity);
  let data: Value[] | null = null;
  const take = (): Value[] => {
    if (data === null) {
      const width = rows * bag.arity;
      data = [
        side,
        keyValues,
        [
          bag.values.slice(0, width),
          bag.weights.slice(0, rows),
          bag.aux === null ? null : bag.aux.slice(0, rows),
        ],
      ];
      if (bag.beforeWrite === take) bag.beforeWrite = null;
    }
    return data;
  };
  bag.beforeWrite = take;
  return {
    id: bag.entryId,
    get data() {
      return take();
    },
  };
}

/** A short hash of a text (FNV-1a, two 32-bit lanes), for fingerprints. */
export function fingerprintOf(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * A slicer over entry handles fixed at the begin: `entryOf` serialises a handle's entry as it is
 * now, or returns null for an entry deleted since (its deletion is in the final delta).
 * `current` says whether the save that began the slicing is still the operator's latest.
 */
export function sliceEntries<H>(
  kind: string,
  handles: readonly H[],
  entryOf: (handle: H) => StateEntry | null,
  current: () => boolean,
): StateSlicer {
  let at = 0;
  return {
    kind,
    next(max: number): StateEntry[] {
      assert(current(), 'a sliced save was overtaken by another save of the operator');
      const out: StateEntry[] = [];
      while (at < handles.length && out.length < max) {
        const entry = entryOf(handles[at++]!);
        if (entry !== null) out.push(entry);
      }
      return out;
    },
  };
}

/**
 * A slicer that visits `first`'s entries, then `rest`'s (spilled entries, ADR 0006); `rest` is
 * called until it returns none.
 */
export function chainSlicer(first: StateSlicer, rest: ((max: number) => StateEntry[])[]): StateSlicer {
  let at = 0;
  return {
    kind: first.kind,
    next(max: number): StateEntry[] {
      const out = first.next(max);
      while (out.length === 0 && at < rest.length) {
        const more = rest[at]!(max);
        if (more.length > 0) return more;
        at++;
      }
      return out;
    },
  };
}

/** Starts a sliced save on `changes` (a new interval); the returned check fails once another save starts. */
export function beginSlices<T>(changes: StateChanges<T>): () => boolean {
  changes.saved();
  const interval = changes.interval;
  return () => changes.interval === interval;
}
