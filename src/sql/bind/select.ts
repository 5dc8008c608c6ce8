/**
 * @module sql/bind/select
 * Binds a SELECT (with its set operations, VALUES, CTEs, grouping, windows, DISTINCT [ON],
 * ORDER BY and LIMIT) to a logical plan whose schema is the query's output columns.
 * The stages follow SQL's logical order: FROM → WHERE → GROUP BY/aggregates → HAVING →
 * windows → SELECT list → DISTINCT → ORDER BY/LIMIT.
 */
import type { Node, ResTarget, SelectStmt } from 'libpg-query';
import { DataError, FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import { type SqlType, T, typeOid } from '../../common/types.ts';
import type { Column, LogicalPlan, SortKey } from '../../plan/logical.ts';
import { planEquals } from '../../plan/plan-visit.ts';
import { markPlannedCte } from '../../plan/planned-ctes.ts';
import { isAppendUnion, markAppendUnion, markPullUpBarrier } from '../../plan/pull-up-barrier.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { anyNode, exprEquals } from '../../plan/scalar-visit.ts';
import { distinctRows, mostPaddedFirst, setOperation, trimmedSortKeys } from './bpchar-keys.ts';
import { coerce, commonType } from './coerce.ts';
import {
  AGGREGATE_BASE,
  type BindContext,
  type BoundSortKey,
  type CollectedAggregate,
  type CollectedWindow,
  WINDOW_BASE,
} from './context.ts';
import { bindExpr, locationOf } from './expr.ts';
import { bindFromClause } from './from.ts';
import { bindSortBy } from './func-call.ts';
import { applyGrouping } from './grouping.ts';
import { constantLimit } from './limit.ts';
import { outputName } from './output-name.ts';
import { Scope, type ScopeColumn } from './scope.ts';
import { applyWindows } from './windows.ts';

/**
 * Binds a query; `outer` is the enclosing query's scope for correlated subqueries (or a root scope).
 * `setOperand`: the query is a branch of a set operation, whose untyped literal outputs stay
 * unknown for the set operation to resolve (see bindSetOperation).
 */
export function bindSelect(
  stmt: SelectStmt,
  outer: Scope,
  ctx: BindContext,
  setOperand = false,
): LogicalPlan {
  const scope = bindWith(stmt, outer, ctx);
  const plan =
    stmt.op && stmt.op !== 'SETOP_NONE'
      ? bindSetOperation(stmt, scope, ctx)
      : stmt.valuesLists
        ? finishOrderLimit(bindValues(stmt.valuesLists, scope, ctx), stmt, scope, ctx)
        : bindSimpleSelect(stmt, scope, ctx, setOperand);
  // Now that every reference is bound: a CTE read more than once is planned whole.
  for (const [name, cte] of scope.ctes)
    if (cte.references > 1 && outer.ctes.get(name) !== cte) markPlannedCte(plan, cte.plan);
  return plan;
}

/**
 * The select list with each untyped literal that a clause compares resolved as text, as PostgreSQL
 * does before a set operation could resolve it: every output under DISTINCT, else those that are
 * GROUP BY, ORDER BY or DISTINCT ON keys. The others stay unknown for the set operation.
 */
function resolveComparedLiterals(
  items: readonly SelectItem[],
  keys: readonly ScalarExpr[],
  everyOutput: boolean,
): SelectItem[] {
  return items.map((item) =>
    item.expr.type.id === 'unknown' && (everyOutput || keys.some((k) => exprEquals(k, item.expr)))
      ? { ...item, expr: coerce(item.expr, T.text, false) }
      : item,
  );
}

function bindWith(stmt: SelectStmt, outer: Scope, ctx: BindContext): Scope {
  const withClause = stmt.withClause;
  if (!withClause) return outer;
  if (withClause.recursive) throw new FeatureNotSupportedError('WITH RECURSIVE is not supported');
  const scope = new Scope(outer.columns, outer.parent, new Map(outer.ctes));
  for (const node of withClause.ctes ?? []) {
    if (!('CommonTableExpr' in node)) continue;
    const cte = node.CommonTableExpr;
    const query = cte.ctequery;
    if (!query || !('SelectStmt' in query))
      throw new FeatureNotSupportedError('only SELECT is supported in WITH');
    const plan = bindSelect(query.SelectStmt, scope, ctx);
    markPullUpBarrier(query.SelectStmt, plan);
    const aliases = (cte.aliascolnames ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
    const names = plan.schema.map((c, i) => aliases[i] ?? c.name);
    if (
      scope.ctes.has(cte.ctename!) &&
      withClause.ctes!.filter((n) => 'CommonTableExpr' in n && n.CommonTableExpr.ctename === cte.ctename)
        .length > 1
    ) {
      throw new SemanticError(
        SqlState.duplicateAlias,
        `WITH query name "${cte.ctename}" specified more than once`,
      );
    }
    scope.ctes.set(cte.ctename!, { plan, names, level: scope.level, references: 0 });
  }
  return scope;
}

interface SelectItem {
  readonly name: string;
  readonly expr: ScalarExpr;
}

function bindSimpleSelect(
  stmt: SelectStmt,
  outer: Scope,
  ctx: BindContext,
  keepUnknown: boolean,
): LogicalPlan {
  const from = bindFromClause(stmt.fromClause ?? [], outer, ctx);
  const scope = new Scope(from.columns, outer, outer.ctes);
  let plan = from.plan;
  if (stmt.whereClause) {
    const where = ctx0(ctx, 'WHERE');
    const predicate = coerce(
      bindExpr(stmt.whereClause, scope, where),
      T.bool,
      false,
      locationOf(stmt.whereClause),
    );
    plan = { kind: 'filter', input: plan, predicate, schema: plan.schema };
  }
  const aggregates: CollectedAggregate[] = [];
  const windows: CollectedWindow[] = [];
  const full: BindContext = { ...ctx, aggregates, windows, aggregateClause: undefined };
  const bound = bindTargets(stmt.targetList ?? [], scope, full, keepUnknown);
  const { keys: groupKeys, sets: groupSets } = bindGroupClause(stmt.groupClause ?? [], bound, scope, ctx);
  const having = stmt.havingClause
    ? coerce(
        bindExpr(stmt.havingClause, scope, { ...full, windows: null, aggregateClause: 'HAVING' }),
        T.bool,
        false,
      )
    : null;
  const boundOrder = bindOrderItems(stmt.sortClause ?? [], bound, scope, full);
  const distinctOn = (stmt.distinctClause ?? []).filter((n) => Object.keys(n).length > 0);
  const boundOn = distinctOn.map((n) => bindOrderTarget(n, bound, scope, full, 'DISTINCT ON'));
  const everyOutput = stmt.distinctClause !== undefined && distinctOn.length === 0;
  const keys = [...groupKeys, ...boundOrder.map((o) => o.expr), ...boundOn];
  const items = resolveComparedLiterals(bound, keys, everyOutput);
  // A key that is an untyped literal compares as text, like the output it names.
  const resolved = (e: ScalarExpr): ScalarExpr => (e.type.id === 'unknown' ? coerce(e, T.text, false) : e);
  const groupBy = groupKeys.map(resolved);
  const order = boundOrder.map((o) => ({ ...o, expr: resolved(o.expr) }));
  const distinctOnExprs = boundOn.map(resolved);

  const groupingSets = groupSets?.map((set) => set.map((i) => groupBy[i]!)) ?? null;
  const grouped = groupBy.length > 0 || aggregates.length > 0 || having !== null || groupingSets !== null;
  let exprs = items.map((i) => i.expr);
  let orderExprs = order.map((o) => o.expr);
  let onExprs = distinctOnExprs;
  let havingExpr = having;
  if (grouped) {
    const g = applyGrouping(
      plan,
      scope,
      groupBy,
      aggregates,
      windows,
      [exprs, orderExprs, onExprs, having ? [having] : []],
      groupingSets,
    );
    plan = g.plan;
    [exprs, orderExprs, onExprs] = [g.lifted[0]!, g.lifted[1]!, g.lifted[2]!];
    havingExpr = having ? g.lifted[3]![0]! : null;
  }
  if (havingExpr) plan = { kind: 'filter', input: plan, predicate: havingExpr, schema: plan.schema };
  if (windows.length > 0) {
    const w = applyWindows(plan, windows, [exprs, orderExprs, onExprs]);
    plan = w.plan;
    [exprs, orderExprs, onExprs] = [w.resolved[0]!, w.resolved[1]!, w.resolved[2]!];
  }
  return projectAndOrder(plan, stmt, items, exprs, order, orderExprs, onExprs, scope, ctx);
}

function ctx0(ctx: BindContext, clause: string): BindContext {
  return { ...ctx, aggregates: null, windows: null, aggregateClause: clause };
}

function bindTargets(
  targets: readonly Node[],
  scope: Scope,
  ctx: BindContext,
  keepUnknown: boolean,
): SelectItem[] {
  const items: SelectItem[] = [];
  for (const node of targets) {
    if (!('ResTarget' in node)) continue;
    const target: ResTarget = node.ResTarget;
    const val = target.val!;
    const star = starTable(val);
    if (star !== undefined) {
      items.push(...expandStar(star, scope, locationOf(val)));
      continue;
    }
    const expr = bindExpr(val, scope, ctx);
    items.push({
      name: target.name ?? outputName(val),
      expr:
        expr.type.id === 'unknown' && !(keepUnknown && expr.kind === 'literal')
          ? coerce(expr, T.text, false)
          : expr,
    });
  }
  return items;
}

/** For `*` → null, `t.*` → "t"; undefined when the node is not a star. */
function starTable(node: Node): string | null | undefined {
  if (!('ColumnRef' in node)) return undefined;
  const fields = node.ColumnRef.fields ?? [];
  const last = fields[fields.length - 1];
  if (!last || !('A_Star' in last)) return undefined;
  if (fields.length === 1) return null;
  const t = fields[fields.length - 2]!;
  return 'String' in t ? t.String.sval! : null;
}

function expandStar(table: string | null, scope: Scope, position?: number): SelectItem[] {
  const columns = scope.columns.filter((c) => (table === null ? !c.hidden : c.table === table));
  if (table !== null && columns.length === 0) {
    throw new SemanticError(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, {
      position,
    });
  }
  if (table === null && scope.columns.length === 0) {
    throw new SemanticError(SqlState.syntaxError, 'SELECT * with no tables specified is not valid', {
      position,
    });
  }
  return columns.map((c) => ({ name: c.name, expr: { kind: 'column', index: c.index, type: c.type } }));
}

/** GROUP BY item: an output column position, an output alias, or an input expression. */
/**
 * GROUP BY's items, with GROUPING SETS, ROLLUP and CUBE expanded as PostgreSQL does: each item
 * contributes a list of sets (a plain item one set of itself, ROLLUP its prefixes, CUBE every
 * subset, GROUPING SETS the sets of its elements), and the clause's sets are their cross product.
 * `sets` (null without grouping sets) holds positions in `keys`.
 */
function bindGroupClause(
  nodes: readonly Node[],
  items: readonly SelectItem[],
  scope: Scope,
  ctx: BindContext,
): { keys: ScalarExpr[]; sets: number[][] | null } {
  const keys: ScalarExpr[] = [];
  const item = (n: Node): number => keys.push(bindGroupItem(n, items, scope, ctx)) - 1;
  if (!nodes.some((n) => 'GroupingSet' in n)) {
    for (const n of nodes) item(n);
    return { keys, sets: null };
  }
  const unit = (n: Node): number[] => ('RowExpr' in n ? (n.RowExpr.args ?? []).map(item) : [item(n)]);
  const expand = (n: Node): number[][] => {
    if (!('GroupingSet' in n)) return [unit(n)];
    const content = n.GroupingSet.content ?? [];
    switch (n.GroupingSet.kind) {
      case 'GROUPING_SET_EMPTY':
        return [[]];
      case 'GROUPING_SET_ROLLUP': {
        const units = content.map(unit);
        return units.map((_, i) => units.slice(0, units.length - i).flat()).concat([[]]);
      }
      case 'GROUPING_SET_CUBE': {
        const units = content.map(unit);
        if (units.length > 12)
          throw new SemanticError(SqlState.programLimitExceeded, 'CUBE is limited to 12 elements', {
            position: locationOf(n),
          });
        const subsets: number[][] = [];
        for (let mask = (1 << units.length) - 1; mask >= 0; mask--)
          subsets.push(units.flatMap((u, i) => (mask & (1 << (units.length - 1 - i)) ? u : [])));
        return subsets;
      }
      case 'GROUPING_SET_SETS':
        return content.flatMap(expand);
      default:
        return [content.flatMap(unit)];
    }
  };
  let sets: number[][] = [[]];
  for (const n of nodes) {
    const each = expand(n);
    sets = sets.flatMap((set) => each.map((more) => [...set, ...more]));
  }
  if (sets.length > 4096)
    throw new SemanticError(SqlState.statementTooComplex, 'too many grouping sets present (maximum 4096)');
  return { keys, sets };
}

function bindGroupItem(node: Node, items: readonly SelectItem[], scope: Scope, ctx: BindContext): ScalarExpr {
  const position = positionalReference(node, items, 'GROUP BY');
  if (position !== null) return groupableItem(items[position]!.expr, node);
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    if (fields.length === 1 && 'String' in fields[0]!) {
      const name = fields[0].String.sval!;
      const inInput = scope.columns.some((c) => c.name === name && !c.hidden);
      const alias = items.filter((i) => i.name === name);
      if (!inInput && alias.length === 1) return groupableItem(alias[0]!.expr, node);
    }
  }
  return bindExpr(node, scope, ctx0(ctx, 'GROUP BY'));
}

/**
 * A select-list item named in GROUP BY (by position or alias) was bound where aggregates and window
 * functions are allowed; in GROUP BY they are not (42803, 42P20).
 */
function groupableItem(expr: ScalarExpr, node: Node): ScalarExpr {
  const position = locationOf(node);
  const placeholder = (from: number, to: number) =>
    anyNode(expr, (e) => e.kind === 'column' && e.index >= from && e.index < to);
  if (placeholder(AGGREGATE_BASE, WINDOW_BASE))
    throw new SemanticError(SqlState.groupingError, 'aggregate functions are not allowed in GROUP BY', {
      position,
    });
  if (placeholder(WINDOW_BASE, Number.POSITIVE_INFINITY))
    throw new SemanticError(SqlState.windowingError, 'window functions are not allowed in GROUP BY', {
      position,
    });
  return expr;
}

/**
 * A constant in GROUP BY, ORDER BY or DISTINCT ON: an integer is an output column position (1-based,
 * 42P10 when out of range); any other constant (2.5, 'a', NULL, true) is an error, 42601, as in
 * PostgreSQL, where it would otherwise sort or group by nothing. Not a constant: null.
 */
function positionalReference(node: Node, items: readonly SelectItem[], clause: string): number | null {
  if (!('A_Const' in node)) return null;
  const position = locationOf(node);
  if (node.A_Const.ival === undefined)
    throw new SemanticError(SqlState.syntaxError, `non-integer constant in ${clause}`, { position });
  const n = node.A_Const.ival.ival ?? 0;
  if (n < 1 || n > items.length) {
    throw new SemanticError(
      SqlState.invalidColumnReference,
      `${clause} position ${n} is not in select list`,
      {
        position,
      },
    );
  }
  return n - 1;
}

function bindOrderItems(
  nodes: readonly Node[],
  items: readonly SelectItem[],
  scope: Scope,
  ctx: BindContext,
): BoundSortKey[] {
  return nodes.map((node) => {
    if (!('SortBy' in node)) throw new FeatureNotSupportedError('sort specification');
    const key = bindSortBy(node, scope, ctx, () => ({ kind: 'literal', value: null, type: T.unknown }));
    return { ...key, expr: bindOrderTarget(node.SortBy.node!, items, scope, ctx) };
  });
}

/** ORDER BY / DISTINCT ON target: a position, an output column name, or an input expression. */
function bindOrderTarget(
  node: Node,
  items: readonly SelectItem[],
  scope: Scope,
  ctx: BindContext,
  clause = 'ORDER BY',
): ScalarExpr {
  const position = positionalReference(node, items, clause);
  if (position !== null) return items[position]!.expr;
  if ('ColumnRef' in node) {
    const fields = node.ColumnRef.fields ?? [];
    if (fields.length === 1 && 'String' in fields[0]!) {
      const name = fields[0].String.sval!;
      const matches = items.filter((i) => i.name === name);
      if (matches.length === 1) return matches[0]!.expr;
      if (matches.length > 1 && !matches.every((m) => exprEquals(m.expr, matches[0]!.expr))) {
        throw new SemanticError(SqlState.ambiguousColumn, `ORDER BY "${name}" is ambiguous`, {
          position: locationOf(node),
        });
      }
      if (matches.length > 1) return matches[0]!.expr;
    }
  }
  return bindExpr(node, scope, ctx);
}

/**
 * Final stages: project the select list (plus hidden sort / DISTINCT ON columns), DISTINCT,
 * DISTINCT ON, ORDER BY + LIMIT/OFFSET, then drop the hidden columns.
 */
function projectAndOrder(
  input: LogicalPlan,
  stmt: SelectStmt,
  items: readonly SelectItem[],
  exprs: readonly ScalarExpr[],
  order: readonly BoundSortKey[],
  orderExprs: readonly ScalarExpr[],
  onExprs: readonly ScalarExpr[],
  scope: Scope,
  ctx: BindContext,
): LogicalPlan {
  const visible = exprs.length;
  const all = [...exprs];
  const indexOf = (e: ScalarExpr, allowNew: boolean): number => {
    // Subqueries match structurally: ORDER BY / DISTINCT ON (subquery) names the same select item.
    const found = all.findIndex((x) => exprEquals(x, e, planEquals));
    if (found >= 0 && (found < visible || allowNew)) return found;
    if (!allowNew) return -1;
    return all.push(e) - 1;
  };
  const distinct = stmt.distinctClause !== undefined && onExprs.length === 0;
  const sortKeys: SortKey[] = order.map((o, i) => {
    const column = indexOf(orderExprs[i]!, !distinct);
    if (column < 0) {
      throw new SemanticError(
        SqlState.invalidColumnReference,
        'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
      );
    }
    return { column, descending: o.descending, nullsFirst: o.nullsFirst };
  });
  const onColumns = onExprs.map((e) => indexOf(e, true));
  const schema: Column[] = all.map((e, i) => ({
    name: items[i]?.name ?? `?hidden${i}?`,
    type: e.type,
    nullable: true,
  }));
  let plan: LogicalPlan = { kind: 'map', input, exprs: all, schema };
  if (distinct) plan = distinctRows(plan);
  if (onColumns.length > 0) {
    const leading = sortKeys.slice(0, onColumns.length).map((k) => k.column);
    if (sortKeys.length > 0 && !onColumns.every((c) => leading.includes(c))) {
      throw new SemanticError(
        SqlState.invalidColumnReference,
        'SELECT DISTINCT ON expressions must match initial ORDER BY expressions',
      );
    }
  }
  const sortable = trimmedSortKeys(plan, sortKeys, onColumns);
  const formKeys = mostPaddedFirst(plan.schema, sortKeys, onColumns);
  plan = sortable.plan;
  if (onColumns.length > 0) {
    plan = {
      kind: 'topK',
      input: plan,
      partitionBy: sortable.partitionBy,
      orderBy: [...sortable.sortKeys, ...formKeys],
      limit: 1,
      offset: 0,
      withTies: false,
      schema: plan.schema,
    };
  }
  return firstColumns(applyOrderLimit(plan, stmt, sortable.sortKeys, scope, ctx, formKeys), visible);
}

/** The plan's first `count` columns: drops the hidden sort and DISTINCT ON columns. */
function firstColumns(plan: LogicalPlan, count: number): LogicalPlan {
  if (plan.schema.length === count) return plan;
  const keep = plan.schema.slice(0, count);
  return {
    kind: 'map',
    input: plan,
    exprs: keep.map((c, i) => ({ kind: 'column', index: i, type: c.type })),
    schema: keep,
  };
}

/** `formKeys` (`mostPaddedFirst`) order a LIMIT's ties among forms of one char value; not WITH TIES's. */
function applyOrderLimit(
  plan: LogicalPlan,
  stmt: SelectStmt,
  sortKeys: SortKey[],
  scope: Scope,
  ctx: BindContext,
  formKeys: readonly SortKey[],
): LogicalPlan {
  const limit = stmt.limitCount ? constantLimit(stmt.limitCount, 'LIMIT', scope, ctx) : null;
  const offset = stmt.limitOffset ? (constantLimit(stmt.limitOffset, 'OFFSET', scope, ctx) ?? 0) : 0;
  const withTies = stmt.limitOption === 'LIMIT_OPTION_WITH_TIES';
  if (withTies) checkWithTies(limit, sortKeys);
  if (limit !== null || offset > 0) {
    plan = {
      kind: 'topK',
      input: plan,
      partitionBy: [],
      orderBy: withTies ? sortKeys : [...sortKeys, ...formKeys],
      limit,
      offset,
      withTies,
      schema: plan.schema,
    };
  }
  if (sortKeys.length > 0) plan = { kind: 'orderBy', input: plan, orderBy: sortKeys, schema: plan.schema };
  return plan;
}

/** FETCH FIRST n ROWS WITH TIES needs an ORDER BY to say what ties, and a count. */
function checkWithTies(limit: number | null, sortKeys: readonly SortKey[]): void {
  if (sortKeys.length === 0) {
    throw new SemanticError(SqlState.syntaxError, 'WITH TIES cannot be specified without ORDER BY clause');
  }
  if (limit === null) {
    throw new DataError(
      SqlState.invalidRowCountInLimitClause,
      'row count cannot be null in FETCH FIRST ... WITH TIES clause',
    );
  }
}

/** ORDER BY / LIMIT on a VALUES list or set operation: sort keys refer to output columns only. */
function finishOrderLimit(plan: LogicalPlan, stmt: SelectStmt, outer: Scope, ctx: BindContext): LogicalPlan {
  if (!stmt.sortClause && !stmt.limitCount && !stmt.limitOffset) return plan;
  const columns: ScopeColumn[] = plan.schema.map((c, i) => ({
    table: null,
    name: c.name,
    type: c.type,
    index: i,
  }));
  const scope = new Scope(columns, outer, outer.ctes);
  const items = plan.schema.map((c, i) => ({
    name: c.name,
    expr: { kind: 'column', index: i, type: c.type } as ScalarExpr,
  }));
  const order = bindOrderItems(stmt.sortClause ?? [], items, scope, ctx0(ctx, 'ORDER BY'));
  const sortKeys = order.map((o) => {
    if (o.expr.kind !== 'column') {
      throw new FeatureNotSupportedError('ORDER BY on a set operation result must name an output column');
    }
    return { column: o.expr.index, descending: o.descending, nullsFirst: o.nullsFirst };
  });
  const sortable = trimmedSortKeys(plan, sortKeys, []);
  const formKeys = mostPaddedFirst(plan.schema, sortKeys, []);
  // LIMIT of a set operation or VALUES list sees no columns (PostgreSQL: 42703, not 42P10).
  const ordered = applyOrderLimit(sortable.plan, stmt, sortable.sortKeys, new Scope([], null), ctx, formKeys);
  return firstColumns(ordered, plan.schema.length);
}

function bindValues(lists: readonly Node[], scope: Scope, ctx: BindContext): LogicalPlan {
  const rows = lists.map((l) =>
    ('List' in l ? (l.List.items ?? []) : []).map((n) => bindExpr(n, scope, ctx0(ctx, 'VALUES'))),
  );
  const width = rows[0]?.length ?? 0;
  if (rows.some((r) => r.length !== width)) {
    throw new SemanticError(SqlState.syntaxError, 'VALUES lists must all be the same length');
  }
  const types = Array.from({ length: width }, (_, c) =>
    commonType(
      rows.map((r) => r[c]!.type),
      'VALUES',
    ),
  );
  const schema = types.map((type, i) => ({ name: `column${i + 1}`, type, nullable: true }));
  const coerced = rows.map((r) => r.map((e, c) => coerce(e, types[c]!, false)));
  if (coerced.every((r) => r.every((e) => e.kind === 'literal')))
    return { kind: 'values', rows: coerced, schema };
  // Non-constant rows (correlated references): a one-row VALUES per row mapped, then unioned.
  let plan: LogicalPlan | null = null;
  for (const r of coerced) {
    const one: LogicalPlan = {
      kind: 'map',
      input: { kind: 'values', rows: [[]], schema: [] },
      exprs: r,
      schema,
    };
    plan = plan ? { kind: 'setOp', op: 'union', all: true, left: plan, right: one, schema } : one;
  }
  return plan!;
}

function bindSetOperation(stmt: SelectStmt, scope: Scope, ctx: BindContext): LogicalPlan {
  const left = bindSelect(stmt.larg!, scope, ctx, true);
  const right = bindSelect(stmt.rarg!, scope, ctx, true);
  const opName = stmt.op === 'SETOP_UNION' ? 'UNION' : stmt.op === 'SETOP_INTERSECT' ? 'INTERSECT' : 'EXCEPT';
  if (left.schema.length !== right.schema.length) {
    throw new SemanticError(
      SqlState.syntaxError,
      `each ${opName} query must have the same number of columns`,
    );
  }
  const types = left.schema.map((c, i) => commonType([c.type, right.schema[i]!.type], opName));
  const schema = left.schema.map((c, i) => ({ name: c.name, type: types[i]!, nullable: true }));
  const cast = (p: LogicalPlan): LogicalPlan =>
    p.schema.every((c, i) => c.type.id === types[i]!.id)
      ? p
      : (resolveUnknownOutputs(p, types, schema) ?? {
          kind: 'map',
          input: p,
          exprs: p.schema.map((c, i) => coerce({ kind: 'column', index: i, type: c.type }, types[i]!, false)),
          schema,
        });
  const op = opName === 'UNION' ? 'union' : opName === 'INTERSECT' ? 'intersect' : 'except';
  const plan = setOperation(op, stmt.all === true, cast(left), cast(right), schema);
  if (
    op === 'union' &&
    stmt.all === true &&
    plan.kind === 'setOp' &&
    !stmt.sortClause &&
    !stmt.limitCount &&
    !stmt.limitOffset &&
    !stmt.withClause &&
    [left, right].every((branch) => appendBranch(branch, types))
  )
    markAppendUnion(plan);
  return finishOrderLimit(plan, stmt, scope, ctx);
}

/**
 * Whether a UNION ALL branch can be one of PostgreSQL's append branches: a flattened UNION ALL
 * itself, or a query whose columns have the result's types (an untyped literal is typed in place).
 */
function appendBranch(branch: LogicalPlan, types: readonly SqlType[]): boolean {
  const sameTypes = branch.schema.every(
    (c, i) => c.type.id === 'unknown' || typeOid(c.type) === typeOid(types[i]!),
  );
  if (branch.kind === 'setOp') return sameTypes && isAppendUnion(branch);
  return sameTypes;
}

/**
 * A set operation branch with untyped literal outputs (kept unknown by bindSelect): converts them
 * to the resolved types where they are projected, so each converts once, as PostgreSQL's literal
 * would ('x' for numeric fails with 22P02 even on an empty table). Null for any other branch.
 */
function resolveUnknownOutputs(
  plan: LogicalPlan,
  types: readonly SqlType[],
  schema: readonly Column[],
): LogicalPlan | null {
  if (!plan.schema.some((c) => c.type.id === 'unknown')) return null;
  if (plan.kind === 'map')
    return { ...plan, exprs: plan.exprs.map((e, i) => coerce(e, types[i]!, false)), schema };
  if (plan.kind !== 'topK') return null;
  // LIMIT / OFFSET without ORDER BY leave the literal unresolved in PostgreSQL too.
  const input = resolveUnknownOutputs(plan.input, types, schema);
  return input && { ...plan, input, schema: input.schema };
}
