/**
 * @module plan/optimize/prune-columns
 * Projection pruning: drops columns no ancestor needs, as early as possible, so operator state
 * (join sides, aggregate inputs) holds only what the query uses. Relation reads get a narrowing
 * map right above them. DISTINCT, top-k, windows and set operations keep all their input
 * columns, since their results depend on whole rows (top-k breaks ties by the whole row).
 */
import type { AggregateCall, LogicalPlan } from '../logical.ts';
import type { ScalarExpr } from '../scalar.ts';
import { referencedColumns, remapColumns } from '../scalar-visit.ts';

interface Pruned {
  readonly plan: LogicalPlan;
  /** Old output column → new output column (−1: dropped). */
  readonly map: readonly number[];
}

export function pruneColumns(plan: LogicalPlan): LogicalPlan {
  return prune(plan, allOf(plan), new Map()).plan;
}

/**
 * Results so far by node and required columns: a subplan read by several consumers that need
 * the same columns (a CTE or view read twice) is pruned once and stays shared.
 */
type Done = Map<LogicalPlan, Map<string, Pruned>>;

function prune(plan: LogicalPlan, required: Set<number>, done: Done): Pruned {
  const key = [...required].sort((a, b) => a - b).join(',');
  let byKey = done.get(plan);
  if (!byKey) {
    byKey = new Map();
    done.set(plan, byKey);
  }
  let out = byKey.get(key);
  if (!out) {
    out = pruneNode(plan, required, done);
    byKey.set(key, out);
  }
  return out;
}

function allOf(plan: LogicalPlan): Set<number> {
  return new Set(plan.schema.map((_, i) => i));
}

function identity(plan: LogicalPlan): Pruned {
  return { plan, map: plan.schema.map((_, i) => i) };
}

function columnsOf(exprs: readonly ScalarExpr[], into: Set<number>): Set<number> {
  for (const e of exprs) referencedColumns(e, into);
  return into;
}

/** Keeps the input columns in `keep` (ascending) with a map node; identity when all are kept. */
function narrow(input: Pruned, keep: readonly number[]): Pruned {
  if (keep.length === input.plan.schema.length) return input;
  const map = new Array<number>(input.map.length).fill(-1);
  const exprs: ScalarExpr[] = [];
  const schema = [];
  for (const old of keep) {
    const at = input.map[old]!;
    map[old] = exprs.length;
    exprs.push({ kind: 'column', index: at, type: input.plan.schema[at]!.type });
    schema.push(input.plan.schema[at]!);
  }
  return { plan: { kind: 'map', input: input.plan, exprs, schema }, map };
}

function remap(e: ScalarExpr, map: readonly number[]): ScalarExpr {
  return remapColumns(e, (i) => map[i]!);
}

