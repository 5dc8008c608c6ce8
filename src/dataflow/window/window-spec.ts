/**
 * @module dataflow/window/window-spec
 * Window calls as the window operator sees them, and how far a change reaches: for each call, how
 * many rows before and after a changed position can see their result change. The operator
 * recomputes only that region of a partition (plus peers where ties matter). Function and frame
 * types are plan/logical's, imported as types only.
 */
import type { FrameBound, WindowFrame, WindowFunction } from '../../plan/logical.ts';
import type { Aggregator } from '../aggregates/aggregator.ts';

// The vocabulary is the logical plan's (a type-only import: no runtime dependency on plan).
export type WindowFunctionName = WindowFunction;
export type FrameBoundSpec = FrameBound;
export type FrameSpec = WindowFrame;

export interface WindowCallSpec {
  readonly fn: WindowFunctionName;
  /** Input column positions of the arguments (lag/lead: value, offset, default; ntile: buckets). */
  readonly args: readonly number[];
  readonly frame: FrameSpec;
  /** Aggregate calls (count … max): a fresh aggregator over the argument, used on slot 0. */
  readonly makeAggregator?: () => Aggregator;
}

/** A frame bound as a signed offset from the current row (preceding < 0), ±Infinity if unbounded. */
export function boundOffset(b: FrameBoundSpec): number {
  switch (b.kind) {
    case 'unboundedPreceding':
      return Number.NEGATIVE_INFINITY;
    case 'preceding':
      return -b.offset;
    case 'currentRow':
      return 0;
    case 'following':
      return b.offset;
    case 'unboundedFollowing':
      return Number.POSITIVE_INFINITY;
  }
}

export function isFrameFunction(fn: WindowFunctionName): boolean {
  switch (fn) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
    case 'percent_rank':
    case 'cume_dist':
    case 'ntile':
    case 'lag':
    case 'lead':
      return false;
    default:
      return true;
  }
}

export function isAggregateFunction(fn: WindowFunctionName): boolean {
  return isFrameFunction(fn) && fn !== 'first_value' && fn !== 'last_value' && fn !== 'nth_value';
}

/** A RANGE frame with a value offset (`RANGE BETWEEN 5 PRECEDING …`): its extent depends on values. */
export function hasValueOffsets(frame: FrameSpec): boolean {
  if (frame.mode !== 'range') return false;
  const s = frame.start.kind;
  const e = frame.end.kind;
  return s === 'preceding' || s === 'following' || e === 'preceding' || e === 'following';
}

/** What a change at some positions can affect, for one partition and step. */
export interface Reach {
  /** Rows before the changed span whose result may change. */
  before: number;
  /** Rows after the changed span whose result may change. */
  after: number;
  /** Results depend on peers (ties on ORDER BY): extend the region to whole peer groups. */
  peers: boolean;
}

/**
 * Adds one call's reach to `reach`. `sizeChanged`: the partition gained or lost rows this step;
 * `lagReach`: the largest |offset| any lag/lead has used; `spanAtStart`: the change touches row 0.
 */
export function addReach(
  call: WindowCallSpec,
  sizeChanged: boolean,
  lagReach: number,
  spanAtStart: boolean,
  reach: Reach,
): void {
  const all = Number.POSITIVE_INFINITY;
  switch (call.fn) {
    case 'row_number':
      if (sizeChanged) reach.after = all;
      return;
    case 'rank':
      reach.peers = true;
      if (sizeChanged) reach.after = all;
      return;
    case 'dense_rank':
      reach.peers = true;
      reach.after = all;
      return;
    case 'percent_rank':
    case 'cume_dist':
      reach.peers = true;
      if (sizeChanged) reach.before = reach.after = all;
      return;
    case 'ntile':
      // The bucket count comes from the partition's first row; sizes come from the row count.
      if (sizeChanged || spanAtStart) reach.before = reach.after = all;
      return;
    case 'lag':
    case 'lead':
      reach.before = Math.max(reach.before, lagReach);
      reach.after = Math.max(reach.after, lagReach);
      return;
  }
  const frame = call.frame;
  const s = boundOffset(frame.start);
  const e = boundOffset(frame.end);
  if (frame.mode === 'range') reach.peers = true;
  if (hasValueOffsets(frame)) {
    // Value offsets are resolved by key search in the operator; unbounded sides still reach all.
    if (s === Number.NEGATIVE_INFINITY) reach.after = all;
    if (e === Number.POSITIVE_INFINITY) reach.before = all;
    return;
  }
  // Row q's frame is [q+s, q+e]: a change at p reaches rows p-e … p-s.
  reach.before = Math.max(reach.before, e, 0);
  reach.after = Math.max(reach.after, -s, 0);
}
