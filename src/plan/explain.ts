/**
 * @module plan/explain
 * Renders a logical plan as an indented tree for EXPLAIN, one node per line, with expressions
 * written over the input's column names (`#i` where a column has no name).
 */

import { formatInterval } from '../common/datetime-format.ts';
import { Interval } from '../common/interval.ts';
import { typeName } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { isBareClockName } from './clock-calls.ts';
import type { LogicalPlan, Schema, SortKey } from './logical.ts';
import { planChildren, sharedNodes } from './plan-visit.ts';
import type { ScalarExpr } from './scalar.ts';

/**
 * One line per node. A subplan read by several consumers (a CTE read twice) is printed in full
 * once, tagged `[shared #n]`; later reads print just the tag. `annotate` adds a note to each
 * node's line (EXPLAIN ANALYZE's counts).
 */
export function explainPlan(plan: LogicalPlan, annotate?: (node: LogicalPlan) => string): string[] {
  const lines: string[] = [];
  const shared = sharedNodes(plan, false);
  const tags = new Map<LogicalPlan, number>();
  const walk = (p: LogicalPlan, depth: number): void => {
    const prefix = `${'  '.repeat(depth)}${depth > 0 ? '-> ' : ''}`;
    const tag = tags.get(p);
    if (tag !== undefined) {
      lines.push(`${prefix}[shared #${tag}]`);
      return;
    }
    if (shared.has(p)) tags.set(p, tags.size + 1);
    const note = annotate === undefined ? '' : ` ${annotate(p)}`;
    lines.push(`${prefix}${describe(p)}${shared.has(p) ? ` [shared #${tags.get(p)}]` : ''}${note}`);
    for (const c of planChildren(p)) walk(c, depth + 1);
  };
  walk(plan, 0);
  return lines;
}

function inputSchema(p: LogicalPlan): Schema {
  switch (p.kind) {
    case 'join':
      return [...p.left.schema, ...p.right.schema];
    case 'get':
    case 'values':
      return [];
    case 'setOp':
      return p.left.schema;
    default:
      return p.input.schema;
  }
}

function describe(p: LogicalPlan): string {
  const s = inputSchema(p);
  const cols = (ids: readonly number[]): string => ids.map((i) => s[i]?.name ?? `#${i}`).join(', ');
  const keys = (ks: readonly SortKey[]): string =>
    ks
      .map(
        (k) =>
          `${s[k.column]?.name ?? `#${k.column}`}${k.descending ? ' DESC' : ''}${k.nullsFirst !== k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`,
      )
      .join(', ');
  switch (p.kind) {
    case 'get':
      return `Get ${p.name}`;
    case 'values':
      return `Values (${p.rows.length} rows)`;
    case 'filter':
      return `Filter ${formatScalar(p.predicate, s)}`;
    case 'map':
      return `Map ${p.exprs.map((e, i) => `${formatScalar(e, s)} AS ${p.schema[i]!.name}`).join(', ')}`;
    case 'join': {
      const kind = `${p.joinType[0]!.toUpperCase()}${p.joinType.slice(1)}${p.nullAwareAnti ? ' (null-aware)' : ''}`;
      return `${kind} Join ON ${formatScalar(p.on, s)}`;
    }
    case 'aggregate':
      return `Aggregate GROUP BY (${cols(p.groupBy)}) ${p.aggregates
        .map(
          (a) =>
            `${a.fn}(${a.distinct ? 'DISTINCT ' : ''}${cols(a.args)})${a.filter !== null ? ` FILTER (${cols([a.filter])})` : ''}`,
        )
        .join(', ')}`;
    case 'distinct':
      return 'Distinct';
    case 'topK':
      return `TopK${p.partitionBy.length ? ` PARTITION BY (${cols(p.partitionBy)})` : ''} ORDER BY (${keys(p.orderBy)}) LIMIT ${p.limit ?? 'ALL'}${p.withTies ? ' WITH TIES' : ''} OFFSET ${p.offset}`;
    case 'window':
      return `Window PARTITION BY (${cols(p.partitionBy)}) ORDER BY (${keys(p.orderBy)}) ${p.calls.map((c) => `${c.fn}(${cols(c.args)})`).join(', ')}`;
    case 'setOp':
      return `${p.op[0]!.toUpperCase()}${p.op.slice(1)}${p.all ? ' All' : ''}`;
    case 'flatMap':
      return `FlatMap ${p.name}(${p.args.map((a) => formatScalar(a, s)).join(', ')})`;
    case 'orderBy':
      return `OrderBy ${keys(p.orderBy)}`;
  }
}

export function formatScalar(e: ScalarExpr, schema: Schema): string {
  const f = (x: ScalarExpr): string => formatScalar(x, schema);
  switch (e.kind) {
    case 'column':
      return schema[e.index]?.name ?? `#${e.index}`;
    case 'outerRef':
      return `outer(${e.depth}).#${e.index}`;
    case 'literal':
      return formatLiteral(e.value);
    case 'call':
      if (e.args.length === 0 && isBareClockName(e.name)) return e.name;
      return /^[^a-z]/i.test(e.name) && e.args.length === 2
        ? `(${f(e.args[0]!)} ${e.name} ${f(e.args[1]!)})`
        : `${e.name}(${e.args.map(f).join(', ')})`;
    case 'compare':
      return `(${f(e.left)} ${e.op} ${f(e.right)})`;
    case 'and':
    case 'or':
      return `(${e.args.map(f).join(` ${e.kind.toUpperCase()} `)})`;
    case 'not':
      return `NOT ${f(e.arg)}`;
    case 'isNull':
      return `(${f(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'isDistinct':
      return `(${f(e.left)} IS ${e.negated ? 'NOT ' : ''}DISTINCT FROM ${f(e.right)})`;
    case 'case':
      return `CASE ${e.whens.map((w) => `WHEN ${f(w.when)} THEN ${f(w.result)}`).join(' ')} ELSE ${f(e.otherwise)} END`;
    case 'coalesce':
      return `COALESCE(${e.args.map(f).join(', ')})`;
    case 'minMax':
      return `${e.greatest ? 'GREATEST' : 'LEAST'}(${e.args.map(f).join(', ')})`;
    case 'inList':
      return `(${f(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(f).join(', ')}))`;
    case 'cast':
      return `${f(e.arg)}::${typeName(e.type)}`;
    case 'subquery':
      return `${e.subquery.toUpperCase()}(subquery)`;
  }
}

function formatLiteral(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (v instanceof Interval) return `interval '${formatInterval(v)}'`;
  return String(v);
}
