/**
 * @module runtime/dataflow-maintainer
 * Maintains a materialized view with the incremental dataflow: the view's rewritten plan is
 * lowered into a circuit of its own; each step feeds the circuit its inputs' changes and returns
 * the view's consolidated changes; rows whose values cannot be computed are counted as the view's
 * errors (dataflow/row-errors.ts) instead of failing the step. (One circuit per view keeps views independent; sharing
 * operators between views is a later optimisation.)
 */
import { EddyError, InternalError } from '../common/errors.ts';
import { asResourceLimitError } from '../common/stack-depth.ts';
import { Batch } from '../dataflow/batch.ts';
import { Circuit } from '../dataflow/circuit.ts';
import { RowErrors } from '../dataflow/row-errors.ts';
import type { LogicalPlan } from '../plan/logical.ts';
import { lowerPlan } from '../plan/lower/index.ts';
import type { ViewMaintainer } from './database.ts';

export function createDataflowMaintainer(
  plan: LogicalPlan,
  viewId: number,
  appendOnly: (relationId: number) => boolean = () => false,
  /** The circuit to build into: a subclass may observe its operators (the server's console profiles them). */
  circuit: Circuit = new Circuit(),
): ViewMaintainer {
  const view = lowerPlan(circuit, plan, { relationId: viewId, appendOnly });
  const errors = new RowErrors();
  // An error that escapes a stateful operator leaves its state unknown: the view stops, and its
  // reads raise that error from then on (the step itself, and the writes in it, still commit).
  let failure: EddyError | null = null;
  return {
    step(inputs: ReadonlyMap<number, Batch>): Batch {
      if (failure) return new Batch(view.arity);
      try {
        return errors.collect(() => circuit.step(inputs).get(view.outputId) ?? new Batch(view.arity));
      } catch (e) {
        failure = stopped(e);
        return new Batch(view.arity);
      }
    },
    firstError: () => failure ?? errors.first(),
    stateSizes: () => circuit.stateSizes(),
  };
}

function stopped(thrown: unknown): EddyError {
  // A state or delta past V8's size limits is a resource limit (54000), not an internal error.
  const e = asResourceLimitError(thrown);
  const hint = 'The materialized view stopped being maintained; drop and recreate it.';
  if (e instanceof EddyError) {
    return new EddyError({ code: e.code, message: e.message, detail: e.detail, hint, cause: e });
  }
  return new InternalError(
    `materialized view maintenance failed: ${e instanceof Error ? e.message : String(e)}`,
    {
      hint,
      cause: e,
    },
  );
}
