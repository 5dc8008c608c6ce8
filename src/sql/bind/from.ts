/**
 * @module sql/bind/from
 * Binds a FROM clause: relations (tables, views inlined, materialized views, CTEs), derived
 * tables, and joins with ON / USING / NATURAL, producing a plan and the scope its columns form.
 * Comma-separated items are cross joins.
 */
import type { JoinExpr, Node, RangeFunction, RangeSubselect, RangeVar } from 'libpg-query';
import type { RelationEntry } from '../../catalog/catalog.ts';
import { resolveSystemRelation } from '../../catalog/system/resolve.ts';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  UndefinedObjectError,
} from '../../common/errors.ts';
import { type SqlType, T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { type RecordSetFunctionDef, recordSetFunctions } from '../../functions/index.ts';
import type { Column, JoinType, LogicalPlan } from '../../plan/logical.ts';
import { deepenOuterRefs } from '../../plan/plan-visit.ts';
import { markPullUpBarrier } from '../../plan/pull-up-barrier.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { coerce, commonType } from './coerce.ts';
import type { BindContext } from './context.ts';
import { bindExpr, equalityTest } from './expr.ts';
import { bindSetFunction, funcName } from './func-call.ts';
import { pickOverload } from './overload.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { bindWindowTableFunction, windowTableFunctions } from './window-tvf.ts';

export interface BoundFrom {
  readonly plan: LogicalPlan;
  readonly columns: ScopeColumn[];
}

/** The FROM clause as one plan; an empty FROM is a single row with no columns. */
export function bindFromClause(items: readonly Node[], outer: Scope, ctx: BindContext): BoundFrom {
  if (items.length === 0) return { plan: { kind: 'values', rows: [[]], schema: [] }, columns: [] };
  let result = bindFromItem(items[0]!, outer, ctx);
  for (const item of items.slice(1)) {
    const right = bindFromItem(item, outer, ctx);
    checkDistinctNames(result, right);
    result = joinBound(result, right, 'inner', { kind: 'literal', value: true, type: T.bool });
  }
  return result;
}

function bindFromItem(node: Node, outer: Scope, ctx: BindContext): BoundFrom {
  if ('RangeVar' in node) return bindRangeVar(node.RangeVar, outer, ctx);
  if ('RangeSubselect' in node) return bindRangeSubselect(node.RangeSubselect, outer, ctx);
  if ('JoinExpr' in node) return bindJoin(node.JoinExpr, outer, ctx);
  if ('RangeFunction' in node) return bindRangeFunction(node.RangeFunction, outer, ctx);
  throw new FeatureNotSupportedError(`FROM item ${Object.keys(node)[0]} is not supported`);
}

function bindRangeVar(rv: RangeVar, outer: Scope, ctx: BindContext): BoundFrom {
  const name = rv.relname!;
  const position = rv.location === undefined ? undefined : rv.location + 1;
  const alias = rv.alias?.aliasname ?? name;
  const cte = rv.schemaname ? undefined : outer.cte(name);
  let plan: LogicalPlan;
  if (cte) {
    cte.references++;
    // Read from a subquery deeper than the WITH, its outer references reach further out.
    plan = deepenOuterRefs(cte.plan, outer.level - cte.level);
  } else {
    plan =
      resolveSystemRelation(rv.schemaname, name, ctx.catalog, position) ??
      namedRelationPlan(name, ctx, position);
  }
  const colnames = (rv.alias?.colnames ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  if (colnames.length > plan.schema.length) {
    throw new SemanticError(
      SqlState.invalidColumnReference,
      `table "${alias}" has ${plan.schema.length} columns available but ${colnames.length} columns specified`,
    );
  }
  const names = cte ? cte.names : plan.schema.map((c) => c.name);
  const columns = plan.schema.map((c, i) => ({
    table: alias,
    name: colnames[i] ?? names[i] ?? c.name,
    type: c.type,
    index: i,
  }));
  return { plan, columns };
}

function namedRelationPlan(name: string, ctx: BindContext, position?: number): LogicalPlan {
  const relation = ctx.catalog.requireRelation(name, position);
  ctx.namedRelations?.add(relation.id);
  return relationPlan(relation, ctx);
}

/**
 * A user relation read in FROM: a view is inlined, anything else is read by id. A view over the
 * clock is bound again, since binding fixes now() and its kin to the binding statement's time.
 */
function relationPlan(relation: RelationEntry, ctx: BindContext): LogicalPlan {
  if (relation.kind === 'table' && relation.primaryKey.length > 0) {
    const { id, name, schema, primaryKey } = relation;
    return { kind: 'get', relationId: id, name, schema, uniqueKey: primaryKey };
  }
  if (relation.kind !== 'view') {
    return { kind: 'get', relationId: relation.id, name: relation.name, schema: relation.schema };
  }
  if (relation.clockDependence === undefined) return relation.plan;
  const plan = ctx.bindSubquery(relation.clockDependence.query, new Scope([], null));
  const schema = plan.schema.map((c, i) => ({ ...c, name: relation.schema[i]?.name ?? c.name }));
  return { ...plan, schema } as LogicalPlan;
}

function bindRangeSubselect(rs: RangeSubselect, outer: Scope, ctx: BindContext): BoundFrom {
  if (rs.lateral) throw new FeatureNotSupportedError('LATERAL subqueries are not supported yet');
  const sub = rs.subquery;
  if (!sub || !('SelectStmt' in sub)) throw new FeatureNotSupportedError('subquery in FROM');
  const plan = ctx.bindSubquery(sub.SelectStmt, outer, ctx.outerAggregates);
  markPullUpBarrier(sub.SelectStmt, plan);
  const alias = rs.alias?.aliasname ?? null;
  const colnames = (rs.alias?.colnames ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  const columns = plan.schema.map((c, i) => ({
    table: alias,
    name: colnames[i] ?? c.name,
    type: c.type,
    index: i,
  }));
  return { plan, columns };
}

/**
 * A set-returning function in FROM (`generate_series(1, 3) AS g(n)`, `unnest(…)`): one row per
 * value it produces, named by the alias's column list, else the alias, else the function.
 */
function bindRangeFunction(rf: RangeFunction, outer: Scope, ctx: BindContext): BoundFrom {
  if (rf.lateral) throw new FeatureNotSupportedError('LATERAL function calls are not supported yet');
  if (rf.ordinality) throw new FeatureNotSupportedError('WITH ORDINALITY is not supported yet');
  const items = rf.functions ?? [];
  const first = items[0];
  const pair = first && 'List' in first ? (first.List.items ?? []) : [];
  const callNode = pair[0];
  if (items.length !== 1 || !callNode || !('FuncCall' in callNode)) {
    throw new FeatureNotSupportedError(
      'ROWS FROM and function expressions other than calls are not supported in FROM',
    );
  }
  const call = callNode.FuncCall;
  const name = funcName(call);
  if (windowTableFunctions.has(name) && (call.funcname ?? []).length === 1)
    return bindWindowTableFunction(name, call, rf, outer, ctx, (relation) =>
      bindFromItem(relation, outer, ctx),
    );
  const position = call.location === undefined ? undefined : call.location + 1;
  const scalarCtx: BindContext = {
    ...ctx,
    aggregates: null,
    windows: null,
    aggregateClause: 'functions in FROM',
  };
  const args = (call.args ?? []).map((a) => bindExpr(a, new Scope([], outer, outer.ctes), scalarCtx));
  const alias = rf.alias?.aliasname ?? name;
  const colnames = (rf.alias?.colnames ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  const record = recordSetFunctions[name];
  const fn = record
    ? bindRecordSetFunction(name, record, args, position)
    : scalarSetFunction(name, args, ctx, position);
  const schema = fn.columns.map((c, i) => ({
    name: colnames[i] ?? (fn.columns.length === 1 ? alias : c.name),
    type: c.type,
    nullable: true,
  }));
  const plan: LogicalPlan = {
    kind: 'flatMap',
    input: { kind: 'values', rows: [[]], schema: [] },
    name,
    args: fn.args,
    impl: fn.rows,
    schema,
  };
  return { plan, columns: schema.map((c, i) => ({ table: alias, name: c.name, type: c.type, index: i })) };
}

interface SetFunction {
  readonly args: ScalarExpr[];
  readonly columns: readonly { readonly name: string; readonly type: SqlType }[];
  readonly rows: (values: readonly Value[]) => Iterable<Value[]>;
}

function scalarSetFunction(
  name: string,
  args: ScalarExpr[],
  ctx: BindContext,
  position?: number,
): SetFunction {
  const fn = bindSetFunction(name, args, ctx, position);
  return {
    args: fn.args,
    columns: [{ name, type: fn.type }],
    rows: function* (values) {
      for (const v of fn.rows(values)) yield [v];
    },
  };
}

/** A function returning rows of several columns (jsonb_each): its declared output columns. */
function bindRecordSetFunction(
  name: string,
  defs: readonly RecordSetFunctionDef[],
  args: ScalarExpr[],
  position?: number,
): SetFunction {
  const resolved = pickOverload(
    defs,
    (d) => ({ params: d.args, returns: T.text }),
    args.map((a) => a.type),
  );
  if (!resolved) {
    const signature = args.map((a) => typeName(a.type)).join(', ');
    throw new UndefinedObjectError(
      SqlState.undefinedFunction,
      `function ${name}(${signature}) does not exist`,
      { position },
    );
  }
  const def = resolved.candidate;
  const strict = def.strict;
  return {
    args: args.map((a, i) => coerce(a, resolved.params[i]!, false, position)),
    columns: def.columns,
    rows: (values) => (strict && values.some((v) => v === null) ? [] : def.impl(...values)),
  };
}

const joinTypes: Record<string, JoinType> = {
  JOIN_INNER: 'inner',
  JOIN_LEFT: 'left',
  JOIN_RIGHT: 'right',
  JOIN_FULL: 'full',
};

function bindJoin(j: JoinExpr, outer: Scope, ctx: BindContext): BoundFrom {
  const left = bindFromItem(j.larg!, outer, ctx);
  const right = bindFromItem(j.rarg!, outer, ctx);
  checkDistinctNames(left, right);
  const joinType = joinTypes[j.jointype ?? 'JOIN_INNER'];
  if (!joinType) throw new FeatureNotSupportedError(`join type ${j.jointype} is not supported`);
  const using = (j.usingClause ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  let result: BoundFrom;
  if (j.isNatural || using.length > 0) {
    const names = j.isNatural ? naturalColumns(left, right) : using;
    result = bindUsingJoin(left, right, joinType, names);
  } else {
    const combined = combine(left, right);
    const scope = new Scope(combined, outer);
    const on: ScalarExpr = j.quals
      ? coerce(
          bindExpr(j.quals, scope, {
            ...ctx,
            aggregates: null,
            windows: null,
            aggregateClause: 'JOIN conditions',
          }),
          T.bool,
          false,
        )
      : { kind: 'literal', value: true, type: T.bool };
    result = joinBound(left, right, joinType, on);
  }
  const alias = j.alias?.aliasname;
  if (alias)
    result = {
      plan: result.plan,
      columns: result.columns.filter((c) => !c.hidden).map((c) => ({ ...c, table: alias })),
    };
  return result;
}

/**
 * Two items of one FROM clause may not be known by the same name (42712), as in PostgreSQL: `t, t`
 * or `t AS a JOIN u AS a` would leave `a.x` meaning two things. An item's names are the tables its
 * columns are qualified by: a join's alias hides the names inside it, an unaliased subquery has none.
 * (PostgreSQL also lets the same unaliased name through when it names relations in two schemas.)
 */
function checkDistinctNames(left: BoundFrom, right: BoundFrom): void {
  const leftNames = new Set(left.columns.map((c) => c.table));
  for (const c of right.columns) {
    if (c.table !== null && leftNames.has(c.table))
      throw new SemanticError(SqlState.duplicateAlias, `table name "${c.table}" specified more than once`);
  }
}

function combine(left: BoundFrom, right: BoundFrom): ScopeColumn[] {
  const offset = left.plan.schema.length;
  return [...left.columns, ...right.columns.map((c) => ({ ...c, index: c.index + offset }))];
}

function nullableSchema(plan: LogicalPlan, nullable: boolean): Column[] {
  return plan.schema.map((c) => (nullable ? { ...c, nullable: true } : c));
}

/** Joins two bound items on `on` (over left ++ right columns). */
export function joinBound(left: BoundFrom, right: BoundFrom, joinType: JoinType, on: ScalarExpr): BoundFrom {
  const schema = [
    ...nullableSchema(left.plan, joinType === 'right' || joinType === 'full'),
    ...nullableSchema(right.plan, joinType === 'left' || joinType === 'full'),
  ];
  return {
    plan: { kind: 'join', joinType, left: left.plan, right: right.plan, on, schema },
    columns: combine(left, right),
  };
}

function naturalColumns(left: BoundFrom, right: BoundFrom): string[] {
  const rightNames = new Set(right.columns.filter((c) => !c.hidden).map((c) => c.name));
  return left.columns.filter((c) => !c.hidden && rightNames.has(c.name)).map((c) => c.name);
}

/**
 * USING / NATURAL: equality on the named columns; the merged columns come first (COALESCE of
 * both sides for a full join), then the other left and right columns. The sides' own copies stay
 * reachable by qualified name (hidden from `*`).
 */
function bindUsingJoin(left: BoundFrom, right: BoundFrom, joinType: JoinType, names: string[]): BoundFrom {
  const offset = left.plan.schema.length;
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined)
    throw new SemanticError(
      SqlState.duplicateColumn,
      `column name "${repeated}" appears more than once in USING clause`,
    );
  const find = (side: BoundFrom, name: string, which: string): ScopeColumn => {
    const matches = side.columns.filter((c) => c.name === name && !c.hidden);
    if (matches.length === 0) {
      throw new SemanticError(
        SqlState.undefinedColumn,
        `column "${name}" specified in USING clause does not exist in ${which} table`,
      );
    }
    if (matches.length > 1) {
      throw new SemanticError(
        SqlState.ambiguousColumn,
        `common column name "${name}" appears more than once in ${which} table`,
      );
    }
    return matches[0]!;
  };
  const pairs = names.map((name) => {
    const l = find(left, name, 'left');
    const r = find(right, name, 'right');
    const type = commonType([l.type, r.type], 'JOIN/USING');
    const le = coerce({ kind: 'column', index: l.index, type: l.type }, type, false);
    const re = coerce({ kind: 'column', index: r.index + offset, type: r.type }, type, false);
    return { name, l, r, le, re, type };
  });
  const on: ScalarExpr =
    pairs.length === 0
      ? { kind: 'literal', value: true, type: T.bool }
      : {
          kind: 'and',
          args: pairs.map((p) => equalityTest(p.le, p.re)),
          type: T.bool,
        };
  const joined = joinBound(left, right, joinType, on);
  const arity = joined.plan.schema.length;
  const merged: ScalarExpr[] = pairs.map((p) =>
    joinType === 'full'
      ? { kind: 'coalesce', args: [p.le, p.re], type: p.type }
      : joinType === 'right'
        ? p.re
        : p.le,
  );
  const passThrough: ScalarExpr[] = joined.plan.schema.map((c, i) => ({
    kind: 'column',
    index: i,
    type: c.type,
  }));
  const schema: Column[] = [
    ...joined.plan.schema,
    ...pairs.map((p, i) => ({
      name: p.name,
      type: p.type,
      nullable:
        merged[i]!.kind !== 'column' || joined.plan.schema[(merged[i] as { index: number }).index]!.nullable,
    })),
  ];
  const plan: LogicalPlan = { kind: 'map', input: joined.plan, exprs: [...passThrough, ...merged], schema };
  const usingNames = new Set(names);
  const mergedColumns: ScopeColumn[] = pairs.map((p, i) => ({
    table: null,
    name: p.name,
    type: p.type,
    index: arity + i,
  }));
  const others = joined.columns.map((c) => (usingNames.has(c.name) ? { ...c, hidden: true } : c));
  const leftOthers = others.filter((c) => c.index < offset);
  const rightOthers = others.filter((c) => c.index >= offset);
  return { plan, columns: [...mergedColumns, ...leftOthers, ...rightOthers] };
}
