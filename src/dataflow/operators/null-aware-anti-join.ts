/**
 * @module dataflow/operators/null-aware-anti-join
 * The anti join of `NOT IN`: a left row is output (with its weight) while no right row makes the
 * join condition TRUE or NULL, i.e. while the condition is FALSE for every right row. Given ΔL and
 * ΔR it emits the left rows that start or stop being blocked. Rows whose `=` keys contain NULL
 * can be blocked by (or block) any row of the other side, so they are kept apart and checked
 * against the whole other side; all other pairs are found through the key arrangements.
 * State: both sides arranged by key plus their NULL-keyed rows; per left row its blocker count.
 * Checkpoints: one state entry per key of each side, [side, key, rows], and one per NULL-keyed
 * bag (sides 2 and 3, ids 1 and 2, always present) (dataflow/state.ts).
 */

/** State entry sides: the keyed arrangements, then the NULL-keyed bags. */
const leftKeyed = 0;
const rightKeyed = 1;
const leftNulls = 2;
const rightNulls = 3;

import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator, RowFn } from '../operator.ts';
import { RowBag } from '../row-bag.ts';
import {
  bagEntry,
  bagFromData,
  beginSlices,
  deltaFrom,
  expectKind,
  noteBag,
  type OperatorState,
  type OperatorStateDelta,
  type SideBag,
  StateChanges,
  type StateEntry,
  type StateSlicer,
  sliceEntries,
  stateMismatch,
  tuple,
} from '../state.ts';
import { approxRetainedBytes } from '../state-bytes.ts';
import { type JoinKeyComponent, KeyExtractor } from './join-keys.ts';

