/**
 * @module runtime/sinks/view-feed
 * What a sink reads: a view's changes step by step, each handed over once its step is durable,
 * starting after the step the sink's own progress record names (from the retained history), or
 * with the view's whole contents when the sink has written nothing yet or the history no longer
 * reaches back. Also the view's unique key, when the plan shows one.
 */
import type { Catalog, TableEntry } from '../../catalog/catalog.ts';
import type { SinkStep, StepFeed } from '../../connectors/postgres/pg-sink.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { Database } from '../database.ts';
import { AfterDurable } from '../durable-log.ts';
import { subscribeRelation } from '../subscriptions.ts';

export function viewFeed(db: Database, view: string): StepFeed {
  return (after, onStep) => {
    const relation = db.catalog.requireRelation(view);
    const durable = new AfterDurable(() => db.whenDurable());
    const options =
      after === null || after > db.currentStep ? { snapshot: true } : { afterStep: after, snapshot: false };
    return subscribeRelation(db, relation.id, options, (e) => {
      let step: SinkStep;
      if (e.kind === 'changes')
        step = {
          step: e.step,
          changes: e.weights.map((weight, i) => ({ row: e.rows[i]!, weight })),
          replace: false,
        };
      else if (e.kind === 'snapshot' || e.kind === 'resync')
        step = { step: e.step, changes: e.rows.map((row) => ({ row, weight: 1 })), replace: true };
      else return;
      durable.run(
        () => onStep(step),
        () => {},
      );
    });
  };
}

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
