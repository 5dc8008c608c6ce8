/**
 * @module runtime/dataflow-maintainer
 * Maintains a materialized view with the incremental dataflow: the view's rewritten plan is
 * lowered into a circuit of its own; each step feeds the circuit its inputs' changes and returns
 * the view's consolidated changes; rows whose values cannot be computed are counted as the view's
 * errors (dataflow/row-errors.ts) instead of failing the step. (One circuit per view keeps views independent; sharing
 * operators between views is a later optimisation.)
 */
import { EddyError, InternalError, type SqlStateCode } from '../common/errors.ts';
import { asResourceLimitError } from '../common/stack-depth.ts';
import type { Value } from '../common/value.ts';
import { Batch } from '../dataflow/batch.ts';
import { Circuit } from '../dataflow/circuit.ts';
import { RowErrors } from '../dataflow/row-errors.ts';
import type { SpillContext } from '../dataflow/spilling-key-map.ts';
import { fingerprintOf, stateMismatch } from '../dataflow/state.ts';
import { explainPlan } from '../plan/explain.ts';
import type { LogicalPlan } from '../plan/logical.ts';
import { lowerPlan } from '../plan/lower/index.ts';
import type { EventTimeOptions } from '../plan/window-close.ts';
import type { ViewMaintainer } from './database.ts';
import type { SpillingViewStore } from './spilling-view-store.ts';
import { viewContentsState } from './view-contents-state.ts';
import { type ViewState, viewStateVersion } from './view-state.ts';

/**
 * How a view is built: where it keeps state larger than memory (ADR 0006; null without a memory
 * budget), and its event time (EMIT ON WINDOW CLOSE, watermarks that free closed windows).
 */
export interface MaintainerOptions {
  /** Where the view's operators keep cold keys. */
  readonly spill?: SpillContext | null;
  /** The view's contents, when they spill too: checkpointed with the view's state. */
  readonly contents?: SpillingViewStore | null;
  /** The circuit to build into: a subclass may observe its operators (the server's console profiles them). */
  readonly circuit?: Circuit;
  /** EMIT ON WINDOW CLOSE: the view's output waits for its windows to close (plan/window-close). */
  readonly windowClose?: EventTimeOptions['windowClose'];
  /** Relations' watermarks: aggregates over windows free the groups of closed windows. */
  readonly watermarkOf?: EventTimeOptions['watermarkOf'];
  /** The clock reading of the step being run, for temporal filters (plan/temporal-filter). */
  readonly stepClock?: () => number;
}

export function createDataflowMaintainer(
  plan: LogicalPlan,
  viewId: number,
  appendOnly: (relationId: number) => boolean = () => false,
  {
    spill = null,
    contents = null,
    circuit = new Circuit(),
    windowClose,
    watermarkOf,
    stepClock,
  }: MaintainerOptions = {},
): ViewMaintainer {
  const view = lowerPlan(circuit, plan, {
    relationId: viewId,
    appendOnly,
    spill,
    windowClose,
    watermarkOf,
    stepClock,
  });
  const withContents = viewContentsState(contents);
  const errors = new RowErrors();
  // An error that escapes a stateful operator leaves its state unknown: the view stops, and its
  // reads raise that error from then on (the step itself, and the writes in it, still commit).
  let failure: EddyError | null = null;
  const closing = windowClose
    ? `\nemit on window close ${windowClose.closeColumn}+${windowClose.offsetMicros}`
    : '';
  const fingerprint = fingerprintOf(`${viewId}\n${explainPlan(plan).join('\n')}${closing}`);
  let stepped = false;
  return {
    step(inputs: ReadonlyMap<number, Batch>): Batch {
      stepped = true;
      if (failure) return new Batch(view.arity);
      try {
        return errors.collect(() => circuit.step(inputs).get(view.outputId) ?? new Batch(view.arity));
      } catch (e) {
        failure = stopped(e);
        return new Batch(view.arity);
      }
    },
    firstError: () => failure ?? errors.first(),
    nextDue: () => {
      let next: number | null = null;
      for (const op of view.temporalFilters) {
        const due = op.nextDue();
        if (due !== null && (next === null || due < next)) next = due;
      }
      return failure ? null : next;
    },
    errorRows: () => errors.count,
    stateSizes: () => {
      const sizes = circuit.stateSizes();
      // The error collection keeps state too (errors as data), while it holds any.
      const live = errors.stateSize();
      if (live > 0) sizes.push({ operator: 'RowErrors', entries: live, bytes: errors.stateBytes() });
      return sizes;
    },
    saveState: () => ({
      version: viewStateVersion,
      fingerprint,
      circuit: withContents.state(circuit.saveState()),
      errors: errors.saveState(),
      failure: failure === null ? null : failureToData(failure),
    }),
    saveStateDelta: () => ({
      version: viewStateVersion,
      fingerprint,
      circuit: withContents.delta(circuit.saveStateDelta()),
      errors: errors.saveState(),
      failure: failure === null ? null : failureToData(failure),
    }),
    beginSaveState: () => ({
      version: viewStateVersion,
      fingerprint,
      circuit: withContents.slicer(circuit.beginSaveState()),
    }),
    restoreState(state: ViewState): Batch | null {
      if (state.version !== viewStateVersion) throw stateMismatch(`view state version ${state.version}`);
      if (state.fingerprint !== fingerprint)
        throw stateMismatch("the view's plan differs from the saved one");
      if (stepped) throw stateMismatch('restoring into a view that has already run');
      const { circuit: own, rows } = withContents.restore(state.circuit, view.arity);
      circuit.restoreState(own);
      errors.restoreState(state.errors);
      failure = state.failure === null ? null : failureFromData(state.failure);
      return rows;
    },
  };
}

function failureToData(e: EddyError): Value[] {
  return [e.code, e.message, e.detail ?? null, e.hint ?? null];
}

function failureFromData(data: Value[]): EddyError {
  const [code, message, detail, hint] = data;
  if (typeof code !== 'string' || typeof message !== 'string') throw stateMismatch('malformed view failure');
  return new EddyError({
    code: code as SqlStateCode,
    message,
    detail: typeof detail === 'string' ? detail : undefined,
    hint: typeof hint === 'string' ? hint : undefined,
  });
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
