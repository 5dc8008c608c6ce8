/**
 * @module runtime/dataflow-maintainer
 * Maintains a materialized view with the incremental dataflow: the view's rewritten plan is
 * lowered into a circuit of its own; each step feeds the circuit its inputs' changes and returns
 * the view's consolidated changes; rows whose values cannot be computed are counted as the view's
 * errors (dataflow/row-errors.ts) instead of failing the step. (One circuit per view keeps views independent; sharing
 * operators between views is a later optimisation.)
 */
import { Batch } from '../dataflow/batch.ts';
import { Circuit } from '../dataflow/circuit.ts';
import { RowErrors } from '../dataflow/row-errors.ts';
import type { LogicalPlan } from '../plan/logical.ts';
import { lowerPlan } from '../plan/lower/index.ts';
import type { ViewMaintainer } from './database.ts';

export function createDataflowMaintainer(plan: LogicalPlan, viewId: number): ViewMaintainer {
  const circuit = new Circuit();
  const view = lowerPlan(circuit, plan, { relationId: viewId });
  const errors = new RowErrors();
  return {
    step(inputs: ReadonlyMap<number, Batch>): Batch {
      return errors.collect(() => circuit.step(inputs).get(view.outputId) ?? new Batch(view.arity));
    },
    firstError: () => errors.first(),
  };
}
