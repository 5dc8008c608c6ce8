/**
 * @module runtime/statements/create-view
 * CREATE [OR REPLACE] VIEW, CREATE MATERIALIZED VIEW (maintained incrementally from then on)
 * and CREATE INDEX (recorded for serving; tables and materialized views only).
 */
import type { CreateTableAsStmt, IndexStmt, Node, ViewStmt } from 'libpg-query';
import type { ViewEntry } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { isAppendOnly } from '../../plan/append-only.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { optimize } from '../../plan/optimize/optimize.ts';
import { readRelations } from '../../plan/plan-visit.ts';
import { checkTemporalFilters, temporalClockNames } from '../../plan/temporal-filter.ts';
import { windowCloseOf } from '../../plan/window-close.ts';
import { findClockDependence, refuseClockDependence } from '../../sql/bind/clock-dependence.ts';
import { appendOnlyRelation, relationWatermark } from '../event-time.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';
import { planSelect } from './query.ts';

function renameColumns(plan: LogicalPlan, aliases: readonly Node[]): LogicalPlan {
  const names = aliases.map((n) => ('String' in n ? n.String.sval! : ''));
  if (names.length > plan.schema.length) {
    throw new SemanticError(SqlState.syntaxError, 'CREATE VIEW specifies more column names than columns');
  }
  if (names.length === 0) return plan;
  return { ...plan, schema: plan.schema.map((c, i) => ({ ...c, name: names[i] ?? c.name })) } as LogicalPlan;
}

/**
 * What a view depends on: the relations its plan reads, and the views it names, which the plan
 * inlines. Dropping any of them must be refused (2BP01) or cascade to the view.
 */
function dependencies(plan: LogicalPlan, named: ReadonlySet<number>): number[] {
  return [...new Set([...readRelations(plan), ...named])];
}

function checkDuplicateNames(plan: LogicalPlan): void {
  const seen = new Set<string>();
  for (const c of plan.schema) {
    if (seen.has(c.name))
      throw new SemanticError(SqlState.duplicateColumn, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
}

export function executeCreateView(ctx: StatementContext, stmt: ViewStmt): StatementResult {
  const catalog = ctx.session.db.catalog;
  const name = stmt.view!.relname!;
  const query = stmt.query!;
  if (!('SelectStmt' in query)) throw new FeatureNotSupportedError('view query');
  const named = new Set<number>();
  const { result: bound, uses } = catalog.collectFunctionUses(() => planSelect(ctx, query.SelectStmt, named));
  const plan = renameColumns(bound, stmt.aliases ?? []);
  checkDuplicateNames(plan);
  const existing = catalog.relation(name);
  if (existing) {
    if (!stmt.replace || existing.kind !== 'view')
      throw new SemanticError(SqlState.duplicateTable, `relation "${name}" already exists`);
    if (catalog.dependents(existing.id).length > 0) {
      throw new FeatureNotSupportedError(
        'CREATE OR REPLACE VIEW of a view other objects depend on is not supported yet',
      );
    }
    catalog.removeRelation(existing.id);
  }
  const entry: ViewEntry = {
    kind: 'view',
    id: catalog.allocateId(),
    name,
    schema: plan.schema,
    plan,
    dependsOn: dependencies(plan, named),
    sql: ctx.text,
    ...(uses.length > 0 ? { usesFunctions: uses } : {}),
  };
  const clock = findClockDependence(query, catalog);
  catalog.addRelation(
    clock
      ? { ...entry, clockDependence: { name: clock.name, random: clock.random, query: query.SelectStmt } }
      : entry,
  );
  return commandResult('CREATE VIEW');
}

export function executeCreateMaterializedView(
  ctx: StatementContext,
  stmt: CreateTableAsStmt,
  /** Where `EMIT ON WINDOW CLOSE` was written, when it was. */
  emitOnWindowClose?: number,
): StatementResult {
  const db = ctx.session.db;
  const name = stmt.into!.rel!.relname!;
  if (db.catalog.relation(name)) {
    if (stmt.if_not_exists) return commandResult('CREATE MATERIALIZED VIEW');
    throw new SemanticError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  const query = stmt.query!;
  if (!('SelectStmt' in query)) throw new FeatureNotSupportedError('materialized view query');
  // now() and its kin are allowed in temporal filters only: bound as calls, checked in the plan.
  const allowed = (fn: string): boolean => temporalClockNames.has(fn) || fn === 'proctime()';
  refuseClockDependence(query, db.catalog, allowed);
  const temporal = findClockDependence(query, db.catalog) !== null;
  const named = new Set<number>();
  const { result: bound, uses } = db.catalog.collectFunctionUses(() =>
    planSelect(ctx, query.SelectStmt, named, temporal),
  );
  const plan = renameColumns(bound, stmt.into!.colNames ?? []);
  checkDuplicateNames(plan);
  const optimized = optimize(plan);
  if (temporal)
    checkTemporalFilters(
      optimized,
      (fn) => {
        const found = findClockDependence(query, db.catalog, (other) => other !== fn);
        return found?.view === undefined ? found?.position : undefined;
      },
      (input) => isAppendOnly(input, (id) => appendOnlyRelation(db.catalog, id)),
    );
  const windowClose =
    emitOnWindowClose === undefined
      ? undefined
      : windowCloseOf(plan, (relationId) => relationWatermark(db.catalog, relationId), emitOnWindowClose + 1);
  const reads = new Set([...readRelations(plan), ...(windowClose?.reads ?? [])]);
  const id = db.catalog.allocateId();
  const entry: ViewEntry = {
    kind: 'materializedView',
    id,
    name,
    schema: plan.schema,
    plan,
    dependsOn: dependencies(plan, named),
    sql: ctx.text,
    ...(uses.length > 0 ? { usesFunctions: uses } : {}),
  };
  // Named first: a name taken meanwhile fails before any maintenance starts.
  db.catalog.addRelation(entry);
  try {
    db.addMaterializedView(id, optimized, reads, name, windowClose);
  } catch (err) {
    db.catalog.removeRelation(id);
    throw err;
  }
  return commandResult('CREATE MATERIALIZED VIEW');
}

export function executeCreateIndex(ctx: StatementContext, stmt: IndexStmt): StatementResult {
  const catalog = ctx.session.db.catalog;
  const relation = catalog.requireRelation(stmt.relation!.relname!);
  if (relation.kind === 'view')
    throw new SemanticError(
      SqlState.wrongObjectType,
      `"${relation.name}" is not a table or materialized view`,
    );
  const columns = (stmt.indexParams ?? []).map((n) => {
    const column = 'IndexElem' in n ? n.IndexElem.name : undefined;
    if (!column) throw new FeatureNotSupportedError('indexes on expressions are not supported');
    const i = relation.schema.findIndex((c) => c.name === column);
    if (i < 0) throw new SemanticError(SqlState.undefinedColumn, `column "${column}" does not exist`);
    return i;
  });
  const name =
    stmt.idxname ?? `${relation.name}_${columns.map((i) => relation.schema[i]!.name).join('_')}_idx`;
  if (catalog.index(name)) {
    if (stmt.if_not_exists) return commandResult('CREATE INDEX');
    throw new SemanticError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  catalog.addIndex({ name, relationId: relation.id, columns });
  if (ctx.session.db.hasStore(relation.id)) ctx.session.db.store(relation.id).addIndex(columns);
  return commandResult('CREATE INDEX');
}