export class NullAwareAntiJoinOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly leftArity: number;
  private readonly rightArity: number;
  /** The full join condition, three-valued, over left ++ right. */
  private readonly condition: RowFn;
  private readonly leftKeys: KeyExtractor;
  private readonly rightKeys: KeyExtractor;
  private readonly keyBuf: Value[];
  /** Left rows by key, `aux` = number of right rows (weighted) blocking each. */
  private readonly left: KeyMap<RowBag>;
  private leftNullKeyed: RowBag;
  private readonly right: KeyMap<RowBag>;
  private rightNullKeyed: RowBag;
  private readonly pair: Value[];
  private readonly changes = new StateChanges<SideBag>();

  constructor(leftArity: number, rightArity: number, keys: readonly JoinKeyComponent[], condition: RowFn) {
    this.arity = leftArity;
    this.leftArity = leftArity;
    this.rightArity = rightArity;
    this.condition = condition;
    const nullSafe = keys.map((k) => k.nullSafe);
    this.leftKeys = new KeyExtractor(
      keys.map((k) => k.left),
      nullSafe,
    );
    this.rightKeys = new KeyExtractor(
      keys.map((k) => k.right),
      nullSafe,
    );
    this.keyBuf = new Array<Value>(keys.length).fill(null);
    const types = keys.map((k) => k.type);
    this.left = makeKeyMap<RowBag>(types);
    this.right = makeKeyMap<RowBag>(types);
    this.leftNullKeyed = new RowBag(leftArity, true);
    this.leftNullKeyed.entryId = this.changes.newId();
    this.rightNullKeyed = new RowBag(rightArity, false);
    this.rightNullKeyed.entryId = this.changes.newId();
    this.pair = new Array<Value>(leftArity + rightArity).fill(null);
  }

  stateSize(): number {
    return this.left.size + this.right.size;
  }

  stateBytes(): number {
    // The bags own the rows; the notes of changes for the next checkpoint only point at them.
    return approxRetainedBytes([this.left, this.leftNullKeyed, this.right, this.rightNullKeyed]);
  }

  step(inputs: readonly Batch[]): Batch {
    const out = new Batch(this.arity);
    const dl = inputs[0]!;
    const dr = inputs[1]!;
    for (let i = 0, base = 0; i < dl.length; i++, base += this.leftArity) {
      const w = dl.weights[i]!;
      if (w !== 0) this.applyLeft(dl.values, base, w, out);
    }
    for (let i = 0, base = 0; i < dr.length; i++, base += this.rightArity) {
      const w = dr.weights[i]!;
      if (w !== 0) this.applyRight(dr.values, base, w, out);
    }
    return out;
  }

  private applyLeft(src: readonly Value[], base: number, w: number, out: Batch): void {
    const pair = this.pair;
    for (let j = 0; j < this.leftArity; j++) pair[j] = src[base + j]!;
    let blockers = this.blockersIn(this.rightNullKeyed);
    const keyed = this.leftKeys.extract(src, base, this.keyBuf);
    if (keyed) {
      const bag = this.right.get(this.keyBuf, 0);
      if (bag !== undefined) blockers += this.blockersIn(bag);
    } else {
      this.right.forEach((bag) => {
        blockers += this.blockersIn(bag);
      });
    }
    const bag = keyed ? this.leftBagFor(this.keyBuf) : this.leftNullKeyed;
    noteBag(this.changes, keyed ? leftKeyed : leftNulls, bag);
    const slot = bag.add(src, base, w, blockers);
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (keyed && bag.length === 0) {
      this.left.delete(this.keyBuf, 0);
      this.changes.noteDeleted(bag.entryId);
    }
    if (blockers <= 0) out.push(src, base, w);
  }

  private applyRight(src: readonly Value[], base: number, w: number, out: Batch): void {
    const pair = this.pair;
    const la = this.leftArity;
    for (let j = 0; j < this.rightArity; j++) pair[la + j] = src[base + j]!;
    this.blockIn(this.leftNullKeyed, leftNulls, w, out);
    const keyed = this.rightKeys.extract(src, base, this.keyBuf);
    if (keyed) {
      const bag = this.left.get(this.keyBuf, 0);
      if (bag !== undefined) this.blockIn(bag, leftKeyed, w, out);
    } else {
      this.left.forEach((bag) => {
        this.blockIn(bag, leftKeyed, w, out);
      });
    }
    let bag = this.rightNullKeyed;
    if (keyed) {
      const found = this.right.get(this.keyBuf, 0);
      if (found === undefined) {
        bag = new RowBag(this.rightArity, false);
        bag.entryId = this.changes.newId();
        this.right.set(this.keyBuf, 0, bag);
      } else bag = found;
    }
    noteBag(this.changes, keyed ? rightKeyed : rightNulls, bag);
    const slot = bag.add(src, base, w, 0);
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (keyed && bag.length === 0) {
      this.right.delete(this.keyBuf, 0);
      this.changes.noteDeleted(bag.entryId);
    }
  }

  /** Weighted count of the right rows in `bag` that block the left row in `pair`. */
  private blockersIn(bag: RowBag): number {
    const pair = this.pair;
    const la = this.leftArity;
    const ra = this.rightArity;
    const values = bag.values;
    let blockers = 0;
    for (let s = 0, b = 0; s < bag.length; s++, b += ra) {
      for (let j = 0; j < ra; j++) pair[la + j] = values[b + j]!;
      if (this.condition(pair, 0) !== false) blockers += bag.weights[s]!;
    }
    return blockers;
  }

  /** Adds the right row in `pair` (weight `w`) to the blocker counts of the left rows in `bag`. */
  private blockIn(bag: RowBag, side: number, w: number, out: Batch): void {
    noteBag(this.changes, side, bag);
    const pair = this.pair;
    const la = this.leftArity;
    const values = bag.values;
    const aux = bag.aux!;
    for (let s = 0, b = 0; s < bag.length; s++, b += la) {
      for (let j = 0; j < la; j++) pair[j] = values[b + j]!;
      if (this.condition(pair, 0) === false) continue;
      const before = aux[s]!;
      const after = before + w;
      aux[s] = after;
      if (before > 0 !== after > 0) out.push(values, b, after > 0 ? -bag.weights[s]! : bag.weights[s]!);
    }
  }

  private leftBagFor(key: readonly Value[]): RowBag {
    let bag = this.left.get(key, 0);
    if (bag === undefined) {
      bag = new RowBag(this.leftArity, true);
      bag.entryId = this.changes.newId();
      this.left.set(key, 0, bag);
    }
    return bag;
  }

  saveState(): OperatorState {
    const state = this.image();
    this.changes.saved();
    return state;
  }

  saveStateDelta(): OperatorStateDelta {
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.image(),
      () => [this.changes.idCounter],
      ({ side, bag }) => bag.length > 0 || side >= leftNulls,
      ({ side, bag }) => this.entryOf(side, bag),
    );
  }

  beginSaveState(): StateSlicer {
    const current = beginSlices(this.changes);
    const bags: SideBag[] = [
      { side: leftNulls, bag: this.leftNullKeyed },
      { side: rightNulls, bag: this.rightNullKeyed },
    ];
    this.left.forEach((bag) => {
      bags.push({ side: leftKeyed, bag });
    });
    this.right.forEach((bag) => {
      bags.push({ side: rightKeyed, bag });
    });
    const entryOf = ({ side, bag }: SideBag) =>
      bag.length > 0 || side >= leftNulls ? this.entryOf(side, bag) : null;
    return sliceEntries(this.kind, bags, entryOf, current);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    if (this.left.size + this.right.size + this.leftNullKeyed.length + this.rightNullKeyed.length > 0)
      throw stateMismatch('restoring into a used anti join');
    for (const { id, data } of state.entries) {
      const [side, key, rows] = tuple(data, 3);
      const isLeft = side === leftKeyed || side === leftNulls;
      const bag = bagFromData(rows!, isLeft ? this.leftArity : this.rightArity, isLeft);
      bag.entryId = id;
      if (side === leftNulls) this.leftNullKeyed = bag;
      else if (side === rightNulls) this.rightNullKeyed = bag;
      else if (side === leftKeyed || side === rightKeyed)
        (isLeft ? this.left : this.right).set(tuple(key, this.keyBuf.length), 0, bag);
      else throw stateMismatch('malformed anti join side');
    }
    this.changes.restored(state.meta[0]);
  }

  private get kind(): string {
    return `null-aware-anti-join/${this.leftArity}/${this.rightArity}/${this.keyBuf.length}`;
  }

  private image(): OperatorState {
    const entries: StateEntry[] = [
      this.entryOf(leftNulls, this.leftNullKeyed),
      this.entryOf(rightNulls, this.rightNullKeyed),
    ];
    const arity = this.keyBuf.length;
    this.left.forEach((bag, key, base) => {
      entries.push(bagEntry(leftKeyed, key, base, arity, bag));
    });
    this.right.forEach((bag, key, base) => {
      entries.push(bagEntry(rightKeyed, key, base, arity, bag));
    });
    return { kind: this.kind, meta: [this.changes.idCounter], entries };
  }

  /** A bag's entry; a keyed bag's key is read from its first row (all its rows share it). */
  private entryOf(side: number, bag: RowBag): StateEntry {
    if (side >= leftNulls) return bagEntry(side, [], 0, 0, bag);
    const keys = side === leftKeyed ? this.leftKeys : this.rightKeys;
    const key = new Array<Value>(keys.arity);
    keys.extract(bag.values, 0, key);
    return bagEntry(side, key, 0, key.length, bag);
  }
}
