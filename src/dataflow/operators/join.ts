/**
 * @module dataflow/operators/join
 * Equi-join with a residual predicate: inner, left, right, full outer, cross (no keys), semi, anti.
 * Given changes ΔL and ΔR it emits ΔL⋈R + L⋈ΔR + ΔL⋈ΔR, computed as ΔL⋈R_old then L_new⋈ΔR:
 * matched pairs with weight w_l·w_r; for outer joins, the NULL-padded row of a row that is
 * unmatched, inserted when it loses its last match and retracted when it gains its first; for
 * semi/anti, a left row (with its own weight) when it gains its first / loses its last match.
 * A match is a pair with equal, matchable keys (`=` never matches NULL) and a TRUE residual.
 * State: both sides arranged by key; match counts per key (no residual) or per row (residual).
 * Checkpoints: one state entry per key of each side, [side, key, rows] (dataflow/state.ts).
 */
import type { Value } from '../../common/value.ts';
import { Batch } from '../batch.ts';
import { type KeyMap, makeKeyMap } from '../key-map.ts';
import type { Operator, RowPredicate } from '../operator.ts';
import { RowBag } from '../row-bag.ts';
import { type SpillCodec, type SpillContext, SpillingKeyMap } from '../spilling-key-map.ts';
import {
  bagEntry,
  bagFromData,
  beginSlices,
  boundaryBagEntry,
  chainSlicer,
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

export type JoinMode = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti';

/** One input side: its arrangement and what its unmatched rows produce. */
class Side {
  readonly arity: number;
  readonly index: KeyMap<RowBag>;
  readonly keys: KeyExtractor;
  readonly keyBuf: Value[];
  /** Unmatched rows of this side are output NULL-padded (outer joins). */
  readonly pad: boolean;
  /** Rows of this side are output alone while matched (semi) or unmatched (anti). */
  readonly emitWhenMatched: boolean;
  readonly emitWhenUnmatched: boolean;
  /** Whether this side's per-row match counts are kept (the `aux` of its bags). */
  readonly perRowCounts: boolean;

  constructor(
    arity: number,
    index: KeyMap<RowBag>,
    keys: KeyExtractor,
    flags: { pad: boolean; whenMatched: boolean; whenUnmatched: boolean; perRow: boolean },
  ) {
    this.arity = arity;
    this.index = index;
    this.keys = keys;
    this.keyBuf = new Array<Value>(keys.arity).fill(null);
    this.pad = flags.pad;
    this.emitWhenMatched = flags.whenMatched;
    this.emitWhenUnmatched = flags.whenUnmatched;
    this.perRowCounts = flags.perRow;
  }

  /** Whether this side's matched state is observable in the output. */
  get tracksMatches(): boolean {
    return this.pad || this.emitWhenMatched || this.emitWhenUnmatched;
  }
}

export class JoinOp implements Operator {
  readonly arity: number;
  readonly pendingInitial = false;
  private readonly left: Side;
  private readonly right: Side;
  private readonly residual: RowPredicate | null;
  private readonly emitPairs: boolean;
  /** left ++ right, for evaluating the residual on a pair. */
  private readonly pairBuf: Value[];
  private readonly mode: JoinMode;
  private readonly changes = new StateChanges<SideBag>();

  constructor(
    leftArity: number,
    rightArity: number,
    mode: JoinMode,
    keys: readonly JoinKeyComponent[],
    residual: RowPredicate | null,
    /** Under a memory budget, where cold keys' rows go (ADR 0006); null keeps all in memory. */
    spill: SpillContext | null = null,
  ) {
    this.residual = residual;
    this.mode = mode;
    this.emitPairs = mode !== 'semi' && mode !== 'anti';
    this.arity = this.emitPairs ? leftArity + rightArity : leftArity;
    const keyTypes = keys.map((k) => k.type);
    const nullSafe = keys.map((k) => k.nullSafe);
    const perRow = residual !== null;
    const index = (side: number, arity: number, withAux: boolean): KeyMap<RowBag> =>
      spill === null
        ? makeKeyMap<RowBag>(keyTypes)
        : spill.keyMap(keyTypes, this.bagCodec(side, arity, withAux));
    const leftPad = mode === 'left' || mode === 'full';
    this.left = new Side(
      leftArity,
      index(0, leftArity, perRow && (leftPad || mode === 'semi' || mode === 'anti')),
      new KeyExtractor(
        keys.map((k) => k.left),
        nullSafe,
      ),
      {
        pad: leftPad,
        whenMatched: mode === 'semi',
        whenUnmatched: mode === 'anti',
        perRow,
      },
    );
    const rightPad = mode === 'right' || mode === 'full';
    this.right = new Side(
      rightArity,
      index(1, rightArity, perRow && rightPad),
      new KeyExtractor(
        keys.map((k) => k.right),
        nullSafe,
      ),
      { pad: rightPad, whenMatched: false, whenUnmatched: false, perRow },
    );
    this.pairBuf = new Array<Value>(leftArity + rightArity).fill(null);
  }

  stateSize(): number {
    return this.left.index.size + this.right.index.size;
  }

  /** How a side's bags spill: as their checkpoint entries; pinned while noted for the next delta. */
  private bagCodec(side: number, arity: number, withAux: boolean): SpillCodec<RowBag> {
    const changes = this.changes;
    return {
      encode: (bag, key) => bagEntry(side, key, 0, key.length, bag),
      decode: (entry) => {
        const bag = bagFromData(entry.data[2]!, arity, withAux);
        bag.entryId = entry.id;
        return bag;
      },
      pinned: (bag) => changes.tracking && bag.mark === changes.interval,
    };
  }

  stateBytes(): number {
    // The sides own the rows; the notes of changes for the next checkpoint only point at them.
    return approxRetainedBytes([this.left, this.right]);
  }

  step(inputs: readonly Batch[]): Batch {
    const out = new Batch(this.arity);
    const dl = inputs[0]!;
    const dr = inputs[1]!;
    if (dl.length > 0) this.apply(dl, this.left, this.right, true, out);
    if (dr.length > 0) this.apply(dr, this.right, this.left, false, out);
    return out;
  }

  /** Joins `delta` (of side `me`) with `other`'s current state, then adds it to `me`'s state. */
  private apply(delta: Batch, me: Side, other: Side, isLeft: boolean, out: Batch): void {
    const src = delta.values;
    const arity = me.arity;
    const keyBuf = me.keyBuf;
    const residual = this.residual;
    const pair = this.pairBuf;
    const pairOffset = isLeft ? 0 : this.left.arity;
    const otherOffset = isLeft ? this.left.arity : 0;
    for (let i = 0, base = 0; i < delta.length; i++, base += arity) {
      const w = delta.weights[i]!;
      if (w === 0) continue;
      if (!me.keys.extract(src, base, keyBuf)) {
        // A key that can never match: the row is unmatched forever and kept out of the arrangement.
        this.emitOwn(me, isLeft, src, base, w, false, out);
        continue;
      }
      const bag = other.index.get(keyBuf, 0);
      let matched = 0;
      if (bag !== undefined) {
        if (residual !== null) for (let j = 0; j < arity; j++) pair[pairOffset + j] = src[base + j]!;
        const bagValues = bag.values;
        const otherArity = other.arity;
        const aux = bag.aux;
        if (aux !== null) {
          noteBag(this.changes, isLeft ? 1 : 0, bag);
          // The match counts change in place below.
          if (bag.beforeWrite !== null) bag.settle();
        }
        for (let s = 0, ob = 0; s < bag.length; s++, ob += otherArity) {
          if (residual !== null) {
            for (let j = 0; j < otherArity; j++) pair[otherOffset + j] = bagValues[ob + j]!;
            if (!residual(pair, 0)) continue;
          }
          const ow = bag.weights[s]!;
          matched += ow;
          if (this.emitPairs) {
            if (isLeft) pushPair(out, src, base, arity, bagValues, ob, otherArity, w * ow);
            else pushPair(out, bagValues, ob, otherArity, src, base, arity, w * ow);
          }
          if (aux !== null) {
            const before = aux[s]!;
            aux[s] = before + w;
            this.onMatchCountChange(other, !isLeft, bagValues, ob, ow, before, before + w, out);
          }
        }
        if (residual === null) matched = bag.total;
      }
      this.store(me, other, isLeft, src, base, w, matched, bag, out);
    }
  }

  /** Adds the delta row to `me`'s arrangement and emits its own unmatched/matched output. */
  private store(
    me: Side,
    other: Side,
    isLeft: boolean,
    src: readonly Value[],
    base: number,
    w: number,
    matched: number,
    otherBag: RowBag | undefined,
    out: Batch,
  ): void {
    const keyBuf = me.keyBuf;
    let bag = me.index.get(keyBuf, 0);
    if (bag === undefined) {
      bag = new RowBag(me.arity, me.perRowCounts && me.tracksMatches);
      bag.entryId = this.changes.newId();
      me.index.set(keyBuf, 0, bag);
    }
    noteBag(this.changes, isLeft ? 0 : 1, bag);
    const totalBefore = bag.total;
    const slot = bag.add(src, base, w, matched);
    if (bag.weights[slot] === 0) bag.removeAt(slot);
    if (bag.length === 0) {
      me.index.delete(keyBuf, 0);
      this.changes.noteDeleted(bag.entryId);
    }
    if (me.tracksMatches) this.emitOwn(me, isLeft, src, base, w, matched > 0, out);
    // Without a residual every row of a key matches every row of the other side's same key, so the
    // other side's rows flip matched/unmatched together when this side's key total crosses zero.
    if (this.residual === null && otherBag !== undefined && other.tracksMatches) {
      const after = totalBefore + w;
      if (totalBefore > 0 !== after > 0) {
        const vals = otherBag.values;
        for (let s = 0, ob = 0; s < otherBag.length; s++, ob += other.arity) {
          this.onMatchCountChange(other, !isLeft, vals, ob, otherBag.weights[s]!, totalBefore, after, out);
        }
      }
    }
  }

  /** A row of `side` with weight `w` whose match count went from `before` to `after`. */
  private onMatchCountChange(
    side: Side,
    isLeft: boolean,
    values: readonly Value[],
    base: number,
    w: number,
    before: number,
    after: number,
    out: Batch,
  ): void {
    const was = before > 0;
    const is = after > 0;
    if (was === is) return;
    // Gaining a match retracts the row's unmatched output and inserts its matched output.
    this.emitOwn(side, isLeft, values, base, was ? -w : w, true, out);
    this.emitOwn(side, isLeft, values, base, was ? w : -w, false, out);
  }

  /** Emits the output a row of `side` produces on its own, given whether it is matched. */
  private emitOwn(
    side: Side,
    isLeft: boolean,
    values: readonly Value[],
    base: number,
    w: number,
    matched: boolean,
    out: Batch,
  ): void {
    if (matched) {
      if (side.emitWhenMatched) out.push(values, base, w);
      return;
    }
    if (side.emitWhenUnmatched) out.push(values, base, w);
    else if (side.pad) pushPadded(out, isLeft, values, base, side.arity, this.arity - side.arity, w);
  }

  saveState(): OperatorState {
    const state = this.image();
    this.changes.saved();
    return state;
  }

  saveStateDelta(): OperatorStateDelta {
    // Changed bags are handed out without a copy (copied when written, or before they change in
    // place): a delta at a checkpoint's boundary costs a handle per changed bag, not its rows.
    return deltaFrom(
      this.kind,
      this.changes,
      () => this.image(),
      () => [this.changes.idCounter],
      ({ bag }) => bag.length > 0,
      ({ side, bag }) => {
        const s = side === 0 ? this.left : this.right;
        s.keys.extract(bag.values, 0, s.keyBuf);
        return boundaryBagEntry(side, s.keyBuf, 0, s.keys.arity, bag);
      },
    );
  }

  beginSaveState(): StateSlicer {
    const current = beginSlices(this.changes);
    const bags: SideBag[] = [];
    const spilled: ((max: number) => StateEntry[])[] = [];
    for (const [side, s] of [this.left, this.right].entries()) {
      const add = (bag: RowBag) => {
        bags.push({ side, bag });
      };
      if (s.index instanceof SpillingKeyMap) {
        s.index.forEachResident(add);
        spilled.push(s.index.sliceSpilled());
      } else s.index.forEach(add);
    }
    const entryOf = ({ side, bag }: SideBag) => (bag.length > 0 ? this.entryOf(side, bag) : null);
    return chainSlicer(sliceEntries(this.kind, bags, entryOf, current), spilled);
  }

  /** A bag's entry; its key is read from its first row (all its rows share it). */
  private entryOf(side: number, bag: RowBag): StateEntry {
    const s = side === 0 ? this.left : this.right;
    s.keys.extract(bag.values, 0, s.keyBuf);
    return bagEntry(side, s.keyBuf, 0, s.keys.arity, bag);
  }

  restoreState(state: OperatorState): void {
    expectKind(state, this.kind);
    if (this.left.index.size + this.right.index.size > 0) throw stateMismatch('restoring into a used join');
    for (const { id, data } of state.entries) {
      const [sideTag, key, rows] = tuple(data, 3);
      if (sideTag !== 0 && sideTag !== 1) throw stateMismatch('malformed join side');
      const side = sideTag === 0 ? this.left : this.right;
      const bag = bagFromData(rows!, side.arity, side.perRowCounts && side.tracksMatches);
      bag.entryId = id;
      side.index.set(tuple(key, side.keys.arity), 0, bag);
    }
    this.changes.restored(state.meta[0]);
  }

  private get kind(): string {
    return `join/${this.mode}/${this.left.arity}/${this.right.arity}/${this.left.keys.arity}/${this.residual !== null}`;
  }

  private image(): OperatorState {
    const entries: StateEntry[] = [];
    const arity = this.left.keys.arity;
    this.left.index.forEach((bag, key, base) => {
      entries.push(bagEntry(0, key, base, arity, bag));
    });
    this.right.index.forEach((bag, key, base) => {
      entries.push(bagEntry(1, key, base, arity, bag));
    });
    return { kind: this.kind, meta: [this.changes.idCounter], entries };
  }

  /** Live keys on each side (for tests and memory accounting). */
  sideSizes(): { leftKeys: number; rightKeys: number } {
    return { leftKeys: this.left.index.size, rightKeys: this.right.index.size };
  }
}

function pushPair(
  out: Batch,
  l: readonly Value[],
  lBase: number,
  lArity: number,
  r: readonly Value[],
  rBase: number,
  rArity: number,
  w: number,
): void {
  const values = out.values;
  for (let j = 0; j < lArity; j++) values.push(l[lBase + j]!);
  for (let j = 0; j < rArity; j++) values.push(r[rBase + j]!);
  out.weights.push(w);
}

function pushPadded(
  out: Batch,
  isLeft: boolean,
  src: readonly Value[],
  base: number,
  arity: number,
  padArity: number,
  w: number,
): void {
  const values = out.values;
  if (!isLeft) for (let j = 0; j < padArity; j++) values.push(null);
  for (let j = 0; j < arity; j++) values.push(src[base + j]!);
  if (isLeft) for (let j = 0; j < padArity; j++) values.push(null);
  out.weights.push(w);
}
