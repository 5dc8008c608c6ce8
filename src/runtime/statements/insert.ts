/**
 * @module runtime/statements/insert
 * INSERT … VALUES / INSERT … SELECT, with column lists, DEFAULT, NOT NULL and primary-key
 * checks, ON CONFLICT (see upsert.ts) and RETURNING. All rows are computed and checked before any is applied,
 * so a failing INSERT changes nothing.
 */
import type { InsertStmt, Node, SelectStmt } from 'libpg-query';
import type { TableEntry } from '../../catalog/catalog.ts';
import {
  ConstraintError,
  DataError,
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
} from '../../common/errors.ts';
import { checkUnicodeText } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import { bpcharIn, formatText } from '../../functions/text-io.ts';
import { evaluatePlan } from '../../plan/evaluate/evaluate.ts';
import { RowKeyMap } from '../../plan/evaluate/row-key-map.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { bindQuery, bindScalar, coerceForAssignment } from '../../sql/bind/index.ts';
import type { StatementResult } from '../result.ts';
import type { RelationStore } from '../row-store.ts';
import { columnDefaults, type DefaultProducer } from './column-defaults.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { refuseKeptRelation } from './create-source.ts';
import { refuseEventTimeWrite } from './create-watermark.ts';
import { keyExists, readSource, writesDeferred } from './reads.ts';
import { bindReturning, writeResult } from './returning.ts';
import { checkConflictTarget, prepareConflictUpdate } from './upsert.ts';

export function executeInsert(ctx: StatementContext, stmt: InsertStmt): StatementResult {
  const table = requireTable(ctx, stmt.relation!.relname!);
  const alias = stmt.relation!.alias?.aliasname;
  const returning = bindReturning(ctx, table, alias, stmt.returningClause);
  const targets = targetColumns(table, stmt.cols ?? []);
  const source = stmt.selectStmt && 'SelectStmt' in stmt.selectStmt ? stmt.selectStmt.SelectStmt : null;
  // With a column list every named column needs a value (PostgreSQL's rule); without one, the
  // columns left over take their defaults.
  const exact = (stmt.cols ?? []).length > 0;
  const input = source ? sourceRows(ctx, table, targets, source, exact) : [[]];
  const defaults = columnDefaults(table, ctx.session.settings);
  const rows = input.map((values) => fullRow(table, targets, values, defaults));
  const conflict = stmt.onConflictClause;
  if (conflict) checkConflictTarget(table, conflict);
  if (conflict?.action === 'ONCONFLICT_UPDATE') {
    const writes = prepareConflictUpdate(ctx, table, alias, conflict, rows);
    const count = writes.written.length;
    const result = writeResult(ctx, table, `INSERT 0 ${count}`, count, returning, writes.written);
    applyRows(ctx, table.id, writes.removed, -1);
    applyRows(ctx, table.id, writes.added, 1);
    return result;
  }
  const accepted = checkRows(ctx, table, rows, conflict !== undefined);
  const result = writeResult(ctx, table, `INSERT 0 ${accepted.length}`, accepted.length, returning, accepted);
  applyRows(ctx, table.id, accepted, 1);
  return result;
}

/** The table (or, for inserts, source) a write targets; views are not writable. */
export function requireTable(
  ctx: StatementContext,
  name: string,
  write: 'insert' | 'update' | 'delete' = 'insert',
): TableEntry {
  const relation = ctx.session.db.catalog.requireRelation(name);
  if (relation.kind === 'view' || relation.kind === 'materializedView') {
    throw new SemanticError(
      SqlState.wrongObjectType,
      `cannot change ${relation.kind === 'view' ? 'view' : 'materialized view'} "${name}"`,
    );
  }
  refuseKeptRelation(relation as TableEntry);
  if (relation.kind === 'source' && write !== 'insert') {
    throw new FeatureNotSupportedError(
      `cannot ${write.toUpperCase()} source "${name}": a source is append-only`,
    );
  }
  refuseEventTimeWrite(relation as TableEntry, write);
  return relation as TableEntry;
}

