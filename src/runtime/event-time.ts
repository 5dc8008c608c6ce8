/**
 * @module runtime/event-time
 * Watermarks and late data, applied to each step's changes before any view sees them. For every
 * relation with `WATERMARK FOR col AS expr` written in the step: rows whose `col` is behind the
 * relation's watermark (as it stood when the step began) are diverted into its `<name>_late`
 * table, so every view over the relation agrees on its contents; then the watermark advances to
 * the largest `expr` over the rows accepted. The watermark is a row per partition of the
 * relation's `<name>_watermarks` table, changed in the same step, so the input log and the
 * checkpoints keep it exactly with the data and replay re-forms it. The relation's watermark is
 * the least over its partitions: rows written by SQL, insert() and ingest are partition '';
 * connector sources name each row's partition (a Kafka partition) and every partition they read
 * (ChangeSet.eventPartitions). A known partition without rows yet holds the watermark at
 * -infinity; one idle past the source's idle timeout follows the most advanced partition, so it
 * holds nothing back. A partition's first watermark is never below the relation's, so the
 * relation's watermark never moves back.
 */
import type { Catalog, TableEntry, WatermarkSpec } from '../catalog/catalog.ts';
import { Batch } from '../dataflow/batch.ts';
import { compileScalar, type RowFn } from '../plan/compile-scalar.ts';
import type { RelationWatermark } from '../plan/window-close.ts';
import type { ChangeSet, EventPartitions } from './changes.ts';
import type { RelationStore } from './row-store.ts';

/** The partition rows written by SQL, the library and HTTP ingest belong to. */
export const defaultPartition = '';

/** What event time needs of the database: its catalog and the stores of tables. */
export interface EventTimeStores {
  readonly catalog: Catalog;
  hasStore(relationId: number): boolean;
  store(relationId: number): RelationStore;
}

/** Late rows diverted in one step, by the relation they were written to. */
export type LateCounts = ReadonlyMap<number, number>;

/** Rows written by SQL, the library and ingest: all of partition '', which is never idle. */
const sqlWrites: EventPartitions = { rowPartitions: [], known: [], idle: new Set() };

/** Compiled watermark expressions, by the expression (a relation re-created gets a new one). */
const compiled = new WeakMap<WatermarkSpec, RowFn>();

/** The relation's watermark (microseconds, the event-time column's form), or null before any row. */
export function currentWatermark(db: EventTimeStores, spec: WatermarkSpec): number | null {
  let least: number | null = null;
  for (const [, watermark] of db.store(spec.stateRelationId).scan()) {
    const w = watermark as number;
    if (least === null || w < least) least = w;
  }
  return least;
}

/**
 * Diverts late rows and advances watermarks in `changes` (the step's, taken over by it); the
 * tables' stores (the relation's own when it keeps rows, its late and watermark tables) are
 * changed to match. A step whose changes already hold a watermark table's rows is a replayed
 * one, diverted and advanced when it first ran: it is left as it is.
 */
export function applyEventTime(db: EventTimeStores, changes: ChangeSet): LateCounts {
  const late = new Map<number, number>();
  for (const [relationId, batch] of [...changes.byRelation]) {
    const relation = db.catalog.relationById(relationId);
    if ((relation.kind !== 'source' && relation.kind !== 'table') || relation.watermark === undefined)
      continue;
    const spec = relation.watermark;
    if (changes.byRelation.has(spec.stateRelationId)) continue;
    const watermark = currentWatermark(db, spec);
    const partitions = changes.eventPartitions.get(relationId);
    const { onTime, diverted, onTimePartitions } = splitLate(batch, spec.column, watermark, partitions);
    if (diverted.length > 0) {
      changes.byRelation.set(relationId, onTime);
      moveLate(db, relation, diverted, changes);
      late.set(relationId, countRows(diverted));
    }
    advancePartitions(db, spec, onTime, onTimePartitions ?? [], partitions ?? sqlWrites, watermark, changes);
  }
  return late;
}

function splitLate(
  batch: Batch,
  column: number,
  watermark: number | null,
  partitions: EventPartitions | undefined,
): { onTime: Batch; diverted: Batch; onTimePartitions?: string[] } {
  const onTime = new Batch(batch.arity);
  const diverted = new Batch(batch.arity);
  if (watermark === null)
    return { onTime: batch, diverted, onTimePartitions: partitions?.rowPartitions.slice() };
  const onTimePartitions: string[] | undefined = partitions && [];
  for (let i = 0; i < batch.length; i++) {
    const time = batch.values[i * batch.arity + column];
    // A NULL event time is never late: it falls in no window and moves no watermark.
    const isLate = time !== null && (time as number) < watermark;
    (isLate ? diverted : onTime).push(batch.values, i * batch.arity, batch.weights[i]!);
    if (!isLate) onTimePartitions?.push(partitions!.rowPartitions[i] ?? defaultPartition);
  }
  return { onTime, diverted, onTimePartitions };
}

