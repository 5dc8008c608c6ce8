/**
 * @module plan/evaluate/evaluate-sliced
 * Drives an evaluation in time slices so a long query gives the event loop a turn between them
 * (other sessions, steps, cancel requests, signals). The first slice runs at once, so a query
 * that finishes within it (a point lookup, anything small) is answered synchronously, as before.
 * A query that does not must still read one consistent step while later steps commit between its
 * slices: before its first yield, every relation it can still read is read (the stores hand out
 * fresh arrays, which later steps never touch), and index lookups from then on are answered from
 * those rows.
 */
import type { Value } from '../../common/value.ts';
import { valuesEqual } from '../../common/value-ops.ts';
import type { LogicalPlan } from '../logical.ts';
import { readRelations } from '../plan-visit.ts';
import {
  type EvaluationSource,
  type RelationRows,
  type RowStream,
  type Rows,
  streamEvaluation,
} from './evaluate.ts';
import type { QueryGuard } from './query-guard.ts';

/** Runs `fn` in the statement's context (its transaction's view of the catalog). */
export type SliceContext = <T>(fn: () => T) => T;

/**
 * Evaluates `plan`: its rows when the first slice finished it, else a promise of them, settled
 * after further slices (rejected with the guard's 57014 / 53200 or the query's own error).
 */
export function evaluateSliced(
  plan: LogicalPlan,
  source: EvaluationSource,
  guard: QueryGuard,
  within: SliceContext,
): Rows | Promise<Rows> {
  const evaluation = new SlicedRows(plan, source, guard, within);
  const arity = plan.schema.length;
  const rows: Rows = [];
  const take = (row: Value[]) => {
    rows.push(row);
    guard.hold(1, arity);
    return true;
  };
  if (evaluation.pull(take)) return rows;
  return (async () => {
    try {
      do await nextTurn();
      while (!evaluation.pull(take));
      return rows;
    } finally {
      evaluation.close();
    }
  })();
}

/**
 * Evaluates `plan` for its first slice: the rows it gave, and the rest still to pull (null when
 * the slice finished the query). The first slice's rows count in the guard's memory estimate
 * while it runs; rows pulled later are the receiver's and are never counted.
 */
export function streamSliced(
  plan: LogicalPlan,
  source: EvaluationSource,
  guard: QueryGuard,
  within: SliceContext,
): { rows: Rows; more: SlicedRows | null } {
  const evaluation = new SlicedRows(plan, source, guard, within);
  const arity = plan.schema.length;
  const rows: Rows = [];
  const ended = evaluation.pull((row) => {
    rows.push(row);
    guard.hold(1, arity);
    return true;
  });
  if (ended) return { rows, more: null };
  guard.release(rows.length, arity);
  return { rows, more: evaluation };
}

/** Gives the event loop a turn (other sessions, steps, cancel requests, signals). */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A query's result rows evaluated slice by slice as they are pulled. Before the first pull
 * returns unfinished, every relation the query reads is read (frozen): later steps cannot reach it.
 */
export class SlicedRows {
  private readonly stream: RowStream;
  private readonly frozen: FreezingSource;
  private readonly guard: QueryGuard;
  private readonly within: SliceContext;
  private pulls = 0;
  private ended = false;

  constructor(plan: LogicalPlan, source: EvaluationSource, guard: QueryGuard, within: SliceContext) {
    this.frozen = new FreezingSource(source, readRelations(plan));
    this.stream = streamEvaluation(plan, this.frozen, guard);
    this.guard = guard;
    this.within = within;
  }

  /**
   * Evaluates for one slice, handing rows to `take` until the slice is over, `take` answers
   * false or the rows end; answers whether they ended. An error closes the evaluation.
   */
  pull(take: (row: Value[]) => boolean): boolean {
    if (this.ended) return true;
    const guard = this.guard;
    const stream = this.stream;
    guard.startSlice();
    try {
      const ended = this.within(() => {
        // A cancel or timeout that came between slices (or while the receiver waited) ends it here.
        if (this.pulls++ > 0) guard.check();
        for (;;) {
          const step = stream.next();
          if (step.done) return true;
          if (step.value === undefined || !take(step.value) || guard.worked()) return false;
        }
      });
      if (ended) this.ended = true;
      else if (!this.frozen.isFrozen) this.within(() => this.frozen.freeze());
      return ended;
    } catch (err) {
      this.close();
      throw err;
    }
  }

  watch(wake: () => void): () => void {
    return this.guard.watch(wake);
  }

  /** Ends the evaluation early: closing its generators releases what its nodes hold. */
  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.return();
  }
}

/**
 * A source that keeps what it read, so a relation read twice reads the same rows; once frozen,
 * it holds every relation the query can read and never asks the live source again.
 */
class FreezingSource implements EvaluationSource {
  private readonly live: EvaluationSource;
  private readonly relationIds: ReadonlySet<number>;
  private readonly read = new Map<number, RelationRows>();
  private frozen = false;

  get isFrozen(): boolean {
    return this.frozen;
  }

  constructor(live: EvaluationSource, relationIds: ReadonlySet<number>) {
    this.live = live;
    this.relationIds = relationIds;
    if (live.indexes) this.indexes = (id) => live.indexes!(id);
  }

  indexes?: (relationId: number) => readonly (readonly number[])[];

  readRelation(relationId: number): RelationRows {
    let rows = this.read.get(relationId);
    if (!rows) {
      rows = this.live.readRelation(relationId);
      this.read.set(relationId, rows);
    }
    return rows;
  }

  lookup(relationId: number, columns: readonly number[], key: readonly Value[]): Rows {
    if (!this.frozen && this.live.lookup) return this.live.lookup(relationId, columns, key);
    if (key.some((v) => v === null)) return [];
    const out: Rows = [];
    for (const r of this.readRelation(relationId))
      if (columns.every((c, i) => valuesEqual(r[c]!, key[i]!))) out.push(r);
    return out;
  }

  /** Reads every relation not read yet: from now on, nothing reads the live stores. */
  freeze(): void {
    for (const id of this.relationIds) this.readRelation(id);
    this.frozen = true;
  }
}
