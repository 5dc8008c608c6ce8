/**
 * @module plan/evaluate/row-stream
 * How the one-shot evaluator's nodes pass rows: a node is a generator that yields its rows one at
 * a time (a pipeline holds no rows between nodes), or `undefined` when the statement's QueryGuard
 * says the time slice is over; every consumer passes that pause up at once, so the sliced driver
 * (evaluate-sliced) gets the turn back from any depth. Nodes that must hold their input (a sort,
 * a hash build, groups) collect it here and tell the guard what they hold.
 */
import type { Value } from '../../common/value.ts';
import type { QueryGuard } from './query-guard.ts';

export type Rows = Value[][];

/**
 * A relation's rows as a source hands them out: an array, or a store's snapshot read lazily
 * (runtime/row-store), which costs nothing to take whatever the relation's size.
 */
export interface RelationRows extends Iterable<Value[]> {
  readonly length: number;
}

/** A node's rows, one at a time; `undefined` is a pause (the slice is over: pass it up, go on). */
export type RowStream = Generator<Value[] | undefined, void, void>;

/** A computation that yields only pauses and returns its result (materialised rows, mostly). */
export type Evaluation<T = Rows> = Generator<undefined, T, void>;

/**
 * Collects a stream into an array the caller will hold: every row is counted in the guard's
 * memory estimate (`arity` values each); the caller releases the returned bytes when it lets go.
 */
export function* collectRows(stream: RowStream, arity: number, guard: QueryGuard): Evaluation<Rows> {
  const rows: Rows = [];
  for (const r of stream) {
    if (r === undefined) {
      yield;
      continue;
    }
    rows.push(r);
    guard.hold(1, arity);
    if (guard.worked()) yield;
  }
  return rows;
}

/** Streams rows held in an array (a relation's snapshot, a node's held result). */
export function* streamRows(rows: readonly Value[][], guard: QueryGuard): RowStream {
  for (const r of rows) {
    yield r;
    if (guard.worked()) yield;
  }
}

/** Runs a computation to its end without giving the event loop a turn (pauses are skipped). */
export function runToEnd<T>(evaluation: Generator<undefined | Value[], T, void>): T {
  for (;;) {
    const step = evaluation.next();
    if (step.done) return step.value;
  }
}
