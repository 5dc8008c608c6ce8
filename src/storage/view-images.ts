/**
 * @module storage/view-images
 * Materialized views' operator state in a checkpoint (ADR 0003, ADR 0004), saved without
 * stalling steps: each view's full save is taken in slices (`beginSaveState`) and streamed into
 * the checkpoint a few milliseconds of work per event-loop turn; at the checkpoint's step
 * boundary the delta since the slicing began closes it. Reading applies that delta to the
 * slices, which gives the image at the boundary.
 */
import type { Value } from '../common/value.ts';
import type { Batch } from '../dataflow/batch.ts';
import { applyStateDelta, type StateEntry } from '../dataflow/state.ts';
import type { ViewMaintainer } from '../runtime/database.ts';
import type { ViewState, ViewStateDelta, ViewStateSlicer } from '../runtime/view-state.ts';
import { readBatch, writeBatch } from './log-record.ts';
import {
  type ByteReader,
  type ByteWriter,
  corrupt,
  type PlainData,
  writePlainInTurns,
} from './value-codec.ts';

/** Entries taken per slice call; slices are taken until `sliceBudgetMs` is spent, then a turn passes. */
const sliceEntries = 1000;
const sliceBudgetMs = 4;

/** A view whose state is being saved in slices for the checkpoint under way. */
export interface ViewSlicing {
  readonly relationId: number;
  readonly maintainer: ViewMaintainer;
  readonly slicer: ViewStateSlicer;
}

/**
 * A view at the checkpoint's step boundary: its stored rows and its state's change, either since
 * its slicing began in this checkpoint (`sliced`), or since the base checkpoint's boundary (an
 * incremental checkpoint: the base holds the image it applies to). `rowsDelta`: `rows` are the
 * changes of the view's contents since the base's boundary, not the whole contents.
 */
export interface ViewClosing {
  readonly relationId: number;
  readonly rows: Batch;
  readonly delta: ViewStateDelta;
  readonly sliced: boolean;
  readonly rowsDelta: boolean;
}

/** A materialized view as recovery gets it back: stored rows and the image of its state. */
export interface SavedView {
  readonly relationId: number;
  readonly rows: Batch;
  readonly state: ViewState;
}

const sliceRecord = 1;
const slicesEnd = 0;
/** Flags of a view's closing (format 4). */
const closingSliced = 1;
const closingRowsDelta = 2;

/**
 * Writes every view's slicer header, then its slices until all are taken; `turn` is awaited
 * whenever a time budget is spent (and may flush what was written), so steps run in between.
 */
export async function writeViewSlices(
  w: ByteWriter,
  slicings: readonly ViewSlicing[],
  turn: () => Promise<void>,
): Promise<void> {
  w.varuint(slicings.length);
  for (const { relationId, slicer } of slicings) {
    w.varuint(relationId);
    w.varuint(slicer.version);
    w.string(slicer.fingerprint);
    w.string(slicer.circuit.fingerprint);
    w.varuint(slicer.circuit.operators.length);
    for (const op of slicer.circuit.operators) {
      w.varuint(op.node);
      w.string(op.kind);
    }
  }
  let budgetStart = performance.now();
  for (const { relationId, slicer } of slicings) {
    for (;;) {
      const parts = slicer.circuit.next(sliceEntries);
      if (parts.length === 0) break;
      for (const { node, entries } of parts) {
        w.u8(sliceRecord);
        w.varuint(relationId);
        w.varuint(node);
        writeEntries(w, entries);
      }
      if (performance.now() - budgetStart >= sliceBudgetMs) {
        await turn();
        budgetStart = performance.now();
      }
    }
  }
  w.u8(slicesEnd);
}

/**
 * Writes the views closed at the step boundary (those still maintained by the same maintainer).
 * A closing's state delta (an incremental checkpoint's may hold most of a view's state) is
 * encoded over several turns, so that steps are not held up while it is written.
 */
export async function writeViewClosings(
  w: ByteWriter,
  closings: readonly ViewClosing[],
  turn: () => Promise<void>,
): Promise<void> {
  w.varuint(closings.length);
  for (const c of closings) {
    w.u8((c.sliced ? closingSliced : 0) | (c.rowsDelta ? closingRowsDelta : 0));
    writeBatch(w, c.relationId, c.rows);
    await writePlainInTurns(w, c.delta as unknown as PlainData, turn);
    await turn();
  }
}

/** What `readViewSlices` gathered: per view, its slicer header and the entries by operator node. */
export interface ViewSlices {
  readonly version: number;
  readonly fingerprint: string;
  readonly circuitFingerprint: string;
  readonly operators: readonly { readonly node: number; readonly kind: string }[];
  readonly entries: Map<number, Map<number, Value[]>>;
}

