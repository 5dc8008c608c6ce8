/**
 * @module test/support/state-images
 * Helpers for the operator-state tests: a round trip through `structuredClone` that accepts only
 * plain data and Eddy value forms (so an image holding a closure, an engine object or anything
 * shared with the live state cannot pass), and an in-memory store that keeps a circuit's image
 * the way a checkpoint store does: the first full save, then each delta applied to it.
 */
import { Interval } from '../../src/common/interval.ts';
import { Jsonb } from '../../src/common/jsonb.ts';
import { Numeric } from '../../src/common/numeric.ts';
import type { Value } from '../../src/common/value.ts';
import {
  applyStateDelta,
  type CircuitState,
  type CircuitStateDelta,
  type CircuitStateSlicer,
  type OperatorState,
  type StateEntry,
} from '../../src/dataflow/state.ts';

type Plain = unknown;

/** Encodes Eddy value classes as tagged records; throws on any other non-plain object. */
function encode(v: Plain, path: string): Plain {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'function' || typeof v === 'symbol' || v === undefined)
      throw new Error(`not plain data at ${path}: ${typeof v}`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => encode(x, `${path}[${i}]`));
  if (v instanceof Numeric) return { $numeric: [v.digits, v.scale, v.special] };
  if (v instanceof Interval) return { $interval: [v.months, v.days, v.micros] };
  if (v instanceof Jsonb) return { $jsonb: v.toString() };
  if (v instanceof Uint8Array) return v;
  if (Object.getPrototypeOf(v) !== Object.prototype)
    throw new Error(`not plain data at ${path}: ${(v as object).constructor.name}`);
  const out: Record<string, Plain> = {};
  for (const [k, x] of Object.entries(v)) out[k] = encode(x, `${path}.${k}`);
  return out;
}

function decode(v: Plain): Plain {
  if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(decode);
  const o = v as Record<string, Plain>;
  if ('$numeric' in o) {
    const [d, s, x] = o.$numeric as [bigint, number, number];
    return new Numeric(d, s, x);
  }
  if ('$interval' in o) {
    const [m, d, us] = o.$interval as [number, number, number];
    return new Interval(m, d, us);
  }
  if ('$jsonb' in o) return Jsonb.parse(o.$jsonb as string);
  const out: Record<string, Plain> = {};
  for (const [k, x] of Object.entries(o)) out[k] = decode(x);
  return out;
}

/** A deep copy through structuredClone, refusing anything but plain data and Eddy values. */
export function plainRoundTrip<T>(image: T): T {
  return decode(structuredClone(encode(image, '$'))) as T;
}

interface StoredOperator {
  kind: string;
  meta: Value[];
  entries: Map<number, Value[]>;
}

/** A circuit's image as a store keeps it: per operator node, its meta and entries by id. */
export class ImageStore {
  fingerprint = '';
  private readonly operators = new Map<number, StoredOperator>();

  /** Replaces everything with a full image. */
  putFull(state: CircuitState): void {
    this.fingerprint = state.fingerprint;
    this.operators.clear();
    for (const { node, state: op } of state.operators) {
      this.operators.set(node, {
        kind: op.kind,
        meta: op.meta,
        entries: new Map(op.entries.map((e) => [e.id, e.data])),
      });
    }
  }

  /** Starts an image from a sliced save: operators known, no entries yet. */
  beginSlices(slicer: CircuitStateSlicer): void {
    this.fingerprint = slicer.fingerprint;
    this.operators.clear();
    for (const { node, kind } of slicer.operators)
      this.operators.set(node, { kind, meta: [], entries: new Map() });
  }

  /** Stores one slice (`CircuitStateSlicer.next`'s result). */
  putSlice(slice: readonly { readonly node: number; readonly entries: readonly StateEntry[] }[]): void {
    for (const { node, entries } of slice) {
      const op = this.operators.get(node);
      if (op === undefined) throw new Error(`slice for unknown operator node ${node}`);
      for (const e of entries) op.entries.set(e.id, e.data);
    }
  }

  /** Applies a delta the way dataflow/state.ts specifies. */
  apply(delta: CircuitStateDelta): void {
    if (delta.fingerprint !== this.fingerprint) throw new Error('delta of another circuit');
    for (const { node, delta: d } of delta.operators) {
      const op = this.operators.get(node);
      if (op === undefined || op.kind !== d.kind) throw new Error(`delta for unknown operator node ${node}`);
      applyStateDelta(op, d);
    }
  }

  /** The kept image as a full circuit state (entries in id order). */
  image(): CircuitState {
    const operators: CircuitState['operators'][number][] = [];
    for (const [node, op] of [...this.operators].sort(([a], [b]) => a - b)) {
      const entries = [...op.entries].sort(([a], [b]) => a - b).map(([id, data]) => ({ id, data }));
      operators.push({ node, state: { kind: op.kind, meta: op.meta, entries } });
    }
    return { fingerprint: this.fingerprint, operators };
  }
}

/** A full image with each operator's entries in id order, for comparing images. */
export function sortedImage(state: CircuitState): CircuitState {
  return {
    fingerprint: state.fingerprint,
    operators: state.operators.map(({ node, state: op }) => ({ node, state: sortedOperator(op) })),
  };
}

function sortedOperator(op: OperatorState): OperatorState {
  return { ...op, entries: [...op.entries].sort((a, b) => a.id - b.id) };
}
