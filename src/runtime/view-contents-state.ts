/**
 * @module runtime/view-contents-state
 * A spilling view's contents in its checkpointed state (ADR 0006): the contents store
 * (`SpillingViewStore`) is saved, sliced and restored as one more operator of the circuit's
 * image, under node `contentsNode`, so a checkpoint streams it like operator state instead of
 * copying it at the step boundary. An image that has it can still be restored by a maintainer
 * without a budget (its rows come back as a batch for the view's row store), and an image
 * without it into a spilling view (the checkpoint's row batch fills the store).
 */
import { Batch } from '../dataflow/batch.ts';
import {
  bagFromData,
  type CircuitState,
  type CircuitStateDelta,
  type CircuitStateSlicer,
  stateMismatch,
  tuple,
} from '../dataflow/state.ts';
import type { SpillingViewStore } from './spilling-view-store.ts';

/** The node position the contents take in a circuit's image (no circuit has that many nodes). */
export const contentsNode = 0x7fffffff;

export interface ViewContentsState {
  state(circuit: CircuitState): CircuitState;
  delta(circuit: CircuitStateDelta): CircuitStateDelta;
  slicer(circuit: CircuitStateSlicer): CircuitStateSlicer;
  /** The circuit's own image, and the contents' rows when there is no store to restore them into. */
  restore(circuit: CircuitState, arity: number): { circuit: CircuitState; rows: Batch | null };
}

export function viewContentsState(contents: SpillingViewStore | null): ViewContentsState {
  return {
    state: (circuit) =>
      contents === null
        ? circuit
        : {
            ...circuit,
            operators: [...circuit.operators, { node: contentsNode, state: contents.saveState() }],
          },
    delta: (circuit) =>
      contents === null
        ? circuit
        : {
            ...circuit,
            operators: [...circuit.operators, { node: contentsNode, delta: contents.saveStateDelta() }],
          },
    slicer: (circuit) => {
      if (contents === null) return circuit;
      const own = contents.beginSaveState();
      return {
        fingerprint: circuit.fingerprint,
        operators: [...circuit.operators, { node: contentsNode, kind: own.kind }],
        next(max) {
          const parts = circuit.next(max);
          if (parts.length > 0) return parts;
          const entries = own.next(max);
          return entries.length === 0 ? [] : [{ node: contentsNode, entries }];
        },
      };
    },
    restore: (circuit, arity) => {
      const saved = circuit.operators.find((o) => o.node === contentsNode);
      if (saved === undefined) return { circuit, rows: null };
      const own = { ...circuit, operators: circuit.operators.filter((o) => o.node !== contentsNode) };
      if (contents !== null) {
        contents.restoreState(saved.state);
        return { circuit: own, rows: null };
      }
      const rows = new Batch(arity);
      for (const { data } of saved.state.entries) {
        const bag = bagFromData(tuple(data, 3)[2]!, arity, false);
        for (let s = 0; s < bag.length; s++) rows.push(bag.values, s * arity, bag.weights[s]!);
      }
      if (!saved.state.kind.startsWith('contents/'))
        throw stateMismatch(`expected view contents, found ${saved.state.kind}`);
      return { circuit: own, rows };
    },
  };
}
