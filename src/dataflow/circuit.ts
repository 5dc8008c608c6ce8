/**
 * @module dataflow/circuit
 * The dataflow graph shared by every view, and the step that moves it forward. Nodes are kept in
 * creation order, which is topological (a node's inputs always exist before it). Each view owns
 * the nodes built for it (its group); catalog relations enter through one shared input node per
 * relation, and each view reads them through its own link nodes, so a new view can be hydrated
 * from snapshots without replaying anything into the views that already exist.
 * Checkpoints save every stateful operator's state by node position, under a fingerprint of the
 * circuit's shape, so an image restores only into a circuit lowered from the same plan.
 */
import { assert } from '../common/errors.ts';
import { Batch } from './batch.ts';
import { consolidate } from './consolidate.ts';
import type { Operator } from './operator.ts';
import {
  type CircuitState,
  type CircuitStateDelta,
  type CircuitStateSlicer,
  fingerprintOf,
  type StateEntry,
  stateMismatch,
} from './state.ts';
import { cachedStateBytes } from './state-bytes.ts';

export type NodeId = number;
export type OutputId = number;

/** One operator's state: class name, entries (`Operator.stateSize`), approximate bytes. */
export interface OperatorStateSize {
  readonly operator: string;
  readonly entries: number;
  readonly bytes: number;
}

type NodeKind = 'input' | 'link' | 'operator';

class Node {
  readonly id: NodeId;
  readonly kind: NodeKind;
  readonly arity: number;
  /** Released (null) when the view is dropped, freeing its state. */
  op: Operator | null;
  readonly inputs: readonly NodeId[];
  /** The relation an input or link node reads; -1 for operators. */
  readonly relationId: number;
  /** The view (group) owning the node; -1 for shared input nodes. */
  readonly group: number;
  alive = true;
  /** Moves whenever the operator's state may have changed (runs, restores): keys state-bytes walks. */
  version = 0;
  /** This step's delta, between the node running and the end of the step. */
  delta: Batch | null = null;

  constructor(
    id: NodeId,
    kind: NodeKind,
    arity: number,
    op: Operator | null,
    inputs: readonly NodeId[],
    relationId: number,
    group: number,
  ) {
    this.id = id;
    this.kind = kind;
    this.arity = arity;
    this.op = op;
    this.inputs = inputs;
    this.relationId = relationId;
    this.group = group;
  }
}

interface ViewOutput {
  readonly node: NodeId;
  readonly group: number;
}

export class Circuit {
  private readonly nodes: Node[] = [];
  private readonly inputNodes = new Map<number, NodeId>();
  private readonly outputs = new Map<OutputId, ViewOutput>();
  /** Relations produced by a view of this circuit: relation id → the view's output. */
  private readonly viewRelations = new Map<number, OutputId>();
  private nextGroup = 0;
  private nextOutput = 1;

  /** Starts building a view: nodes added with the returned group belong to it. */
  beginView(): number {
    return this.nextGroup++;
  }

  /**
   * The node through which view `group` reads relation `relationId` (arity `arity`): a link to
   * the relation's shared input node, or to the output of the view registered as that relation.
   */
  addRead(group: number, relationId: number, arity: number): NodeId {
    const producer = this.viewRelations.get(relationId);
    let source: NodeId;
    if (producer !== undefined) source = this.outputs.get(producer)!.node;
    else {
      let input = this.inputNodes.get(relationId);
      if (input === undefined) {
        input = this.push('input', arity, null, [], relationId, -1);
        this.inputNodes.set(relationId, input);
      }
      source = input;
    }
    assert(this.nodes[source]!.arity === arity, `relation ${relationId} read with arity ${arity}`);
    return this.push('link', arity, null, [source], relationId, group);
  }

  /** Adds an operator reading `inputs` (nodes of the same view). */
  addOperator(group: number, op: Operator, inputs: readonly NodeId[]): NodeId {
    for (const i of inputs) assert(this.nodes[i]!.group === group, 'operator input from another view');
    return this.push('operator', op.arity, op, inputs, -1, group);
  }

  /**
   * Finishes a view whose result is node `root`; returns its output id. With `relationId`, later
   * views reading that relation read this view's output directly.
   */
  finishView(group: number, root: NodeId, relationId?: number): OutputId {
    assert(this.nodes[root]!.group === group, 'view root from another view');
    const id = this.nextOutput++;
    this.outputs.set(id, { node: root, group });
    if (relationId !== undefined) {
      assert(!this.viewRelations.has(relationId), `relation ${relationId} already produced by a view`);
      this.viewRelations.set(relationId, id);
    }
    return id;
  }

