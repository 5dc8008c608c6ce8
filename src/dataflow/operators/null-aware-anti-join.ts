/**
 * @module dataflow/operators/null-aware-anti-join
 * The anti join of `NOT IN`: a left row is output (with its weight) while no right row makes the
 * join condition TRUE or NULL, i.e. while the condition is FALSE for every right row. Given ΔL and
 * ΔR it emits the left rows that start or stop being blocked. Rows whose `=` keys contain NULL
 * can be blocked by (or block) any row of the other side, so they are kept apart and checked
 * against the whole other side; all other pairs are found through the key arrangements.
 * State: both sides arranged by key plus their NULL-keyed rows; per left row its blocker count.
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator, RowFn } from '../operator.ts';
import { RowBag } from '../row-bag.ts';
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
  private readonly leftNullKeyed: RowBag;
  private readonly right: KeyMap<RowBag>;
  private readonly rightNullKeyed: RowBag;
  private readonly pair: Value[];

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
    this.rightNullKeyed = new RowBag(rightArity, false);
    this.pair = new Array<Value>(leftArity + rightArity).fill(null);
  }

  stateSize(): number {
    return this.left.size + this.right.size;
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
    const slot = bag.add(src, base, w, blockers);
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (keyed && bag.length === 0) this.left.delete(this.keyBuf, 0);
    if (blockers <= 0) out.push(src, base, w);
  }

  private applyRight(src: readonly Value[], base: number, w: number, out: Batch): void {
    const pair = this.pair;
    const la = this.leftArity;
    for (let j = 0; j < this.rightArity; j++) pair[la + j] = src[base + j]!;
    this.blockIn(this.leftNullKeyed, w, out);
    const keyed = this.rightKeys.extract(src, base, this.keyBuf);
    if (keyed) {
      const bag = this.left.get(this.keyBuf, 0);
      if (bag !== undefined) this.blockIn(bag, w, out);
    } else {
      this.left.forEach((bag) => {
        this.blockIn(bag, w, out);
      });
    }
    let bag = this.rightNullKeyed;
    if (keyed) {
      const found = this.right.get(this.keyBuf, 0);
      if (found === undefined) {
        bag = new RowBag(this.rightArity, false);
        this.right.set(this.keyBuf, 0, bag);
      } else bag = found;
    }
    const slot = bag.add(src, base, w, 0);
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (keyed && bag.length === 0) this.right.delete(this.keyBuf, 0);
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
  private blockIn(bag: RowBag, w: number, out: Batch): void {
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
      this.left.set(key, 0, bag);
    }
    return bag;
  }
}