function targetColumns(table: TableEntry, cols: readonly Node[]): number[] {
  if (cols.length === 0) return table.columns.map((_, i) => i);
  const seen = new Set<number>();
  return cols.map((n) => {
    const name = 'ResTarget' in n ? n.ResTarget.name! : '';
    const i = table.columns.findIndex((c) => c.name === name);
    if (i < 0)
      throw new SemanticError(
        SqlState.undefinedColumn,
        `column "${name}" of relation "${table.name}" does not exist`,
      );
    if (seen.has(i))
      throw new SemanticError(SqlState.duplicateColumn, `column "${name}" specified more than once`);
    seen.add(i);
    return i;
  });
}

/** The rows to insert, one value (or `undefined` for DEFAULT) per target column. */
function sourceRows(
  ctx: StatementContext,
  table: TableEntry,
  targets: number[],
  select: SelectStmt,
  /** An explicit column list was given: each row must give exactly one value per named column. */
  exact: boolean,
): (Value | undefined)[][] {
  const checkWidth = (n: number): void => {
    if (n > targets.length)
      throw new SemanticError(SqlState.syntaxError, 'INSERT has more expressions than target columns');
    if (exact && n < targets.length)
      throw new SemanticError(SqlState.syntaxError, 'INSERT has more target columns than expressions');
  };
  const options = bindOptions(ctx);
  if (
    select.valuesLists &&
    (select.op ?? 'SETOP_NONE') === 'SETOP_NONE' &&
    !select.sortClause &&
    !select.limitCount
  ) {
    const lists = select.valuesLists.map((l) => ('List' in l ? (l.List.items ?? []) : []));
    const exprs: (ScalarExpr | undefined)[][] = lists.map((items) => {
      checkWidth(items.length);
      return items.map((item, k) => {
        if ('SetToDefault' in item) return undefined;
        const column = table.columns[targets[k]!]!;
        return coerceForAssignment(bindScalar(item, [], options, 'VALUES'), column.type, column.name);
      });
    });
    const plan: LogicalPlan = {
      kind: 'values',
      rows: exprs.map((r) =>
        r.map((e) => e ?? { kind: 'literal', value: null, type: table.columns[0]!.type }),
      ),
      schema: [],
    };
    const values = evaluatePlan(plan, readSource(ctx), ctx.guard);
    return values.map((row, i) => row.map((v, k) => (exprs[i]![k] === undefined ? undefined : v)));
  }
  const plan = bindQuery(select, options);
  checkWidth(plan.schema.length);
  const casts = plan.schema.map((c, k) => {
    const column = table.columns[targets[k]!]!;
    return coerceForAssignment({ kind: 'column', index: k, type: c.type }, column.type, column.name);
  });
  const mapped: LogicalPlan = { kind: 'map', input: plan, exprs: casts, schema: plan.schema };
  return evaluatePlan(mapped, readSource(ctx), ctx.guard);
}

function fullRow(
  table: TableEntry,
  targets: number[],
  values: (Value | undefined)[],
  defaults: readonly DefaultProducer[],
): Value[] {
  const row: Value[] = new Array(table.columns.length);
  const given = new Map<number, Value | undefined>();
  targets.forEach((t, k) => {
    if (k < values.length) given.set(t, values[k]);
  });
  table.columns.forEach((_, i) => {
    const v = given.get(i);
    row[i] = v === undefined ? defaults[i]!() : v;
  });
  return row;
}

/** NOT NULL and primary-key checks; with `skipConflicts`, rows whose key exists are dropped. */
export function checkRows(
  ctx: StatementContext,
  table: TableEntry,
  rows: Value[][],
  skipConflicts: boolean,
  removed: Value[][] = [],
): Value[][] {
  checkRowValues(table, rows);
  if (table.primaryKey.length === 0 || table.kind === 'source') return rows;
  const store = ctx.session.db.store(table.id);
  const accepted: Value[][] = [];
  const seen = new RowKeyMap<true>();
  const replaced = new RowKeyMap<true>();
  for (const r of removed) replaced.upsert(store.keyOf(r), () => true);
  for (const row of rows) {
    const key = store.keyOf(row);
    const conflict =
      (keyExists(ctx, table, key) && replaced.get(key) === undefined) || seen.get(key) !== undefined;
    if (conflict) {
      if (skipConflicts) continue;
      throw duplicateKey(table, store, row);
    }
    seen.upsert(key, () => true);
    accepted.push(row);
  }
  return accepted;
}

