/**
 * @module runtime/statements/upsert
 * INSERT … ON CONFLICT: the conflict target (a column list or `ON CONSTRAINT name`, which must be
 * the primary key, else 42P10 / 42704) and DO UPDATE SET … [WHERE …] with PostgreSQL's rules:
 * EXCLUDED is the proposed row, a row whose key exists is updated (a retraction of the old row and
 * the new one), and one command may not affect the same row twice (21000). Inside a transaction,
 * a key someone else committed since the snapshot fails with 40001, as at REPEATABLE READ.
 */
import type { OnConflictClause } from 'libpg-query';
import type { TableEntry } from '../../catalog/catalog.ts';
import {
  ConstraintError,
  FeatureNotSupportedError,
  SemanticError,
  SerializationError,
  SqlState,
} from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { RowKeyMap } from '../../plan/evaluate/row-key-map.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { bindScalar, coerce, type ScopeColumn } from '../../sql/bind/index.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { checkRows, checkRowValues } from './insert.ts';
import { keyExists, visibleRow } from './reads.ts';
import { evaluateOverRows, tableScope } from './returning.ts';
import { bindAssignments } from './update-delete.ts';

/** The writes of an upsert, checked and not applied yet. */
export interface UpsertWrites {
  readonly removed: Value[][];
  readonly added: Value[][];
  /** The rows inserted or updated, in the order proposed (what RETURNING reads). */
  readonly written: Value[][];
}

/** Checks that an ON CONFLICT target names the primary key (none given: any conflict). */
export function checkConflictTarget(table: TableEntry, clause: OnConflictClause): void {
  const infer = clause.infer;
  if (!infer) {
    if (clause.action === 'ONCONFLICT_UPDATE')
      throw new SemanticError(
        SqlState.syntaxError,
        'ON CONFLICT DO UPDATE requires inference specification or constraint name',
        { hint: 'For example, ON CONFLICT (column_name).' },
      );
    return;
  }
  const keyed = table.primaryKey.length > 0 && table.kind !== 'source';
  if (infer.conname !== undefined) {
    if (!keyed || infer.conname !== `${table.name}_pkey`)
      throw new SemanticError(
        SqlState.undefinedObject,
        `constraint "${infer.conname}" for table "${table.name}" does not exist`,
      );
    return;
  }
  const names = (infer.indexElems ?? []).map((n) => ('IndexElem' in n ? n.IndexElem.name : undefined));
  const columns = new Set(names.map((name) => table.columns.findIndex((c) => c.name === name)));
  for (const name of names) {
    if (name !== undefined && !table.columns.some((c) => c.name === name))
      throw new SemanticError(SqlState.undefinedColumn, `column "${name}" does not exist`);
  }
  const matches =
    keyed &&
    !names.includes(undefined) &&
    columns.size === table.primaryKey.length &&
    table.primaryKey.every((c) => columns.has(c));
  if (!matches)
    throw new SemanticError(
      SqlState.invalidColumnReference,
      'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    );
}

/**
 * The writes of INSERT … ON CONFLICT (key) DO UPDATE for the proposed `rows` (complete, with
 * defaults). Each row whose key has no row is inserted; otherwise SET is evaluated over the
 * existing row and EXCLUDED (the proposal), and applied if WHERE holds.
 */
export function prepareConflictUpdate(
  ctx: StatementContext,
  table: TableEntry,
  alias: string | undefined,
  clause: OnConflictClause,
  rows: Value[][],
): UpsertWrites {
  if (table.kind === 'source')
    throw new FeatureNotSupportedError(
      `cannot ON CONFLICT DO UPDATE source "${table.name}": a source is append-only`,
    );
  const arity = table.columns.length;
  const scope: ScopeColumn[] = [
    ...tableScope(table, alias),
    ...table.columns.map((c, i) => ({ table: 'excluded', name: c.name, type: c.type, index: arity + i })),
  ];
  const assignments = bindAssignments(ctx, table, clause.targetList ?? [], scope, 'UPDATE');
  const where = clause.whereClause
    ? coerce(bindScalar(clause.whereClause, scope, bindOptions(ctx), 'WHERE'), T.bool, false)
    : null;
  // NOT NULL holds for every proposed row, conflicting or not (PostgreSQL checks it first).
  checkRowValues(table, rows);
  const store = ctx.session.db.store(table.id);
  const existing = rows.map((row) => {
    const key = store.keyOf(row);
    const found = visibleRow(ctx, table, key);
    if (found === undefined && keyExists(ctx, table, key))
      throw new SerializationError('could not serialize access due to concurrent update', {
        detail: `A row of "${table.name}" with that key was committed by a concurrent transaction.`,
      });
    return found;
  });
  // SET and WHERE over each (existing row, proposal) pair, in one evaluation.
  const pairs = rows.flatMap((row, i) => (existing[i] ? [[...existing[i], ...row]] : []));
  const exprs: ScalarExpr[] = [...assignments.map((a) => a.expr), ...(where ? [where] : [])];
  const pairSchema = scope.map((c) => ({ name: c.name, type: c.type, nullable: true }));
  const evaluated = evaluateOverRows(ctx, pairs, pairSchema, exprs);
  // Keys this command inserted or updated to, and keys it moved rows away from.
  const touched = new RowKeyMap<{ state: 'affected' | 'vacated' }>();
  const writes: UpsertWrites = { removed: [], added: [], written: [] };
  let pair = 0;
  for (const [i, row] of rows.entries()) {
    const key = store.keyOf(row);
    const state = touched.get(key)?.state;
    if (state === 'affected') throw affectedTwice();
    const old = existing[i];
    const values = old ? evaluated[pair++]! : undefined;
    if (!old || state === 'vacated') {
      // A key vacated by this command's own update takes the proposal as a new row.
      writes.added.push(row);
      writes.written.push(row);
      touch(touched, key, 'affected');
      continue;
    }
    if (where && values![assignments.length] !== true) continue;
    const updated = old.slice();
    assignments.forEach((a, k) => {
      updated[a.index] = values![k]!;
    });
    const newKey = store.keyOf(updated);
    if (touched.get(newKey)?.state === 'affected') throw affectedTwice();
    touch(touched, key, 'vacated');
    touch(touched, newKey, 'affected');
    writes.removed.push(old);
    writes.added.push(updated);
    writes.written.push(updated);
  }
  checkRows(ctx, table, writes.added, false, writes.removed);
  const txn = ctx.session.transaction;
  if (txn && !ctx.dryRun) for (const row of writes.added) txn.noteUpsert(table.id, store.keyOf(row));
  return writes;
}

function touch(
  touched: RowKeyMap<{ state: 'affected' | 'vacated' }>,
  key: readonly Value[],
  state: 'affected' | 'vacated',
): void {
  touched.upsert(key, () => ({ state })).state = state;
}

function affectedTwice(): ConstraintError {
  return new ConstraintError(
    SqlState.cardinalityViolation,
    'ON CONFLICT DO UPDATE command cannot affect row a second time',
    {
      hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
    },
  );
}
