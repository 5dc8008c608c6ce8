/**
 * @module runtime/statements/reads
 * What a statement reads: the last committed step, with its own session's open transaction's
 * writes overlaid (PostgreSQL's read-committed view from inside a transaction). Other sessions
 * never see those writes until COMMIT applies them.
 */
import type { TableEntry } from '../../catalog/catalog.ts';
import type { Value } from '../../common/value.ts';
import type { Batch } from '../../dataflow/batch.ts';
import type { EvaluationSource } from '../../plan/evaluate/evaluate.ts';
import { hashKey, keysEqual, RowKeyMap } from '../../plan/evaluate/row-key-map.ts';
import type { StatementContext } from './context.ts';

/** True when this statement's writes must not touch the shared stores yet. */
export function writesDeferred(ctx: StatementContext): boolean {
  return ctx.session.transaction !== null || ctx.dryRun === true;
}

function pendingFor(ctx: StatementContext, relationId: number): Batch | undefined {
  const b = ctx.session.transaction?.changes.byRelation.get(relationId);
  return b && b.length > 0 ? b : undefined;
}

export function readSource(ctx: StatementContext): EvaluationSource {
  const db = ctx.session.db;
  if (!ctx.session.transaction) return db;
  return {
    readRelation: (id) => {
      const base = db.readRelation(id);
      const pending = pendingFor(ctx, id);
      return pending ? overlay(base, pending) : base;
    },
    // Point lookups only where the transaction has not written (its writes are not indexed).
    indexes: (id) => (pendingFor(ctx, id) ? [] : db.indexes(id)),
    lookup: (id, columns, key) => db.lookup(id, columns, key),
  };
}

/** `rows` with the weighted changes of `batch` applied (a removal takes out one equal row per unit). */
function overlay(rows: Value[][], batch: Batch): Value[][] {
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
 * Whether a row with primary key `key` exists for this statement: the committed row, unless the
 * open transaction removed it, or a row the transaction added.
 */
export function keyExists(ctx: StatementContext, table: TableEntry, key: readonly Value[]): boolean {
  const store = ctx.session.db.store(table.id);
  let count = store.lookupKey(key) === undefined ? 0 : 1;
  const pending = pendingFor(ctx, table.id);
  if (pending) {
    const h = hashKey(key);
    for (let i = 0; i < pending.length; i++) {
      const rowKey = table.primaryKey.map((c) => pending.values[i * pending.arity + c]!);
      if (hashKey(rowKey) === h && keysEqual(rowKey, key)) count += pending.weights[i]!;
    }
  }
  return count > 0;
}
