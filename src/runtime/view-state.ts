/**
 * @module runtime/view-state
 * A materialized view's maintainer state as plain data, for checkpoints (issue 8): its circuit's
 * operator states, its live row errors, and whether maintenance stopped. The view's stored
 * contents are not part of it: the store checkpoints them with the tables and restores them
 * beside this state (docs/adr/0004-operator-state-images.md).
 */
import type { Value } from '../common/value.ts';
import type { CircuitState, CircuitStateDelta, CircuitStateSlicer } from '../dataflow/state.ts';

/** The image format's version: a store refuses an image of another version. */
export const viewStateVersion = 1;

export interface ViewState {
  readonly version: number;
  /** A hash of the view's id and plan: an image restores only into a maintainer of the same view. */
  readonly fingerprint: string;
  readonly circuit: CircuitState;
  /** Live row errors (errors as data), whole: [code, message, detail, hint, weight] each. */
  readonly errors: Value[];
  /** The error that stopped maintenance, [code, message, detail, hint], or null. */
  readonly failure: Value[] | null;
}

/**
 * A full save in slices (dataflow/state.ts `StateSlicer`): `circuit.next(max)` between steps until
 * it returns nothing, then the maintainer's `saveStateDelta()` finishes it (with errors and failure).
 */
export interface ViewStateSlicer {
  readonly version: number;
  readonly fingerprint: string;
  readonly circuit: CircuitStateSlicer;
}

/** The changes since the maintainer's previous save; `errors` and `failure` are whole. */
export interface ViewStateDelta {
  readonly version: number;
  readonly fingerprint: string;
  readonly circuit: CircuitStateDelta;
  readonly errors: Value[];
  readonly failure: Value[] | null;
}