export function readViewSlices(r: ByteReader): Map<number, ViewSlices> {
  const views = new Map<number, ViewSlices>();
  for (let n = r.varuint(); n > 0; n--) {
    const relationId = r.varuint();
    const version = r.varuint();
    const fingerprint = r.string();
    const circuitFingerprint = r.string();
    const operators: { node: number; kind: string }[] = [];
    const entries = new Map<number, Map<number, Value[]>>();
    for (let k = r.varuint(); k > 0; k--) {
      const node = r.varuint();
      operators.push({ node, kind: r.string() });
      entries.set(node, new Map());
    }
    views.set(relationId, { version, fingerprint, circuitFingerprint, operators, entries });
  }
  for (let tag = r.u8(); tag !== slicesEnd; tag = r.u8()) {
    if (tag !== sliceRecord) throw corrupt(`unknown view slice record ${tag}`);
    const relationId = r.varuint();
    const node = r.varuint();
    const into = views.get(relationId)?.entries.get(node);
    if (into === undefined) throw corrupt(`a slice of view ${relationId} names unknown operator ${node}`);
    readEntries(r, into);
  }
  return views;
}

/**
 * A view's image while a checkpoint (and the chain of checkpoints it builds on) is read: entries
 * in maps, so that each later delta of the chain applies in place.
 */
export interface ViewImageBuild {
  readonly relationId: number;
  rows: Batch;
  version: number;
  fingerprint: string;
  circuitFingerprint: string;
  readonly operators: {
    readonly node: number;
    readonly kind: string;
    meta: Value[];
    entries: Map<number, Value[]>;
  }[];
  errors: Value[];
  failure: Value[] | null;
}

/**
 * Reads the closings and applies each to its view's slices, or (incremental, format 4) to the
 * base checkpoint's image of the view: the views' images at the boundary. Views of the base that
 * this checkpoint does not close are gone (dropped, or hydrating again).
 * `mergeRows` adds a closing's row changes to the base's rows.
 */
export function readViewClosings(
  r: ByteReader,
  format: number,
  slices: ReadonlyMap<number, ViewSlices>,
  base: ReadonlyMap<number, ViewImageBuild> | undefined,
  mergeRows: (base: Batch, delta: Batch) => Batch,
): Map<number, ViewImageBuild> {
  const views = new Map<number, ViewImageBuild>();
  for (let n = r.varuint(); n > 0; n--) {
    const flags = format >= 4 ? r.u8() : closingSliced;
    const { relationId, batch } = readBatch(r);
    const delta = r.plain() as unknown as ViewStateDelta;
    let view: ViewImageBuild;
    if ((flags & closingSliced) !== 0) {
      const sliced = slices.get(relationId);
      if (sliced === undefined) throw corrupt(`view ${relationId} is closed but was never sliced`);
      view = fromSlices(relationId, sliced, batch);
    } else {
      const prior = base?.get(relationId);
      if (prior === undefined)
        throw corrupt(`view ${relationId} has a delta but no image in the base checkpoint`);
      if (prior.version !== delta.version || prior.fingerprint !== delta.fingerprint)
        throw corrupt(`view ${relationId}'s delta does not fit its image in the base checkpoint`);
      view = prior;
    }
    if ((flags & closingRowsDelta) !== 0) {
      const prior = base?.get(relationId);
      if (prior === undefined)
        throw corrupt(`view ${relationId} has row changes but no rows in the base checkpoint`);
      view.rows = mergeRows(prior.rows, batch);
    } else view.rows = batch;
    applyViewDelta(view, delta);
    views.set(relationId, view);
  }
  return views;
}

function fromSlices(relationId: number, sliced: ViewSlices, rows: Batch): ViewImageBuild {
  return {
    relationId,
    rows,
    version: sliced.version,
    fingerprint: sliced.fingerprint,
    circuitFingerprint: sliced.circuitFingerprint,
    operators: sliced.operators.map(({ node, kind }) => ({
      node,
      kind,
      meta: [],
      entries: sliced.entries.get(node)!,
    })),
    errors: [],
    failure: null,
  };
}

function applyViewDelta(view: ViewImageBuild, delta: ViewStateDelta): void {
  const deltas = new Map(delta.circuit.operators.map((o) => [o.node, o.delta]));
  for (const op of view.operators) {
    const opDelta = deltas.get(op.node);
    if (opDelta === undefined) throw corrupt(`operator ${op.node} of a view has no closing delta`);
    applyStateDelta(op, opDelta);
  }
  view.errors = delta.errors;
  view.failure = delta.failure;
}

/** The finished image, as recovery hands it to the view's maintainer. */
export function savedView(view: ViewImageBuild): SavedView {
  const operators = view.operators.map(({ node, kind, meta, entries }) => {
    const list: StateEntry[] = [];
    for (const [id, data] of entries) list.push({ id, data });
    return { node, state: { kind, meta, entries: list } };
  });
  return {
    relationId: view.relationId,
    rows: view.rows,
    state: {
      version: view.version,
      fingerprint: view.fingerprint,
      circuit: { fingerprint: view.circuitFingerprint, operators },
      errors: view.errors,
      failure: view.failure,
    },
  };
}

function writeEntries(w: ByteWriter, entries: readonly StateEntry[]): void {
  w.varuint(entries.length);
  for (const e of entries) {
    w.varuint(e.id);
    w.plain(e.data);
  }
}

function readEntries(r: ByteReader, into: Map<number, Value[]>): void {
  for (let n = r.varuint(); n > 0; n--) {
    const id = r.varuint();
    const data = r.plain();
    if (!Array.isArray(data)) throw corrupt('a state entry is not a list of values');
    into.set(id, data as Value[]);
  }
}
