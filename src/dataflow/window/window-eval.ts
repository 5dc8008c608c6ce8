/**
 * @module dataflow/window/window-eval
 * Computes window function results for a contiguous region [lo, hi] of one partition's ordered
 * rows. Rows are reached by position (a materialized slice of the partition, falling back to the
 * ordered list); frames are resolved per row (ROWS by position, RANGE by peers or by key search)
 * and aggregates slide over them, adding rows entering a frame and retracting rows leaving it.
 */
import { DataError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { compareBySortKey, compareBySortKeys, type SortKey } from '../row.ts';
import type { SortedList } from '../sorted-list.ts';
import { boundOffset, type FrameBoundSpec, type WindowCallSpec } from './window-spec.ts';

/** One row of a partition (one per copy of a duplicate row) with its last emitted results. */
export class WinEntry {
  readonly row: Value[];
  out: Value[] | null;
  constructor(row: Value[]) {
    this.row = row;
    this.out = null;
  }
}

export class RegionEvaluator {
  private readonly orderBy: readonly SortKey[];
  private list!: SortedList<WinEntry>;
  private n = 0;
  /** Entries at positions [ctxLo, ctxLo + slice.length). */
  private slice: WinEntry[] = [];
  private ctxLo = 0;
  private lo = 0;
  private hi = 0;
  /** Peer group start/end of each region row, indexed by position - lo. */
  private peerStart: number[] = [];
  private peerEnd: number[] = [];
  private target: Value = null;
  private readonly lowerProbe: (e: WinEntry) => number;
  private readonly upperProbe: (e: WinEntry) => number;

  /** Per call: resumes a running aggregate from the previous row's result (see WindowOp). */
  private readonly seedable: readonly boolean[];

  constructor(orderBy: readonly SortKey[], seedable: readonly boolean[]) {
    this.orderBy = orderBy;
    this.seedable = seedable;
    const key = orderBy[0];
    this.lowerProbe = (e) => (key === undefined ? 0 : compareBySortKey(e.row[key.column]!, this.target, key));
    this.upperProbe = (e) =>
      key === undefined || compareBySortKey(e.row[key.column]!, this.target, key) <= 0 ? -1 : 1;
  }

  /** Prepares to evaluate rows [lo, hi] with the entries of [ctxLo, ctxHi] at hand. */
  begin(list: SortedList<WinEntry>, lo: number, hi: number, ctxLo: number, ctxHi: number): void {
    this.list = list;
    this.n = list.size;
    this.lo = lo;
    this.hi = hi;
    this.ctxLo = ctxLo;
    const slice: WinEntry[] = [];
    list.forEachFrom(ctxLo, (e) => {
      slice.push(e);
      return slice.length <= ctxHi - ctxLo;
    });
    this.slice = slice;
    this.peerStart.length = 0;
    this.peerEnd.length = 0;
  }

  entryAt(pos: number): WinEntry {
    const k = pos - this.ctxLo;
    return k >= 0 && k < this.slice.length ? this.slice[k]! : this.list.at(pos);
  }

  peers(a: WinEntry, b: WinEntry): boolean {
    return compareBySortKeys(a.row, 0, b.row, 0, this.orderBy) === 0;
  }

  /** Computes call `c`'s result for every region row into `results[q - lo][c]`. */
  evaluate(call: WindowCallSpec, c: number, results: Value[][]): void {
    const lo = this.lo;
    const hi = this.hi;
    switch (call.fn) {
      case 'row_number':
        for (let q = lo; q <= hi; q++) results[q - lo]![c] = q + 1;
        return;
      case 'rank':
        this.ensurePeers();
        for (let q = lo; q <= hi; q++) results[q - lo]![c] = this.peerStart[q - lo]! + 1;
        return;
      case 'dense_rank':
        this.denseRank(c, results);
        return;
      case 'percent_rank':
        this.ensurePeers();
        for (let q = lo; q <= hi; q++) {
          results[q - lo]![c] = this.n > 1 ? this.peerStart[q - lo]! / (this.n - 1) : 0;
        }
        return;
      case 'cume_dist':
        this.ensurePeers();
        for (let q = lo; q <= hi; q++) results[q - lo]![c] = (this.peerEnd[q - lo]! + 1) / this.n;
        return;
      case 'ntile':
        this.ntile(call, c, results);
        return;
      case 'lag':
      case 'lead':
        this.lagLead(call, c, results);
        return;
      case 'first_value':
      case 'last_value':
      case 'nth_value':
        this.frameValue(call, c, results);
        return;
      default:
        this.frameAggregate(call, c, results, this.seedable[c]!);
        return;
    }
  }

  private ensurePeers(): void {
    if (this.peerStart.length > 0) return;
    const lo = this.lo;
    const hi = this.hi;
    // The operator extends regions to whole peer groups, so groups start at lo and end at hi.
    let start = lo;
    for (let q = lo; q <= hi; q++) {
      if (q > lo && !this.peers(this.entryAt(q - 1), this.entryAt(q))) start = q;
      this.peerStart.push(start);
    }
    const ends = new Array<number>(hi - lo + 1);
    let end = hi;
    for (let q = hi; q >= lo; q--) {
      if (q < hi && !this.peers(this.entryAt(q), this.entryAt(q + 1))) end = q;
      ends[q - lo] = end;
    }
    this.peerEnd = ends;
  }

  private denseRank(c: number, results: Value[][]): void {
    const lo = this.lo;
    let rank = lo > 0 ? (this.list.at(lo - 1).out![c] as number) : 0;
    for (let q = lo; q <= this.hi; q++) {
      if (q === lo || !this.peers(this.entryAt(q - 1), this.entryAt(q))) rank++;
      results[q - lo]![c] = rank;
    }
  }

  private ntile(call: WindowCallSpec, c: number, results: Value[][]): void {
    const buckets = this.list.at(0).row[call.args[0]!]!;
    if (buckets !== null && (buckets as number) <= 0) {
      throw new DataError(
        SqlState.invalidArgumentForNtileFunction,
        'argument of ntile must be greater than zero',
      );
    }
    const n = this.n;
    const k = buckets as number;
    const per = Math.floor(n / k);
    const extra = n % k;
    const bigRows = (per + 1) * extra;
    for (let q = this.lo; q <= this.hi; q++) {
      results[q - this.lo]![c] =
        buckets === null
          ? null
          : q < bigRows
            ? Math.floor(q / (per + 1)) + 1
            : Math.floor((q - bigRows) / per) + extra + 1;
    }
  }

  private lagLead(call: WindowCallSpec, c: number, results: Value[][]): void {
    const sign = call.fn === 'lag' ? -1 : 1;
    const [valueCol, offsetCol, defaultCol] = call.args;
    for (let q = this.lo; q <= this.hi; q++) {
      const row = this.entryAt(q).row;
      const offset = offsetCol === undefined ? 1 : row[offsetCol]!;
      let v: Value = null;
      if (offset !== null) {
        const t = q + sign * Number(offset);
        if (t >= 0 && t < this.n) v = this.entryAt(t).row[valueCol!]!;
        else v = defaultCol === undefined ? null : row[defaultCol]!;
      }
      results[q - this.lo]![c] = v;
    }
  }

  private frameValue(call: WindowCallSpec, c: number, results: Value[][]): void {
    const col = call.args[0]!;
    for (let q = this.lo; q <= this.hi; q++) {
      const fs = this.frameStart(call, q);
      const fe = this.frameEnd(call, q);
      let v: Value = null;
      if (fs <= fe) {
        if (call.fn === 'first_value') v = this.entryAt(fs).row[col]!;
        else if (call.fn === 'last_value') v = this.entryAt(fe).row[col]!;
        else {
          const nth = this.entryAt(q).row[call.args[1]!]!;
          if (nth !== null) {
            if ((nth as number) <= 0) {
              throw new DataError(
                SqlState.invalidArgumentForNthValueFunction,
                'argument of nth_value must be greater than zero',
              );
            }
            const at = fs + (nth as number) - 1;
            if (at <= fe) v = this.entryAt(at).row[col]!;
          }
        }
      }
      results[q - this.lo]![c] = v;
    }
  }

  /** Slides an aggregate over the frames of the region's rows (frames only move forward). */
  private frameAggregate(call: WindowCallSpec, c: number, results: Value[][], seedable: boolean): void {
    const agg = call.makeAggregator!();
    agg.reserve(1);
    const lo = this.lo;
    let curFs = this.frameStart(call, lo);
    let curFe = curFs - 1;
    if (lo > 0 && seedable && agg.seed!(0, this.list.at(lo - 1).out![c]!)) {
      curFs = 0;
      curFe = lo - 1;
    }
    for (let q = lo; q <= this.hi; q++) {
      const fs = this.frameStart(call, q);
      const fe = this.frameEnd(call, q);
      for (; curFs < fs; curFs++) if (curFs <= curFe) agg.update(0, this.entryAt(curFs).row, 0, -1);
      if (curFe < curFs - 1) curFe = curFs - 1;
      while (curFe < fe) agg.update(0, this.entryAt(++curFe).row, 0, 1);
      results[q - lo]![c] = agg.result(0);
    }
  }

  /** First position of row q's frame (may exceed the last, for an empty frame). */
  frameStart(call: WindowCallSpec, q: number): number {
    const frame = call.frame;
    const b = frame.start;
    if (b.kind === 'unboundedPreceding') return 0;
    if (frame.mode === 'rows') return Math.max(0, q + boundOffset(b));
    if (b.kind === 'currentRow' || this.keyOf(q) === null) return this.peerBounds(q, true);
    return this.searchKey(q, b, true);
  }

  /** Last position of row q's frame. */
  frameEnd(call: WindowCallSpec, q: number): number {
    const frame = call.frame;
    const b = frame.end;
    if (b.kind === 'unboundedFollowing') return this.n - 1;
    if (frame.mode === 'rows') return Math.min(this.n - 1, q + boundOffset(b));
    if (b.kind === 'currentRow' || this.keyOf(q) === null) return this.peerBounds(q, false);
    return this.searchKey(q, b, false);
  }

  private keyOf(q: number): Value {
    const key = this.orderBy[0];
    return key === undefined ? null : this.entryAt(q).row[key.column]!;
  }

  private peerBounds(q: number, start: boolean): number {
    if (q >= this.lo && q <= this.hi) {
      this.ensurePeers();
      return start ? this.peerStart[q - this.lo]! : this.peerEnd[q - this.lo]!;
    }
    const e = this.entryAt(q);
    let p = q;
    if (start) while (p > 0 && this.peers(this.entryAt(p - 1), e)) p--;
    else while (p < this.n - 1 && this.peers(this.entryAt(p + 1), e)) p++;
    return p;
  }

  /** RANGE offset bound of row q: the first row at or past key ± offset (start), or the last row before. */
  private searchKey(q: number, b: FrameBoundSpec, start: boolean): number {
    const key = this.orderBy[0]!;
    const k = this.keyOf(q)!;
    const dir = key.descending ? -1 : 1;
    this.target = shiftKey(k, dir * boundOffset(b));
    if (start) return this.list.lowerBoundBy(this.lowerProbe);
    return this.list.lowerBoundBy(this.upperProbe) - 1;
  }
}

/** `k + delta` in the key's own form (number, or bigint for a huge bigint key). */
export function shiftKey(k: Value, delta: number): Value {
  if (typeof k === 'bigint') return k + BigInt(delta);
  return (k as number) + delta;
}
