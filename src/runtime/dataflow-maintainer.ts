/**
 * @module runtime/dataflow-maintainer
 * Maintains a materialized view with the incremental dataflow: the view's plan is lowered to a
 * circuit; each step feeds the circuit its inputs' changes and returns the view's changes.
 */
import { FeatureNotSupportedError } from '../common/errors.ts';
import type { LogicalPlan } from '../plan/logical.ts';
import type { ViewMaintainer } from './database.ts';

export function createDataflowMaintainer(plan: LogicalPlan, viewId: number): ViewMaintainer {
  void plan;
  void viewId;
  throw new FeatureNotSupportedError(
    'materialized views need the dataflow engine, which is being integrated',
  );
}
