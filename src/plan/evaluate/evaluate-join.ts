/**
 * @module plan/evaluate/evaluate-join
 * The one-shot evaluator's joins (every join type). When the condition has conjuncts
 * `leftColumn = rightColumn` (or IS NOT DISTINCT FROM), the right side is hashed on those columns
 * and each left row is tested only against the right rows with equal keys; otherwise every pair
 * is tested. Either way a pair matches only when the whole condition is TRUE, so the hash is
 * purely a way to skip pairs that cannot match. The left side streams through; the right side
 * is held. It yields when its guard says the evaluation's time slice is over.
 * A row error raised by the left side before its first row is due only if the right side has a
 * row, in a join that outputs no left row alone (docs/sql.md, "Which input of a join runs first").
 */
import type { Value } from '../../common/value.ts';
import { isRowError } from '../../dataflow/row-errors.ts';
import type { RowFn } from '../compile-scalar.ts';
import type { LogicalPlan } from '../logical.ts';
import { splitJoinCondition } from '../lower/lower-join.ts';
import type { QueryGuard } from './query-guard.ts';
import { RowKeyMap } from './row-key-map.ts';
import { collectRows, type Evaluation, type RowStream, type Rows } from './row-stream.ts';
import { settle } from './subquery-pending.ts';

type JoinPlan = Extract<LogicalPlan, { kind: 'join' }>;

/** Column pairs to hash on: left column, right column (relative to the right row), null-safe. */
interface HashKey {
  readonly left: number[];
  readonly right: number[];
  readonly nullSafe: boolean[];
}

/**
 * Joins the `left` stream with the `right` rows under `plan`'s condition `on` (compiled over
 * left ++ right). The right side is read (and held) once the left side's first row is there, as
 * PostgreSQL's hash join reads its outer side's first row before it builds; the left side streams.
 */
export function* joinRows(
  plan: JoinPlan,
  left: RowStream,
  rightStream: RowStream,
  on: RowFn,
  guard: QueryGuard,
): RowStream {
  const leftArity = plan.left.schema.length;
  const rightArity = plan.right.schema.length;
  const outArity = leftArity + rightArity;
  const semiOrAnti = plan.joinType === 'semi' || plan.joinType === 'anti';
  // A null-aware anti join must see whether any pair is UNKNOWN, so it tests every pair.
  const key = plan.nullAwareAnti ? null : columnKey(plan, leftArity);
  let right: Rows | null = null;
  let candidatesOf: (l: readonly Value[]) => readonly number[] = () => [];
  let rightMatched = new Uint8Array(0);
  function* build(): Evaluation<Rows> {
    const rows = yield* collectRows(rightStream, rightArity, guard);
    const everyRow = key ? [] : Array.from({ length: rows.length }, (_, j) => j);
    candidatesOf = key ? yield* hashCandidates(rows, key, guard) : () => everyRow;
    rightMatched = new Uint8Array(rows.length);
    return rows;
  }
  // Joins whose output needs a row from both sides: with no right row there is nothing to output.
  const needsBoth = plan.joinType === 'inner' || plan.joinType === 'right' || plan.joinType === 'semi';
  const row: Value[] = new Array(outArity);
  try {
    for (;;) {
      let next: IteratorResult<Value[] | undefined, void>;
      try {
        next = left.next();
      } catch (e) {
        // A data error before the left side's first row: the other side decides whether it was due.
        if (right !== null || !needsBoth || !isRowError(e)) throw e;
        right = yield* build();
        if (right.length === 0) return;
        throw e;
      }
      if (next.done) break;
      const l = next.value;
      if (l === undefined) {
        yield;
        continue;
      }
      right ??= yield* build();
      for (let i = 0; i < leftArity; i++) row[i] = l[i]!;
      let matched = false;
      let unknown = false;
      const candidates = candidatesOf(l);
      for (let c = 0; c < candidates.length; c++) {
        const j = candidates[c]!;
        const r = right[j]!;
        for (let i = 0; i < rightArity; i++) row[leftArity + i] = r[i]!;
        let test: Value;
        try {
          test = on(row, 0);
        } catch (x) {
          // A subquery in the condition that needs more than a slice (see subquery-pending).
          test = yield* settle(() => on(row, 0), x);
        }
        if (guard.worked()) yield;
        if (test === null) unknown = true;
        if (test !== true) continue;
        matched = true;
        rightMatched[j] = 1;
        if (semiOrAnti) break;
        yield row.slice();
      }
      if (plan.joinType === 'semi' && matched) yield l;
      if (plan.joinType === 'anti' && !matched && !(plan.nullAwareAnti && unknown)) yield l;
      if ((plan.joinType === 'left' || plan.joinType === 'full') && !matched) {
        yield [...l, ...new Array<Value>(rightArity).fill(null)];
      }
    }
    // No left row: only a join that outputs right rows alone (RIGHT, FULL) reads the right input.
    // A LEFT, semi or anti join stops there as PostgreSQL 15 does with an empty outer side (fuzz
    // 1212:123); an inner join too (606:896; see docs/sql.md, "Which input of a join runs first").
    if (plan.joinType === 'right' || plan.joinType === 'full') {
      right ??= yield* build();
      for (let j = 0; j < right.length; j++) {
        if (!rightMatched[j]) yield [...new Array<Value>(leftArity).fill(null), ...right[j]!];
        if (guard.worked()) yield;
      }
    }
  } finally {
    left.return();
    if (right) guard.release(right.length, rightArity);
  }
}

/**
 * The condition's column = column conjuncts, if any. Only plain columns: a key expression would
 * be computed for rows the condition might never evaluate it on (`x <> 0 AND 10 / x = y`).
 */
function columnKey(plan: JoinPlan, leftArity: number): HashKey | null {
  const key: HashKey = { left: [], right: [], nullSafe: [] };
  for (const k of splitJoinCondition(plan.on, leftArity).keys) {
    if (typeof k.left !== 'number' || typeof k.right !== 'number') continue;
    key.left.push(k.left);
    key.right.push(k.right);
    key.nullSafe.push(k.nullSafe);
  }
  return key.left.length > 0 ? key : null;
}

/** Indexes the right rows by key; answers the right rows a left row can match. */
function* hashCandidates(
  right: Rows,
  key: HashKey,
  guard: QueryGuard,
): Evaluation<(l: readonly Value[]) => readonly number[]> {
  const byKey = new RowKeyMap<number[]>();
  for (let j = 0; j < right.length; j++) {
    const k = key.right.map((c) => right[j]![c]!);
    if (!hasNullKey(k, key)) byKey.upsert(k, () => []).push(j);
    if (guard.worked()) yield;
  }
  const none: readonly number[] = [];
  return (l) => {
    const k = key.left.map((c) => l[c]!);
    return hasNullKey(k, key) ? none : (byKey.get(k) ?? none);
  };
}

/** `=` never holds for NULL; IS NOT DISTINCT FROM matches NULL with NULL (as grouping does). */
function hasNullKey(values: readonly Value[], key: HashKey): boolean {
  for (let i = 0; i < values.length; i++) if (values[i] === null && !key.nullSafe[i]) return true;
  return false;
}