  /** Removes a view's nodes (a failed build, or DROP). Views reading it must be dropped first. */
  dropView(group: number): void {
    for (const node of this.nodes) {
      if (node.group !== group || !node.alive) continue;
      node.alive = false;
      node.op = null;
    }
    for (const node of this.nodes) {
      if (!node.alive) continue;
      for (const i of node.inputs) assert(this.nodes[i]!.alive, 'dropping a view that another view reads');
    }
    for (const [id, out] of this.outputs) {
      if (out.group !== group) continue;
      this.outputs.delete(id);
      for (const [rel, o] of this.viewRelations) if (o === id) this.viewRelations.delete(rel);
    }
  }

  /** The group of a view's output (to drop it). */
  groupOf(output: OutputId): number {
    const out = this.outputs.get(output);
    assert(out !== undefined, `unknown dataflow output ${output}`);
    return out.group;
  }

  /** Arity of a view's output rows. */
  outputArity(output: OutputId): number {
    return this.nodes[this.outputs.get(output)!.node]!.arity;
  }

  /**
   * The state kept by each live operator that keeps any: its class name, entry count and
   * approximate bytes (walked again only for operators that ran since: `cachedStateBytes`).
   */
  stateSizes(): OperatorStateSize[] {
    const out: OperatorStateSize[] = [];
    for (const node of this.nodes) {
      const op = node.op;
      if (!node.alive || !op?.stateSize) continue;
      out.push({
        operator: op.constructor.name,
        entries: op.stateSize(),
        bytes: cachedStateBytes(op, node.version) ?? 0,
      });
    }
    return out;
  }

  /**
   * The state of every operator that keeps any (whole images); from now on each notes its
   * changes for `saveStateDelta`. Call between steps.
   */
  saveState(): CircuitState {
    const operators: CircuitState['operators'][number][] = [];
    for (const node of this.statefulNodes()) operators.push({ node: node.id, state: node.op!.saveState!() });
    return { fingerprint: this.fingerprint(), operators };
  }

  /** Every stateful operator's changes since the previous save (dataflow/state.ts says how to apply them). */
  saveStateDelta(): CircuitStateDelta {
    const operators: CircuitStateDelta['operators'][number][] = [];
    for (const node of this.statefulNodes())
      operators.push({ node: node.id, delta: node.op!.saveStateDelta!() });
    return { fingerprint: this.fingerprint(), operators };
  }

  /**
   * Starts a full save in slices (dataflow/state.ts `StateSlicer`): call `next` between steps
   * until it returns nothing, then `saveStateDelta()`; the slices with that delta applied are
   * the image at that moment.
   */
  beginSaveState(): CircuitStateSlicer {
    const slicers = this.statefulNodes().map((node) => ({
      node: node.id,
      slicer: node.op!.beginSaveState!(),
    }));
    let at = 0;
    return {
      fingerprint: this.fingerprint(),
      operators: slicers.map(({ node, slicer }) => ({ node, kind: slicer.kind })),
      next(max: number) {
        const out: { node: number; entries: StateEntry[] }[] = [];
        let room = max;
        while (at < slicers.length && room > 0) {
          const { node, slicer } = slicers[at]!;
          const entries = slicer.next(room);
          if (entries.length === 0) at++;
          else {
            out.push({ node, entries });
            room -= entries.length;
          }
        }
        return out;
      },
    };
  }

  /**
   * Loads a `saveState` image into this circuit, freshly built from the same plan and never
   * stepped. Fails (XX001) when the circuit's shape or any operator's kind differs.
   */
  restoreState(state: CircuitState): void {
    const fingerprint = this.fingerprint();
    if (state.fingerprint !== fingerprint)
      throw stateMismatch(`circuit fingerprint ${state.fingerprint}, expected ${fingerprint}`);
    const stateful = this.statefulNodes();
    if (state.operators.length !== stateful.length)
      throw stateMismatch(
        `${state.operators.length} operator states for ${stateful.length} stateful operators`,
      );
    for (let i = 0; i < stateful.length; i++) {
      const saved = state.operators[i]!;
      if (saved.node !== stateful[i]!.id)
        throw stateMismatch(`state of node ${saved.node} at node ${stateful[i]!.id}`);
      stateful[i]!.op!.restoreState!(saved.state);
      stateful[i]!.version++;
    }
  }

