/**
 * @module storage/log-record
 * The input log's record format (ADR 0003): a format byte, a kind byte, then the kind's fields.
 * `step` carries a whole step's table and source changes with its DDL and clock reading;
 * `ddl` carries catalog changes committed without rows. Kind 3 (`positions`, replayable
 * sources' upstream positions) is reserved for the connectors.
 */
import type { Value } from '../common/value.ts';
import { Batch } from '../dataflow/batch.ts';
import { ChangeSet } from '../runtime/changes.ts';
import type { DdlRecord } from '../runtime/durable-log.ts';
import { ByteReader, ByteWriter, corrupt } from './value-codec.ts';

/** The log record format this code writes and reads. */
export const logFormat = 1;

const kindStep = 1;
const kindDdl = 2;

export type LogRecord =
  | {
      readonly kind: 'step';
      readonly step: number;
      readonly clockMicros: number;
      readonly ddl: readonly DdlRecord[];
      readonly changes: ChangeSet;
    }
  | { readonly kind: 'ddl'; readonly ddl: readonly DdlRecord[] };

export function encodeStepRecord(
  step: number,
  clockMicros: number,
  ddl: readonly DdlRecord[],
  changes: ChangeSet,
): Uint8Array {
  const w = new ByteWriter(1024);
  w.u8(logFormat);
  w.u8(kindStep);
  w.varuint(step);
  w.f64(clockMicros);
  writeDdl(w, ddl);
  writeChanges(w, changes);
  return w.finish();
}

export function encodeDdlRecord(ddl: readonly DdlRecord[]): Uint8Array {
  const w = new ByteWriter(256);
  w.u8(logFormat);
  w.u8(kindDdl);
  writeDdl(w, ddl);
  return w.finish();
}

export function decodeLogRecord(bytes: Uint8Array): LogRecord {
  const r = new ByteReader(bytes);
  const format = r.u8();
  if (format !== logFormat) throw corrupt(`log record of format ${format}, this Eddy reads ${logFormat}`);
  const kind = r.u8();
  if (kind === kindStep) {
    const step = r.varuint();
    const clockMicros = r.f64();
    const ddl = readDdl(r);
    return { kind: 'step', step, clockMicros, ddl, changes: readChanges(r) };
  }
  if (kind === kindDdl) return { kind: 'ddl', ddl: readDdl(r) };
  throw corrupt(`unknown log record kind ${kind}`);
}

export function writeDdl(w: ByteWriter, ddl: readonly DdlRecord[]): void {
  w.varuint(ddl.length);
  for (const d of ddl) {
    w.string(d.sql);
    w.varuint(d.firstId);
    w.string(d.timeZone);
  }
}

export function readDdl(r: ByteReader): DdlRecord[] {
  const n = r.varuint();
  const out: DdlRecord[] = [];
  for (let i = 0; i < n; i++) {
    const sql = r.string();
    const firstId = r.varuint();
    out.push({ sql, firstId, timeZone: r.string() });
  }
  return out;
}

/** Batches by relation id: id, arity, row count, then each row's values and its weight. */
export function writeChanges(w: ByteWriter, changes: ChangeSet): void {
  let nonEmpty = 0;
  for (const b of changes.byRelation.values()) if (b.length > 0) nonEmpty++;
  w.varuint(nonEmpty);
  for (const [id, b] of changes.byRelation) if (b.length > 0) writeBatch(w, id, b);
}

export function writeBatch(w: ByteWriter, relationId: number, b: Batch): void {
  w.varuint(relationId);
  w.varuint(b.arity);
  w.varuint(b.length);
  const values = b.values;
  for (let i = 0; i < b.length; i++) {
    const base = i * b.arity;
    for (let j = 0; j < b.arity; j++) w.value(values[base + j]!);
    w.f64(b.weights[i]!);
  }
}

export function readChanges(r: ByteReader): ChangeSet {
  const changes = new ChangeSet();
  const n = r.varuint();
  for (let k = 0; k < n; k++) {
    const { relationId, batch } = readBatch(r);
    changes.byRelation.set(relationId, batch);
  }
  return changes;
}

export function readBatch(r: ByteReader): { relationId: number; batch: Batch } {
  const relationId = r.varuint();
  const arity = r.varuint();
  const rows = r.varuint();
  const values: Value[] = new Array(rows * arity);
  const weights: number[] = new Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < arity; j++) values[i * arity + j] = r.value();
    weights[i] = r.f64();
  }
  return { relationId, batch: new Batch(arity, values, weights) };
}