/** Late rows go to the late table; a relation that keeps rows gives them back (its writer applied them). */
function moveLate(db: EventTimeStores, relation: TableEntry, diverted: Batch, changes: ChangeSet): void {
  const spec = relation.watermark!;
  const lateStore = db.store(spec.lateRelationId);
  const into = changes.batchFor(spec.lateRelationId, diverted.arity);
  const own = db.hasStore(relation.id) ? db.store(relation.id) : undefined;
  for (let i = 0; i < diverted.length; i++) {
    const base = i * diverted.arity;
    const weight = diverted.weights[i]!;
    into.push(diverted.values, base, weight);
    lateStore.apply(diverted.values, base, weight);
    own?.apply(diverted.values, base, -weight);
  }
}

/** The watermark expression over row `i` of `rows`, or null (NULL, or it failed: moves nothing). */
function candidateOf(spec: WatermarkSpec, rows: Batch, i: number): number | null {
  let fn = compiled.get(spec);
  if (fn === undefined) compiled.set(spec, (fn = compileScalar(spec.expr)));
  if (rows.weights[i]! <= 0) return null;
  try {
    return fn(rows.values, i * rows.arity) as number | null;
  } catch {
    // A row whose watermark expression fails (an overflow) is accepted and moves nothing.
    return null;
  }
}

/**
 * Per-partition watermarks: each partition's moves to the largest `expr` over its accepted rows;
 * a known partition gets its first row (at the relation's watermark, -infinity at first); idle
 * partitions move up to the most advanced partition's. The relation's is the least of them.
 */
function advancePartitions(
  db: EventTimeStores,
  spec: WatermarkSpec,
  accepted: Batch,
  rowPartitions: readonly string[],
  partitions: EventPartitions,
  watermark: number | null,
  changes: ChangeSet,
): void {
  const store = db.store(spec.stateRelationId);
  const before = new Map<string, number>();
  for (const [partition, w] of store.scan()) before.set(partition as string, w as number);
  const floor = watermark ?? Number.NEGATIVE_INFINITY;
  const after = new Map(before);
  const raise = (partition: string, to: number): void => {
    const now = after.get(partition);
    if (now === undefined || to > now) after.set(partition, now === undefined ? Math.max(to, floor) : to);
  };
  for (const partition of partitions.known) raise(partition, floor);
  for (let i = 0; i < accepted.length; i++) {
    const candidate = candidateOf(spec, accepted, i);
    if (candidate !== null) raise(rowPartitions[i] ?? defaultPartition, candidate);
  }
  let ahead = Number.NEGATIVE_INFINITY;
  for (const [partition, w] of after) if (!partitions.idle.has(partition)) ahead = Math.max(ahead, w);
  for (const partition of partitions.idle) if (after.has(partition)) raise(partition, ahead);
  for (const [partition, w] of after) {
    const old = before.get(partition);
    if (old === w) continue;
    // Only a step that moves a watermark writes the table (replay recognises it by its rows).
    const batch = changes.batchFor(spec.stateRelationId, 2);
    if (old !== undefined) {
      batch.push([partition, old], 0, -1);
      store.apply([partition, old], 0, -1);
    }
    batch.push([partition, w], 0, 1);
    store.apply([partition, w], 0, 1);
  }
}

function countRows(batch: Batch): number {
  let n = 0;
  for (let i = 0; i < batch.length; i++) n += batch.weights[i]!;
  return n;
}

/** A relation's watermark as the planner sees it (plan/window-close), if it declares one. */
/**
 * Whether the relation only ever grows: sources, and tables with a watermark (UPDATE and DELETE
 * are refused, late rows never reach views).
 */
export function appendOnlyRelation(catalog: Catalog, relationId: number): boolean {
  const relation = catalog.relationById(relationId);
  return (
    // A keyed source (FORMAT UPSERT or DEBEZIUM) updates and deletes its rows.
    (relation.kind === 'source' && relation.primaryKey.length === 0) ||
    (relation.kind === 'table' && relation.watermark !== undefined)
  );
}

export function relationWatermark(catalog: Catalog, relationId: number): RelationWatermark | undefined {
  const relation = catalog.relationById(relationId);
  if ((relation.kind !== 'table' && relation.kind !== 'source') || relation.watermark === undefined)
    return undefined;
  const spec = relation.watermark;
  return {
    column: spec.column,
    stateRelationId: spec.stateRelationId,
    stateName: catalog.relationById(spec.stateRelationId).name,
    type: relation.columns[spec.column]!.type,
  };
}

/** The NOTICEs a client gets for the late rows its write's step diverted (DESIGN: never silently). */
export function lateNotices(catalog: Catalog, late: LateCounts): string[] {
  const out: string[] = [];
  for (const [relationId, rows] of late) {
    const relation = catalog.relationById(relationId);
    if (relation.kind !== 'source' && relation.kind !== 'table') continue;
    const lateTable = catalog.relationById(relation.watermark!.lateRelationId).name;
    out.push(
      `${rows} ${rows === 1 ? 'row was' : 'rows were'} behind the watermark of "${relation.name}" and went to ${lateTable}`,
    );
  }
  return out;
}