/** NOT NULL, text that is Unicode, and char(n) values in their form (rows are changed in place). */
export function checkRowValues(table: TableEntry, rows: Value[][]): void {
  const padded = bpcharColumns(table);
  for (const row of rows) {
    checkNotNull(table, row);
    checkTextValues(row, 0, row.length);
    for (const { index, length } of padded) {
      const v = row[index];
      if (typeof v === 'string') row[index] = bpcharIn(v, length);
    }
  }
}

/** Strings handed over as JavaScript values (library, HTTP): Unicode without NUL, else 22021. */
function checkTextValues(values: readonly Value[], from: number, to: number): void {
  for (let i = from; i < to; i++) {
    const v = values[i];
    if (typeof v === 'string') checkUnicodeText(v);
  }
}

/** The char(n) columns: values given as JavaScript strings still need char's value form. */
function bpcharColumns(table: TableEntry): { index: number; length: number | undefined }[] {
  return table.columns.flatMap((c, index) =>
    c.type.id === 'bpchar' ? [{ index, length: c.type.maxLength }] : [],
  );
}

/** Flat rows with char(n) values in their form (padded to n, length checked); copied only if needed. */
function withBpcharForms(table: TableEntry, values: readonly Value[], rowCount: number): readonly Value[] {
  const padded = bpcharColumns(table);
  if (padded.length === 0) return values;
  const arity = table.columns.length;
  let out: Value[] | null = null;
  for (let r = 0; r < rowCount; r++) {
    for (const { index, length } of padded) {
      const v = values[r * arity + index];
      if (typeof v !== 'string') continue;
      const form = bpcharIn(v, length);
      if (form === v) continue;
      out ??= values.slice();
      out[r * arity + index] = form;
    }
  }
  return out ?? values;
}

/**
 * Inserts rows, replacing the row of each key that exists (a retraction of the old row and the
 * new one). As in PostgreSQL, one call may not touch the same key twice (21000).
 */
function prepareUpsert(ctx: StatementContext, table: TableEntry, rows: Value[][]): PreparedInsert {
  checkRowValues(table, rows);
  const store = ctx.session.db.store(table.id);
  const seen = new RowKeyMap<true>();
  const replaced: Value[][] = [];
  for (const row of rows) {
    const key = store.keyOf(row);
    if (seen.get(key) !== undefined) {
      throw new ConstraintError(
        SqlState.cardinalityViolation,
        'ON CONFLICT DO UPDATE command cannot affect row a second time',
        {
          hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
        },
      );
    }
    seen.upsert(key, () => true);
    const existing = store.lookupKey(key);
    if (existing !== undefined) replaced.push(existing);
  }
  const apply = (): void => {
    applyRows(ctx, table.id, replaced, -1);
    applyRows(ctx, table.id, rows, 1);
  };
  return { count: rows.length, apply };
}

function checkNotNull(table: TableEntry, row: Value[]): void {
  table.columns.forEach((c, i) => {
    if (!c.nullable && row[i] === null) {
      throw new ConstraintError(
        SqlState.notNullViolation,
        `null value in column "${c.name}" of relation "${table.name}" violates not-null constraint`,
      );
    }
  });
}

/** The 23505 error for a row whose primary key is taken. */
export function duplicateKey(table: TableEntry, store: RelationStore, row: Value[]): ConstraintError {
  const names = table.primaryKey.map((i) => table.columns[i]!.name).join(', ');
  const values = store
    .keyOf(row)
    .map((v, k) => (v === null ? 'null' : formatText(v, table.columns[table.primaryKey[k]!]!.type)))
    .join(', ');
  return new ConstraintError(
    SqlState.uniqueViolation,
    `duplicate key value violates unique constraint "${table.name}_pkey"`,
    {
      detail: `Key (${names})=(${values}) already exists.`,
    },
  );
}

