/**
 * @module runtime/statements/reads
 * What a statement reads. Outside a transaction: the last committed step. Inside one: the step
 * of its snapshot (later commits taken back out), with the transaction's own writes overlaid;
 * other sessions never see those writes until COMMIT applies them.
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import type { Value } from '../../common/value.ts';
import { valuesEqual } from '../../common/value-ops.ts';
import { Batch } from '../../dataflow/batch.ts';
import type { EvaluationSource } from '../../plan/evaluate/evaluate.ts';
import { hashKey, keysEqual, RowKeyMap } from '../../plan/evaluate/row-key-map.ts';
import type { StatementContext } from './context.ts';

/** True when this statement's writes must not touch the shared stores yet. */
export function writesDeferred(ctx: StatementContext): boolean {
  return ctx.session.transaction !== null || ctx.dryRun === true;
}

/** The changes to lay over `relationId`'s current contents for this statement, if any. */
function overlayFor(ctx: StatementContext, relationId: number): Batch | undefined {
  return ctx.session.transaction?.overlay(ctx.session.db, relationId);
}

export function readSource(ctx: StatementContext): EvaluationSource {
  const db = ctx.session.db;
  const txn = ctx.session.transaction;
  if (!txn) return db;
  return {
    readRelation: (id) => {
      txn.noteRead(id);
      const base = db.readRelation(id);
      const changes = overlayFor(ctx, id);
      return changes ? overlay(base, changes) : base;
    },
    indexes: (id) => db.indexes(id),
    // The committed rows from the index, with the overlaid changes to rows of that key.
    lookup: (id, columns, key) => {
      txn.noteRead(id, columns, key);
      const base = db.lookup(id, columns, key);
      const changes = overlayFor(ctx, id);
      return changes ? overlay(base, rowsWithKey(changes, columns, key)) : base;
    },
  };
}

/** The rows of `batch` whose `columns` equal `key` (NULL never equals, as in a lookup). */
function rowsWithKey(batch: Batch, columns: readonly number[], key: readonly Value[]): Batch {
  const out = new Batch(batch.arity);
  if (key.some((v) => v === null)) return out;
  for (let i = 0; i < batch.length; i++) {
    const base = i * batch.arity;
    if (columns.every((c, k) => valuesEqual(batch.values[base + c]!, key[k]!)))
      out.push(batch.values, base, batch.weights[i]!);
  }
  return out;
}

/** `rows` with the weighted changes of `batch` applied (a removal takes out one equal row per unit). */
function overlay(rows: Iterable<Value[]>, batch: Batch): Value[][] {
  const net = new RowKeyMap<{ row: Value[]; weight: number }>();
  for (let i = 0; i < batch.length; i++) {
    const row = batch.row(i);
    net.upsert(row, () => ({ row, weight: 0 })).weight += batch.weights[i]!;
  }
  const out: Value[][] = [];
  for (const row of rows) {
    const change = net.get(row);
    if (change && change.weight < 0) {
      change.weight++;
      continue;
    }
    out.push(row);
  }
  for (const { value } of net.entries()) for (let k = 0; k < value.weight; k++) out.push(value.row);
  return out;
}

/**
 * Whether a row with primary key `key` exists for this statement: in the contents as it reads
 * them (its transaction's snapshot and own writes), or committed by someone else since then (as
 * in PostgreSQL, a key is checked against every committed row, visible or not).
 */
export function keyExists(ctx: StatementContext, table: TableEntry, key: readonly Value[]): boolean {
  ctx.session.transaction?.noteRead(table.id, table.primaryKey, key);
  const committed = ctx.session.db.store(table.id).lookupKey(key) !== undefined;
  const changes = overlayFor(ctx, table.id);
  if (!changes) return committed;
  const own = ctx.session.transaction?.changes.byRelation.get(table.id);
  const removedByOwn = own !== undefined && keyWeights(table, own, key).some((w) => w < 0);
  const visible = (committed ? 1 : 0) + keyWeights(table, changes, key).reduce((a, w) => a + w, 0);
  return visible > 0 || (committed && !removedByOwn);
}

/** The weights of the rows of `batch` whose primary key is `key`. */
function keyWeights(table: TableEntry, batch: Batch, key: readonly Value[]): number[] {
  const h = hashKey(key);
  const out: number[] = [];
  for (let i = 0; i < batch.length; i++) {
    const rowKey = table.primaryKey.map((c) => batch.values[i * batch.arity + c]!);
    if (hashKey(rowKey) === h && keysEqual(rowKey, key)) out.push(batch.weights[i]!);
  }
  return out;
}

/**
 * The row with primary key `key` as this statement reads it (its transaction's snapshot and own
 * writes), or undefined; unlike `keyExists`, a row committed by someone else since the snapshot
 * is not seen.
 */
export function visibleRow(
  ctx: StatementContext,
  table: TableEntry,
  key: readonly Value[],
): Value[] | undefined {
  ctx.session.transaction?.noteRead(table.id, table.primaryKey, key);
  const committed = ctx.session.db.store(table.id).lookupKey(key);
  const changes = overlayFor(ctx, table.id);
  if (!changes) return committed;
  return overlay(committed ? [committed] : [], rowsWithKey(changes, table.primaryKey, key))[0];
}
