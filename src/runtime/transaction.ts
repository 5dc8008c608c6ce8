/**
 * @module runtime/transaction
 * An open transaction (BEGIN … COMMIT): its deferred writes, the step it reads as of (its
 * snapshot, taken by its first statement), and COMMIT, which is all or nothing: every write is
 * checked against what others committed since the snapshot before any is applied, then tables,
 * views and subscribers move together in one step. A conflict rolls the whole transaction back
 * with 40001 (retry it) or 23505 (a key someone else inserted meanwhile).
 */
import type { TableEntry } from '../catalog/catalog.ts';
import { SerializationError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { valuesEqual } from '../common/value-ops.ts';
import { Batch } from '../dataflow/batch.ts';
import { consolidate } from '../dataflow/consolidate.ts';
import { RowKeyMap } from '../plan/evaluate/row-key-map.ts';
import { ChangeSet } from './changes.ts';
import type { Database, StepChanges } from './database.ts';
import type { DdlRecord } from './durable-log.ts';
import type { LateCounts } from './event-time.ts';
import type { RelationStore } from './row-store.ts';
import { duplicateKey } from './statements/insert.ts';

/**
 * The isolation a transaction gets. `repeatable read` is snapshot isolation (PostgreSQL's
 * REPEATABLE READ; READ COMMITTED asks for less and gets it too); `serializable` also rolls back
 * a writing transaction when something it read changed before it committed.
 */
export type IsolationLevel = 'repeatable read' | 'serializable';

/** The level Eddy gives for a requested one: snapshot isolation, or serializable. */
export function isolationLevel(requested: string): IsolationLevel {
  return requested.toLowerCase() === 'serializable' ? 'serializable' : 'repeatable read';
}

export class Transaction {
  readonly changes = new ChangeSet();
  /** Its catalog-changing statements, in order: logged with its COMMIT for replay. */
  readonly ddl: DdlRecord[] = [];
  failed = false;
  /** The last step committed when its first statement ran; null before that. */
  snapshot: number | null = null;
  readOnly: boolean;
  isolation: IsolationLevel;
  /**
   * Opened by the server, not by BEGIN: a multi-statement script, or the extended protocol's
   * messages up to Sync. A BEGIN inside it makes it an ordinary block, as in PostgreSQL.
   */
  implicit = false;
  /**
   * What its statements read, by relation (checked at COMMIT when serializable): 'all' after a
   * scan, else the keys it looked up by index.
   */
  private readonly reads = new Map<number, 'all' | KeyRead[]>();
  /**
   * Keys it inserted by INSERT … ON CONFLICT DO UPDATE, by relation: if someone else inserted
   * one meanwhile, its COMMIT fails with 40001 (retry: the upsert then updates), not 23505.
   */
  private readonly upserted = new Map<number, RowKeyMap<true>>();

  constructor(isolation: IsolationLevel, readOnly: boolean) {
    this.isolation = isolation;
    this.readOnly = readOnly;
  }

  /** Fixes what the transaction reads: the last committed step, kept until the transaction ends. */
  takeSnapshot(db: Database): void {
    if (this.snapshot !== null) return;
    this.snapshot = db.currentStep;
    db.commitLog.openSnapshot(this.snapshot);
  }

  /** Notes a read of `relationId`: a scan, or a lookup of `key` on the indexed `columns`. */
  noteRead(relationId: number, columns?: readonly number[], key?: readonly Value[]): void {
    const known = this.reads.get(relationId);
    if (known === 'all') return;
    if (!columns || !key || (known?.length ?? 0) >= keyReadsPerRelationMax) {
      this.reads.set(relationId, 'all');
      return;
    }
    if (known) known.push({ columns, key });
    else this.reads.set(relationId, [{ columns, key }]);
  }

  /** Notes a key that INSERT … ON CONFLICT DO UPDATE inserted (see `upserted`). */
  noteUpsert(relationId: number, key: readonly Value[]): void {
    let keys = this.upserted.get(relationId);
    if (!keys) this.upserted.set(relationId, (keys = new RowKeyMap<true>()));
    keys.upsert(key, () => true);
  }

  /**
   * ROLLBACK, a failed transaction or a COMMIT that lost a conflict: its DDL is forgotten (it
   * was never seen by others) and the contents of the relations it created go.
   */
  abort(db: Database): void {
    for (const id of db.catalog.discard(this)) db.dropRelation(id);
  }

  /** Lets go of the snapshot (COMMIT or ROLLBACK); later steps are no longer kept for it. */
  release(db: Database): void {
    if (this.snapshot !== null) db.commitLog.closeSnapshot(this.snapshot);
    this.snapshot = null;
  }

  /**
   * The changes to lay over the current contents of `relationId` to read it as this transaction
   * does: steps committed after the snapshot taken back out, its own writes added. Undefined
   * when there are none.
   */
  overlay(db: Database, relationId: number): Batch | undefined {
    const later = this.snapshot === null ? [] : db.commitLog.changesAfter(this.snapshot, relationId);
    const own = this.changes.byRelation.get(relationId);
    if (later.length === 0) return own && own.length > 0 ? own : undefined;
    const arity = later[0]!.arity;
    const out = new Batch(arity);
    for (const b of later) for (let i = 0; i < b.length; i++) out.push(b.values, i * arity, -b.weights[i]!);
    if (own) for (let i = 0; i < own.length; i++) out.push(own.values, i * arity, own.weights[i]!);
    return out;
  }

  /**
   * Commits as one step, or throws and changes nothing; its DDL becomes everyone's with that
   * step (40001 if an object it created depends on one a concurrent commit dropped), and the
   * contents of the relations it dropped go. Checked first, against the steps
   * committed since the snapshot: a row it updates or deletes that someone else changed
   * (40001), a key it inserts that someone else inserted (23505), and, when serializable, rows
   * it read (a key looked up, a relation scanned) that someone else wrote (40001).
   */
  /** Returns the rows its step diverted as late (runtime/event-time), by relation. */
  commit(db: Database): LateCounts {
    db.catalog.checkPublish(this);
    let late: LateCounts = new Map();
    db.commitTransaction(this.ddl, () => {
      late = this.commitWrites(db)?.late ?? late;
    });
    for (const id of db.catalog.publish(this)) db.dropRelation(id);
    return late;
  }

  private commitWrites(db: Database): StepChanges | undefined {
    const net = new ChangeSet();
    for (const [id, batch] of this.changes.byRelation) {
      // Writes to a relation it dropped afterwards go with it.
      if (!db.catalog.hasRelationId(id, this)) continue;
      const b = consolidate(batch);
      if (b.length > 0) net.byRelation.set(id, b);
    }
    if (net.isEmpty) return;
    const lenient = db.testFaults.skipCommitValidation;
    if (!lenient) this.validate(db, net);
    for (const [id, batch] of net.byRelation) {
      if (!db.hasStore(id)) continue;
      const store = db.store(id);
      if (lenient) net.byRelation.set(id, applyLastWriterWins(store, batch));
      else
        for (let i = 0; i < batch.length; i++) store.apply(batch.values, i * batch.arity, batch.weights[i]!);
    }
    return db.commitStep(net);
  }

  private validate(db: Database, net: ChangeSet): void {
    const since = this.snapshot ?? db.currentStep;
    if (this.isolation === 'serializable') {
      for (const [id, read] of this.reads) {
        if (changedSince(db.commitLog.changesAfter(since, id), read))
          throw new SerializationError(
            'could not serialize access due to read/write dependencies among transactions',
            {
              detail: `"${relationName(db, id)}" was changed by a concurrent transaction after it was read.`,
            },
          );
      }
    }
    for (const [id, batch] of net.byRelation) {
      const relation = db.catalog.relationById(id);
      if (relation.kind !== 'table') continue;
      const later = db.commitLog.changesAfter(since, id);
      validateTableWrites(db, relation as TableEntry, batch, later, this.upserted.get(id));
    }
  }
}

/** A lookup by index: rows whose `columns` equal `key`. */
interface KeyRead {
  readonly columns: readonly number[];
  readonly key: readonly Value[];
}

/** Past this many keys looked up in one relation, a serializable transaction counts it all read. */
const keyReadsPerRelationMax = 256;

/** Whether later changes touch what was read: anything after a scan, a row of a key looked up. */
function changedSince(later: readonly Batch[], read: 'all' | readonly KeyRead[]): boolean {
  if (later.length === 0) return false;
  if (read === 'all') return true;
  return later.some((b) => {
    for (let i = 0; i < b.length; i++) {
      const base = i * b.arity;
      const hit = read.some(
        (r) =>
          !r.key.includes(null) && r.columns.every((c, k) => valuesEqual(b.values[base + c]!, r.key[k]!)),
      );
      if (hit) return true;
    }
    return false;
  });
}

/**
 * One table's net writes against its current contents and the changes others committed since
 * the snapshot. Rows are identified by primary key, or by their whole value without one.
 */
function validateTableWrites(
  db: Database,
  table: TableEntry,
  writes: Batch,
  later: readonly Batch[],
  upserted: RowKeyMap<true> | undefined,
): void {
  const store = db.store(table.id);
  const keyed = table.primaryKey.length > 0;
  const keyOf = (values: readonly Value[], base: number): Value[] =>
    keyed
      ? table.primaryKey.map((c) => values[base + c]!)
      : (values.slice(base, base + writes.arity) as Value[]);
  // Keys others wrote since the snapshot (without a key, rows others deleted).
  const touched = new RowKeyMap<true>();
  for (const b of later)
    for (let i = 0; i < b.length; i++)
      if (keyed || b.weights[i]! < 0) touched.upsert(keyOf(b.values, i * b.arity), () => true);
  const removed = new RowKeyMap<true>();
  for (let i = 0; i < writes.length; i++) {
    if (writes.weights[i]! > 0) continue;
    const key = keyOf(writes.values, i * writes.arity);
    removed.upsert(key, () => true);
    const present = store.count(writes.values, i * writes.arity);
    if (touched.get(key) !== undefined || present < -writes.weights[i]!)
      throw new SerializationError('could not serialize access due to concurrent update', {
        detail: `A row of "${table.name}" it updated or deleted was changed by a concurrent transaction.`,
      });
  }
  if (!keyed) return;
  for (let i = 0; i < writes.length; i++) {
    if (writes.weights[i]! < 0) continue;
    const key = keyOf(writes.values, i * writes.arity);
    if (removed.get(key) === undefined && store.lookupKey(key) !== undefined) {
      if (upserted?.get(key) !== undefined)
        throw new SerializationError('could not serialize access due to concurrent insert', {
          detail: `A key of "${table.name}" it upserted was inserted by a concurrent transaction.`,
        });
      throw duplicateKey(table, store, writes.row(i));
    }
  }
}

/**
 * The fault `skipCommitValidation` injects: removals apply to whatever row holds the key now
 * (the concurrent writer's update is overwritten), removals of rows no longer there are
 * dropped. Returns the changes actually applied, so the views still agree with the table.
 */
function applyLastWriterWins(store: RelationStore, batch: Batch): Batch {
  const applied = new Batch(batch.arity);
  const apply = (src: readonly Value[], base: number, weight: number): void => {
    store.apply(src, base, weight);
    applied.push(src, base, weight);
  };
  for (let i = 0; i < batch.length; i++) {
    const base = i * batch.arity;
    const w = batch.weights[i]!;
    if (w > 0) continue;
    if (store.count(batch.values, base) >= -w) {
      apply(batch.values, base, w);
      continue;
    }
    const current = store.lookupKey(store.keyOf(batch.row(i)));
    if (current) apply(current, 0, -1);
  }
  for (let i = 0; i < batch.length; i++)
    if (batch.weights[i]! > 0) apply(batch.values, i * batch.arity, batch.weights[i]!);
  return applied;
}

function relationName(db: Database, id: number): string {
  return db.catalog.relationById(id).name;
}
