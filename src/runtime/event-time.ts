/**
 * @module runtime/event-time
 * Watermarks and late data, applied to each step's changes before any view sees them. For every
 * relation with `WATERMARK FOR col AS expr` written in the step: rows whose `col` is behind the
 * relation's watermark (as it stood when the step began) are diverted into its `<name>_late`
 * table, so every view over the relation agrees on its contents; then the watermark advances to
 * the largest `expr` over the rows accepted. The watermark is a row per partition of the
 * relation's `<name>_watermarks` table, changed in the same step, so the input log and the
 * checkpoints keep it exactly with the data and replay re-forms it. The relation's watermark is
 * the least over its partitions (rows written by SQL, insert() and ingest are partition '';
 * connector partitions and idle timeouts will add theirs).
 */
import type { Catalog, TableEntry, WatermarkSpec } from '../catalog/catalog.ts';
import type { Value } from '../common/value.ts';
import { Batch } from '../dataflow/batch.ts';
import { compileScalar, type RowFn } from '../plan/compile-scalar.ts';
import type { RelationWatermark } from '../plan/window-close.ts';
import type { ChangeSet } from './changes.ts';
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
    const { onTime, diverted } = splitLate(batch, spec.column, watermark);
    if (diverted.length > 0) {
      changes.byRelation.set(relationId, onTime);
      moveLate(db, relation, diverted, changes);
      late.set(relationId, countRows(diverted));
    }
    advance(db, spec, onTime, watermark, changes);
  }
  return late;
}

function splitLate(
  batch: Batch,
  column: number,
  watermark: number | null,
): { onTime: Batch; diverted: Batch } {
  const onTime = new Batch(batch.arity);
  const diverted = new Batch(batch.arity);
  if (watermark === null) return { onTime: batch, diverted };
  for (let i = 0; i < batch.length; i++) {
    const time = batch.values[i * batch.arity + column];
    // A NULL event time is never late: it falls in no window and moves no watermark.
    const into = time !== null && (time as number) < watermark ? diverted : onTime;
    into.push(batch.values, i * batch.arity, batch.weights[i]!);
  }
  return { onTime, diverted };
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

/** Moves the watermark to the largest `expr` over the accepted rows, if that is ahead of it. */
function advance(
  db: EventTimeStores,
  spec: WatermarkSpec,
  accepted: Batch,
  watermark: number | null,
  changes: ChangeSet,
): void {
  let fn = compiled.get(spec);
  if (fn === undefined) compiled.set(spec, (fn = compileScalar(spec.expr)));
  let next = watermark;
  for (let i = 0; i < accepted.length; i++) {
    if (accepted.weights[i]! <= 0) continue;
    let candidate: Value;
    try {
      candidate = fn(accepted.values, i * accepted.arity);
    } catch {
      // A row whose watermark expression fails (an overflow) is accepted and moves nothing.
      continue;
    }
    if (candidate !== null && (next === null || (candidate as number) > next)) next = candidate as number;
  }
  if (next === watermark) return;
  const store = db.store(spec.stateRelationId);
  const batch = changes.batchFor(spec.stateRelationId, 2);
  if (watermark !== null) {
    batch.push([defaultPartition, watermark], 0, -1);
    store.apply([defaultPartition, watermark], 0, -1);
  }
  batch.push([defaultPartition, next], 0, 1);
  store.apply([defaultPartition, next], 0, 1);
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
  return relation.kind === 'source' || (relation.kind === 'table' && relation.watermark !== undefined);
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
