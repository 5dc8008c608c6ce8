/**
 * @module runtime/sinks/view-key
 * A relation's unique key, when its plan shows one: what a keyed sink (PostgreSQL) writes by.
 */
import type { Catalog, TableEntry } from '../../catalog/catalog.ts';
import type { LogicalPlan } from '../../plan/logical.ts';

/**
 * Column positions that identify a row of the relation's output, when the plan shows them: a
 * table's primary key, the GROUP BY columns of an aggregate (none: one row), every column of a
 * DISTINCT, carried through filters, orderings and projections that keep them. Null when unknown.
 */
export function inferKey(catalog: Catalog, plan: LogicalPlan): number[] | null {
  switch (plan.kind) {
    case 'get': {
      const r = catalog.relationById(plan.relationId);
      if (r.kind === 'view' || r.kind === 'materializedView') return inferKey(catalog, r.plan);
      const table = r as TableEntry;
      return table.primaryKey.length > 0 ? [...table.primaryKey] : null;
    }
    case 'aggregate':
      return plan.groupBy.map((_, i) => i);
    case 'distinct':
      return plan.schema.map((_, i) => i);
    case 'filter':
    case 'orderBy':
      return inferKey(catalog, plan.input);
    case 'map': {
      const inner = inferKey(catalog, plan.input);
      if (inner === null) return null;
      const out: number[] = [];
      for (const k of inner) {
        const at = plan.exprs.findIndex((e) => e.kind === 'column' && e.index === k);
        if (at < 0) return null;
        out.push(at);
      }
      return out;
    }
    default:
      return null;
  }
}
