/**
 * @module server/http/operator-profile
 * Per-operator counters for the console's dataflow graph: `eddy serve` builds every materialized
 * view's circuit as a ProfiledCircuit, which records the graph as it is lowered (reads of
 * relations, operators and their inputs) and wraps each operator so that its steps count rows in
 * and out and the time spent. Counters only grow; the console turns two samples into rates.
 * Costs two clock reads per operator run, and nothing for operators a step does not reach.
 */
import type { Batch } from '../../dataflow/batch.ts';
import { Circuit, type NodeId } from '../../dataflow/circuit.ts';
import type { Operator } from '../../dataflow/operator.ts';
import { RowErrorIsolation } from '../../dataflow/row-errors.ts';
import type { MaintainerFactory } from '../../runtime/database.ts';
import { createDataflowMaintainer } from '../../runtime/dataflow-maintainer.ts';

export interface ProfiledNode {
  readonly id: NodeId;
  /** `read` for a relation read into the view, else the operator's class name. */
  readonly operator: string;
  /** The relation a read reads (-1 for operators). */
  readonly relationId: number;
  readonly inputs: readonly NodeId[];
  rowsIn: number;
  rowsOut: number;
  runs: number;
  /** Time spent in the operator's steps (and hydration), in milliseconds. */
  busyMs: number;
  readonly op: Operator | null;
}

/** A circuit that records its nodes and measures each operator it runs. */
export class ProfiledCircuit extends Circuit {
  readonly profiledNodes: ProfiledNode[] = [];

  override addRead(group: number, relationId: number, arity: number): NodeId {
    const id = super.addRead(group, relationId, arity);
    this.profiledNodes.push(node(id, 'read', relationId, [], null));
    return id;
  }

  override addOperator(group: number, op: Operator, inputs: readonly NodeId[]): NodeId {
    const box: { node?: ProfiledNode } = {};
    const id = super.addOperator(group, measured(op, box), inputs);
    box.node = node(id, operatorName(op), -1, inputs, op);
    this.profiledNodes.push(box.node);
    return id;
  }

  override dropView(group: number): void {
    super.dropView(group);
    this.profiledNodes.length = 0;
  }
}

function node(
  id: NodeId,
  operator: string,
  relationId: number,
  inputs: readonly NodeId[],
  op: Operator | null,
): ProfiledNode {
  return { id, operator, relationId, inputs, rowsIn: 0, rowsOut: 0, runs: 0, busyMs: 0, op };
}

/**
 * The class name of an operator, looking through the row-error wrapper around expression
 * operators (its field is private to the dataflow; the graph wants what it wraps).
 */
function operatorName(op: Operator): string {
  const inner = op instanceof RowErrorIsolation ? (op as unknown as { inner?: Operator }).inner : undefined;
  return inner ? inner.constructor.name : op.constructor.name;
}

/**
 * The operator seen through a proxy whose `step` counts and times the call. Everything else
 * (arity, pendingInitial, stateSize, the class name the circuit's state report reads) is the
 * operator's own, called on the operator itself so its private fields work.
 */
function measured(op: Operator, box: { node?: ProfiledNode }): Operator {
  const step = (inputs: readonly Batch[]): Batch => {
    const started = performance.now();
    const out = op.step(inputs);
    const profile = box.node;
    if (profile) {
      profile.busyMs += performance.now() - started;
      profile.runs++;
      for (const b of inputs) profile.rowsIn += b.length;
      profile.rowsOut += out.length;
    }
    return out;
  };
  return new Proxy(op, {
    get(target, property) {
      if (property === 'step') return step;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' && property !== 'constructor' ? value.bind(target) : value;
    },
  });
}

/** The profiled circuit of each materialized view, by view id. */
export class OperatorProfiles {
  private readonly circuits = new Map<number, ProfiledCircuit>();

  /** A maintainer factory that builds every view into a profiled circuit kept here. */
  factory(): MaintainerFactory {
    return (plan, viewId, appendOnly, options) => {
      const circuit = new ProfiledCircuit();
      const maintainer = createDataflowMaintainer(plan, viewId, appendOnly, { ...options, circuit });
      this.circuits.set(viewId, circuit);
      return maintainer;
    };
  }

  /** The nodes of a view's circuit, or undefined when the view is not maintained here. */
  nodesOf(viewId: number): readonly ProfiledNode[] | undefined {
    return this.circuits.get(viewId)?.profiledNodes;
  }

  /** Forgets views no longer in the catalog (dropped, or never committed). */
  prune(exists: (viewId: number) => boolean): void {
    for (const id of this.circuits.keys()) if (!exists(id)) this.circuits.delete(id);
  }
}