function pruneNode(plan: LogicalPlan, required: Set<number>, done: Done): Pruned {
  switch (plan.kind) {
    case 'get': {
      const keep = [...required].sort((a, b) => a - b);
      return narrow(identity(plan), keep);
    }
    case 'values': {
      const keep = [...required].sort((a, b) => a - b);
      const map = plan.schema.map((_, i) => keep.indexOf(i));
      return {
        plan: {
          ...plan,
          rows: plan.rows.map((r) => keep.map((i) => r[i]!)),
          schema: keep.map((i) => plan.schema[i]!),
        },
        map,
      };
    }
    case 'filter': {
      const input = prune(plan.input, columnsOf([plan.predicate], new Set(required)), done);
      return {
        plan: {
          ...plan,
          input: input.plan,
          predicate: remap(plan.predicate, input.map),
          schema: input.plan.schema,
        },
        map: input.map,
      };
    }
    case 'map': {
      const keep = [...required].sort((a, b) => a - b);
      const exprs = keep.map((i) => plan.exprs[i]!);
      const input = prune(plan.input, columnsOf(exprs, new Set()), done);
      const map = plan.exprs.map((_, i) => keep.indexOf(i));
      return {
        plan: {
          ...plan,
          input: input.plan,
          exprs: exprs.map((e) => remap(e, input.map)),
          schema: keep.map((i) => plan.schema[i]!),
        },
        map,
      };
    }
    case 'join':
      return pruneJoin(plan, required, done);
    case 'aggregate': {
      const g = plan.groupBy.length;
      const keptCalls = plan.aggregates.map((_, k) => k).filter((k) => required.has(g + k));
      const calls = keptCalls.map((k) => plan.aggregates[k]!);
      const needed = new Set<number>(plan.groupBy);
      for (const c of calls) {
        for (const a of c.args) needed.add(a);
        if (c.filter !== null) needed.add(c.filter);
        for (const o of c.orderBy) needed.add(o.column);
      }
      const input = prune(plan.input, needed, done);
      const m = input.map;
      const remapCall = (c: AggregateCall): AggregateCall => ({
        ...c,
        args: c.args.map((a) => m[a]!),
        filter: c.filter === null ? null : m[c.filter]!,
        orderBy: c.orderBy.map((o) => ({ ...o, column: m[o.column]! })),
      });
      const map = plan.schema.map((_, i) =>
        i < g ? i : keptCalls.indexOf(i - g) < 0 ? -1 : g + keptCalls.indexOf(i - g),
      );
      return {
        plan: {
          ...plan,
          input: input.plan,
          groupBy: plan.groupBy.map((i) => m[i]!),
          aggregates: calls.map(remapCall),
          schema: [...plan.schema.slice(0, g), ...keptCalls.map((k) => plan.schema[g + k]!)],
        },
        map,
      };
    }
    case 'orderBy': {
      const needed = new Set(required);
      for (const k of plan.orderBy) needed.add(k.column);
      const input = prune(plan.input, needed, done);
      return {
        plan: {
          ...plan,
          input: input.plan,
          orderBy: plan.orderBy.map((k) => ({ ...k, column: input.map[k.column]! })),
          schema: input.plan.schema,
        },
        map: input.map,
      };
    }
    case 'flatMap': {
      const arity = plan.input.schema.length;
      const needed = columnsOf(plan.args, new Set([...required].filter((i) => i < arity)));
      const input = prune(plan.input, needed, done);
      const extra = plan.schema.slice(arity);
      const map = plan.schema.map((_, i) =>
        i < arity ? input.map[i]! : input.plan.schema.length + (i - arity),
      );
      return {
        plan: {
          ...plan,
          input: input.plan,
          args: plan.args.map((a) => remap(a, input.map)),
          schema: [...input.plan.schema, ...extra],
        },
        map,
      };
    }
    case 'distinct':
    case 'topK':
    case 'window':
      return identity({ ...plan, input: prune(plan.input, allOf(plan.input), done).plan } as LogicalPlan);
    case 'setOp':
      return identity({
        ...plan,
        left: prune(plan.left, allOf(plan.left), done).plan,
        right: prune(plan.right, allOf(plan.right), done).plan,
      });
  }
}

function pruneJoin(plan: Extract<LogicalPlan, { kind: 'join' }>, required: Set<number>, done: Done): Pruned {
  const nl = plan.left.schema.length;
  const onColumns = referencedColumns(plan.on);
  const needed = new Set([...required, ...onColumns]);
  const leftNeeded = new Set([...needed].filter((i) => i < nl));
  const rightNeeded = new Set([...needed].filter((i) => i >= nl).map((i) => i - nl));
  const left = prune(plan.left, leftNeeded, done);
  const right = prune(plan.right, rightNeeded, done);
  const nlNew = left.plan.schema.length;
  const combined = [...left.map, ...right.map.map((j) => (j < 0 ? -1 : j + nlNew))];
  const on = remap(plan.on, combined);
  const semi = plan.joinType === 'semi' || plan.joinType === 'anti';
  const nullableLeft = plan.joinType === 'right' || plan.joinType === 'full';
  const nullableRight = plan.joinType === 'left' || plan.joinType === 'full';
  const schema = semi
    ? left.plan.schema
    : [
        ...left.plan.schema.map((c) => (nullableLeft ? { ...c, nullable: true } : c)),
        ...right.plan.schema.map((c) => (nullableRight ? { ...c, nullable: true } : c)),
      ];
  return {
    plan: { ...plan, left: left.plan, right: right.plan, on, schema },
    map: semi ? left.map : combined,
  };
}
