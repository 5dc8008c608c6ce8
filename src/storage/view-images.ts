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
import { type ByteReader, type ByteWriter, corrupt, type PlainData } from './value-codec.ts';

/** Entries taken per slice call; slices are taken until `sliceBudgetMs` is spent, then a turn passes. */
const sliceEntries = 1000;
const sliceBudgetMs = 4;

/** A view whose state is being saved in slices for the checkpoint under way. */
export interface ViewSlicing {
  readonly relationId: number;
  readonly maintainer: ViewMaintainer;
  readonly slicer: ViewStateSlicer;
}

/** A view at the checkpoint's step boundary: its stored rows and its state's change since the slicing began. */
export interface ViewClosing {
  readonly relationId: number;
  readonly rows: Batch;
  readonly delta: ViewStateDelta;
}

/** A materialized view as recovery gets it back: stored rows and the image of its state. */
export interface SavedView {
  readonly relationId: number;
  readonly rows: Batch;
  readonly state: ViewState;
}

const sliceRecord = 1;
const slicesEnd = 0;

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

/** Writes the views closed at the step boundary (those still maintained by the same maintainer). */
export async function writeViewClosings(
  w: ByteWriter,
  closings: readonly ViewClosing[],
  turn: () => Promise<void>,
): Promise<void> {
  w.varuint(closings.length);
  for (const c of closings) {
    writeBatch(w, c.relationId, c.rows);
    w.plain(c.delta as unknown as PlainData);
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

/** Reads the closings and applies each to its view's slices: the views' images at the boundary. */
export function readViewClosings(r: ByteReader, slices: ReadonlyMap<number, ViewSlices>): SavedView[] {
  const views: SavedView[] = [];
  for (let n = r.varuint(); n > 0; n--) {
    const { relationId, batch } = readBatch(r);
    const delta = r.plain() as unknown as ViewStateDelta;
    const sliced = slices.get(relationId);
    if (sliced === undefined) throw corrupt(`view ${relationId} is closed but was never sliced`);
    views.push({ relationId, rows: batch, state: assemble(sliced, delta) });
  }
  return views;
}

function assemble(sliced: ViewSlices, delta: ViewStateDelta): ViewState {
  const deltas = new Map(delta.circuit.operators.map((o) => [o.node, o.delta]));
  const operators = sliced.operators.map(({ node, kind }) => {
    const opDelta = deltas.get(node);
    if (opDelta === undefined) throw corrupt(`operator ${node} of a view has no closing delta`);
    const image = { meta: [] as Value[], entries: sliced.entries.get(node)! };
    applyStateDelta(image, opDelta);
    const entries: StateEntry[] = [];
    for (const [id, data] of image.entries) entries.push({ id, data });
    return { node, state: { kind, meta: image.meta, entries } };
  });
  return {
    version: sliced.version,
    fingerprint: sliced.fingerprint,
    circuit: { fingerprint: sliced.circuitFingerprint, operators },
    errors: delta.errors,
    failure: delta.failure,
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