  /** Live operator nodes whose operator saves state (every one with `stateSize` must, and size it). */
  private statefulNodes(): Node[] {
    const out: Node[] = [];
    for (const node of this.nodes) {
      const op = node.op;
      if (!node.alive || op === null) continue;
      assert(
        op.stateSize === undefined || (op.saveState !== undefined && op.stateBytes !== undefined),
        `${op.constructor.name} keeps state it cannot save or size`,
      );
      if (op.saveState) out.push(node);
    }
    return out;
  }

  /** A hash of the live nodes' kinds, arities, inputs, relations and operator classes. */
  private fingerprint(): string {
    const parts: string[] = [];
    for (const node of this.nodes) {
      if (!node.alive) continue;
      const op = node.op === null ? '' : node.op.constructor.name;
      parts.push(`${node.id}:${node.kind}:${op}:${node.arity}:${node.relationId}:${node.inputs.join(',')}`);
    }
    for (const [id, out] of this.outputs) parts.push(`out${id}:${out.node}`);
    return fingerprintOf(parts.join(';'));
  }

  /**
   * Runs one step: feeds each relation's delta (rows need not be consolidated; relations not
   * listed did not change), runs every operator once in topological order, and returns the
   * delta of every view output that changed: consolidated when it retracts anything; a delta of
   * insertions only is returned as it is (it may list an equal row twice, which as a Z-set is the
   * same as once with weight 2), sparing append-only pipelines a hash of every output row.
   */
  step(inputDeltas: ReadonlyMap<number, Batch>): Map<OutputId, Batch> {
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (!node.alive) continue;
      if (node.kind === 'input') node.delta = inputDeltas.get(node.relationId) ?? null;
      else if (node.kind === 'link') node.delta = nodes[node.inputs[0]!]!.delta;
      else node.delta = this.run(node);
    }
    const result = new Map<OutputId, Batch>();
    for (const [id, out] of this.outputs) {
      const delta = nodes[out.node]!.delta;
      if (delta === null || delta.length === 0) continue;
      const consolidated = insertionsOnly(delta) ? delta : consolidate(delta);
      if (consolidated.length > 0) result.set(id, consolidated);
    }
    for (let n = 0; n < nodes.length; n++) nodes[n]!.delta = null;
    return result;
  }

  /**
   * Computes a newly added view over existing data: runs only that view's nodes, its links
   * emitting `snapshot(relationId)` (the relation's whole current contents). Returns the view's
   * initial contents. Call it once, right after building the view, before the next `step`.
   */
  hydrate(output: OutputId, snapshot: (relationId: number) => Batch | undefined): Batch {
    const view = this.outputs.get(output);
    assert(view !== undefined, `unknown dataflow output ${output}`);
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const node = nodes[n]!;
      if (!node.alive || node.group !== view.group) continue;
      if (node.kind === 'link') node.delta = snapshot(node.relationId) ?? null;
      else node.delta = this.run(node);
    }
    const root = nodes[view.node]!.delta;
    for (let n = 0; n < nodes.length; n++) nodes[n]!.delta = null;
    return root === null ? new Batch(nodes[view.node]!.arity) : consolidate(root);
  }

  private run(node: Node): Batch | null {
    const op = node.op!;
    const inputs: Batch[] = [];
    let any = false;
    for (const i of node.inputs) {
      const source = this.nodes[i]!;
      const delta = source.delta;
      if (delta !== null && delta.length > 0) any = true;
      inputs.push(delta ?? new Batch(source.arity));
    }
    if (!any && !op.pendingInitial) return null;
    node.version++;
    return op.step(inputs);
  }

  private push(
    kind: NodeKind,
    arity: number,
    op: Operator | null,
    inputs: readonly NodeId[],
    relationId: number,
    group: number,
  ): NodeId {
    const id = this.nodes.length;
    this.nodes.push(new Node(id, kind, arity, op, inputs, relationId, group));
    return id;
  }
}

function insertionsOnly(batch: Batch): boolean {
  const weights = batch.weights;
  for (let i = 0; i < weights.length; i++) if (weights[i]! <= 0) return false;
  return true;
}