/** Applies rows with `weight` to the table's store and records them as the statement's changes. */
export function applyRows(
  ctx: StatementContext,
  tableId: number,
  rows: readonly Value[][],
  weight: number,
): void {
  const db = ctx.session.db;
  const store = !writesDeferred(ctx) && db.hasStore(tableId) ? db.store(tableId) : null;
  for (const row of rows) {
    store?.apply(row, 0, weight);
    ctx.changes.add(tableId, row, weight);
  }
}

/**
 * What an insert of the library or of HTTP ingest does with a row whose primary key exists:
 * fail with 23505 (`'error'`, as a plain INSERT), skip it (`'nothing'`, ON CONFLICT DO NOTHING),
 * or replace the existing row (`'update'`, ON CONFLICT (key) DO UPDATE SET every column).
 */
export type OnConflict = 'error' | 'nothing' | 'update';

/** An `onConflict` option as given (absent is `'error'`); anything else is 22023. */
export function conflictOption(given: unknown): OnConflict {
  if (given === undefined || given === null) return 'error';
  if (given === 'error' || given === 'nothing' || given === 'update') return given;
  throw new DataError(SqlState.invalidParameterValue, `invalid onConflict "${String(given)}"`, {
    hint: "Use 'update' (replace the row with the same key), 'nothing' (skip it) or 'error'.",
  });
}

/** A checked insert not applied yet: `apply()` writes it; until then nothing has changed. */
export interface PreparedInsert {
  /** Rows inserted or updated. */
  readonly count: number;
  apply(): void;
}

/**
 * Checks rows given flat (the library's and ingest's bulk path) and returns their write, so a call
 * touching several tables checks all of them before applying any. `stringsChecked`: the values come
 * from `convertFlat`, whose strings passed the Unicode check. NOT NULL is checked per value;
 * only a table with a primary key takes the per-row path for its key checks.
 */
export function prepareFlatInsert(
  ctx: StatementContext,
  table: TableEntry,
  values: readonly Value[],
  rowCount: number,
  onConflict: OnConflict = 'error',
  stringsChecked = false,
): PreparedInsert {
  const arity = table.columns.length;
  const keyed = table.primaryKey.length > 0 && table.kind !== 'source';
  if (onConflict !== 'error' && !keyed) {
    throw new SemanticError(
      SqlState.invalidColumnReference,
      `onConflict '${onConflict}' needs a primary key, and ${table.kind} "${table.name}" has none`,
      { hint: 'Declare a PRIMARY KEY on the table, or leave onConflict out.' },
    );
  }
  if (keyed) {
    const rows: Value[][] = [];
    for (let i = 0; i < rowCount; i++) rows.push(values.slice(i * arity, i * arity + arity));
    if (onConflict === 'update') return prepareUpsert(ctx, table, rows);
    const accepted = checkRows(ctx, table, rows, onConflict === 'nothing');
    return { count: accepted.length, apply: () => applyRows(ctx, table.id, accepted, 1) };
  }
  // convertFlat's strings are checked already: a second pass would cost as much as the scan.
  if (!stringsChecked) checkTextValues(values, 0, rowCount * arity);
  values = withBpcharForms(table, values, rowCount);
  const notNull = table.columns.flatMap((c, j) => (c.nullable ? [] : [j]));
  // Most sources and tables without a key have no NOT NULL column: no pass over the rows then.
  if (notNull.length > 0)
    for (let i = 0; i < rowCount; i++)
      for (const j of notNull)
        if (values[i * arity + j] === null) checkNotNull(table, values.slice(i * arity, i * arity + arity));
  const apply = (): void => {
    const db = ctx.session.db;
    const store = !writesDeferred(ctx) && db.hasStore(table.id) ? db.store(table.id) : null;
    if (store) for (let i = 0; i < rowCount; i++) store.apply(values, i * arity, 1);
    ctx.changes.addFlat(table.id, arity, values, rowCount);
  };
  return { count: rowCount, apply };
}

/** Checks and applies rows given flat (see `prepareFlatInsert`); returns the rows written. */
export function ingestFlat(
  ctx: StatementContext,
  table: TableEntry,
  values: readonly Value[],
  rowCount: number,
  onConflict: OnConflict = 'error',
): number {
  const prepared = prepareFlatInsert(ctx, table, values, rowCount, onConflict);
  prepared.apply();
  return prepared.count;
}
