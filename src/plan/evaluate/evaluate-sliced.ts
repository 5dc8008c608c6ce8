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
import { type EvaluationSource, type Rows, startEvaluation } from './evaluate.ts';
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
  const frozen = new FreezingSource(source, readRelations(plan));
  const evaluation = startEvaluation(plan, frozen, guard);
  guard.startSlice();
  const first = within(() => evaluation.next());
  if (first.done) return first.value;
  within(() => frozen.freeze());
  return (async () => {
    try {
      for (;;) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        guard.startSlice();
        const step = within(() => {
          guard.check();
          return evaluation.next();
        });
        if (step.done) return step.value;
      }
    } finally {
      // A rejected evaluation is left unfinished: closing it releases what it holds.
      evaluation.return([]);
    }
  })();
}

/**
 * A source that keeps what it read, so a relation read twice reads the same rows; once frozen,
 * it holds every relation the query can read and never asks the live source again.
 */
class FreezingSource implements EvaluationSource {
  private readonly live: EvaluationSource;
  private readonly relationIds: ReadonlySet<number>;
  private readonly read = new Map<number, Rows>();
  private frozen = false;

  constructor(live: EvaluationSource, relationIds: ReadonlySet<number>) {
    this.live = live;
    this.relationIds = relationIds;
    if (live.indexes) this.indexes = (id) => live.indexes!(id);
  }

  indexes?: (relationId: number) => readonly (readonly number[])[];

  readRelation(relationId: number): Rows {
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
    return this.readRelation(relationId).filter((r) => columns.every((c, i) => valuesEqual(r[c]!, key[i]!)));
  }

  /** Reads every relation not read yet: from now on, nothing reads the live stores. */
  freeze(): void {
    for (const id of this.relationIds) this.readRelation(id);
    this.frozen = true;
  }
}
