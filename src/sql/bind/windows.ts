/**
 * @module sql/bind/windows
 * Turns collected window calls into window plan nodes: calls sharing one PARTITION BY / ORDER BY
 * share a node; each node is preceded by a map that appends the partition, order and argument
 * expressions as columns. Window placeholders in the select list become those result columns.
 */
import type { Column, LogicalPlan, SortKey, WindowCall } from '../../plan/logical.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { exprEquals, transformUp } from '../../plan/scalar-visit.ts';
import { type CollectedWindow, WINDOW_BASE } from './context.ts';
import { comparableBpchar } from './operators.ts';

export interface Windowed {
  readonly plan: LogicalPlan;
  readonly resolved: ScalarExpr[][];
}

export function applyWindows(
  input: LogicalPlan,
  windows: readonly CollectedWindow[],
  lists: readonly (readonly ScalarExpr[])[],
): Windowed {
  const resultColumn = new Map<number, number>();
  let plan = input;
  const done = new Set<number>();
  for (let i = 0; i < windows.length; i++) {
    if (done.has(i)) continue;
    const spec = windows[i]!;
    const members = windows.map((w, k) => ({ w, k })).filter(({ w, k }) => !done.has(k) && sameSpec(w, spec));
    const base = plan.schema.length;
    const extra: ScalarExpr[] = [];
    const slot = (e: ScalarExpr): number => {
      if (e.kind === 'column' && e.index < base) return e.index;
      const found = extra.findIndex((x) => exprEquals(x, e));
      return base + (found >= 0 ? found : extra.push(e) - 1);
    };
    // Partitions and peers of char values ignore the padding, as char's comparison does.
    const partitionBy = spec.partitionBy.map((e) => slot(comparableBpchar(e)));
    const orderBy: SortKey[] = spec.orderBy.map((o) => ({
      column: slot(comparableBpchar(o.expr)),
      descending: o.descending,
      nullsFirst: o.nullsFirst,
    }));
    const calls: WindowCall[] = members.map(({ w }) => ({
      fn: w.fn,
      args: w.args.map(slot),
      frame: w.frame,
      type: w.type,
    }));
    const passSchema: Column[] = [
      ...plan.schema,
      ...extra.map((e, j) => ({ name: `?window${j}?`, type: e.type, nullable: true })),
    ];
    const mapped: LogicalPlan = {
      kind: 'map',
      input: plan,
      exprs: [
        ...plan.schema.map((c, j) => ({ kind: 'column', index: j, type: c.type }) as ScalarExpr),
        ...extra,
      ],
      schema: passSchema,
    };
    const schema: Column[] = [
      ...passSchema,
      ...calls.map((c) => ({ name: c.fn, type: c.type, nullable: true })),
    ];
    plan = { kind: 'window', input: mapped, partitionBy, orderBy, calls, schema };
    members.forEach(({ k }, j) => {
      resultColumn.set(k, passSchema.length + j);
      done.add(k);
    });
  }
  const resolve = (e: ScalarExpr): ScalarExpr =>
    transformUp(e, (n) =>
      n.kind === 'column' && n.index >= WINDOW_BASE
        ? { ...n, index: resultColumn.get(n.index - WINDOW_BASE)! }
        : n,
    );
  return { plan, resolved: lists.map((l) => l.map(resolve)) };
}

function sameSpec(a: CollectedWindow, b: CollectedWindow): boolean {
  return (
    a.partitionBy.length === b.partitionBy.length &&
    a.partitionBy.every((e, i) => exprEquals(e, b.partitionBy[i]!)) &&
    a.orderBy.length === b.orderBy.length &&
    a.orderBy.every(
      (o, i) =>
        exprEquals(o.expr, b.orderBy[i]!.expr) &&
        o.descending === b.orderBy[i]!.descending &&
        o.nullsFirst === b.orderBy[i]!.nullsFirst,
    )
  );
}
