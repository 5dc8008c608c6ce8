/**
 * @module runtime/sources/postgres-source
 * Runs one PostgreSQL CDC source. First start (no LSN recorded): creates the replication slot with
 * an exported snapshot, reads every table in that snapshot and commits it as one step together
 * with the slot's consistent point. Then streams pgoutput from the recorded LSN: each upstream
 * transaction is buffered until its COMMIT, and the transactions complete so far are applied as
 * one step with the last one's end LSN written into `<source>_offsets` (so a transaction is never
 * split across steps, and several tables' changes land together). Only once that step is durable
 * is its LSN confirmed upstream, so a restart resumes from the recorded LSN: nothing lost, nothing
 * twice. Complete transactions received while a step is applied wait for the next one; the socket
 * is paused while more than 100,000 changes wait (backpressure).
 */
import type { SourceStatus, TableEntry } from '../../catalog/catalog.ts';
import { EddyError, SqlState, StateError } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import type { PostgresSourceSpec, UpstreamTable } from '../../connectors/postgres/pg-options.ts';
import {
  decodePgOutput,
  formatLsn,
  type PgOutputMessage,
  type RelationMessage,
  type StreamMessage,
  type TupleValue,
  unchangedToast,
} from '../../connectors/postgres/pgoutput.ts';
import {
  connect,
  createSlotAndSnapshot,
  ReplicationStream,
  slotLagBytes,
  type UpstreamAddress,
} from '../../connectors/postgres/upstream.ts';
import { parseText } from '../../functions/text-io.ts';
import { ChangeSet } from '../changes.ts';
import type { Database } from '../database.ts';
import { Session } from '../session.ts';
import type { StatementContext } from '../statements/context.ts';
import { addressOf } from '../statements/create-postgres-source.ts';
import { deadLetterTableName, offsetTableName } from '../statements/create-source.ts';
import { applyRows, ingestFlat } from '../statements/insert.ts';
import type { SourceStats } from './connector-source.ts';
import { storableText } from './json-records.ts';

const rawTextMax = 4096;
const retryMs = { first: 250, max: 5000 };
const statusEveryMs = 10_000;
const lagEveryMs = 5_000;
/** Changes received but not applied above which the replication socket is paused. */
const bufferedMax = 100_000;

type Change =
  | { readonly tag: 'insert' | 'update' | 'delete'; readonly relationId: number; readonly m: PgOutputMessage }
  | { readonly tag: 'truncate'; readonly relationIds: readonly number[] };

interface Transaction {
  readonly commitLsn: bigint;
  readonly endLsn: bigint;
  readonly changes: Change[];
}

/** An Eddy table a step writes, looked up once per step rather than once per change. */
interface Target {
  readonly entry: TableEntry;
  readonly store: ReturnType<Database['store']>;
  readonly keyed: boolean;
}

/** How an upstream relation's tuples map onto its Eddy table: Eddy column j ← tuple index. */
interface RelationMap {
  readonly upstream: UpstreamTable;
  readonly relation: string;
  readonly index: readonly number[];
}

export class PostgresSource {
  readonly sourceId: number;
  private readonly db: Database;
  private readonly spec: PostgresSourceSpec;
  private readonly name: string;
  private readonly log: (line: string) => void;
  private stopped = false;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stream: ReplicationStream | null = null;
  private fail: ((err: unknown) => void) | null = null;
  private stats = { records: 0, deadLetters: 0, bytes: 0, steps: 0, errors: 0, ignoredColumns: 0 };
  private state: SourceStatus['state'] = 'starting';
  private lastError: string | null = null;
  private slotLag = 0;
  private lagWarned = false;
  private phase = '';
  /** The upstream's address as of the last start (to drop the slot after DROP SOURCE). */
  private address: UpstreamAddress | null = null;
  // Stream state.
  private relations = new Map<number, RelationMap>();
  private open: Change[] | null = null;
  private ready: Transaction[] = [];
  private flushing = false;
  private paused = false;
  private confirmed = 0n;

  constructor(db: Database, source: TableEntry, log: (line: string) => void) {
    this.db = db;
    this.sourceId = source.id;
    this.name = source.name;
    this.spec = source.connector as PostgresSourceSpec;
    this.log = log;
  }

  start(): void {
    this.running = this.loop();
  }

  /** Stops reading; `dropped` (DROP SOURCE): also drops the slot upstream, so it holds back no WAL. */
  async stop(dropped = false): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.fail?.(new Error('stopped'));
    await this.stream?.close();
    await this.running;
    this.state = 'stopped';
    this.db.catalog.sourceStatus.delete(this.sourceId);
    if (dropped && this.address !== null) await this.dropSlot(this.address);
  }

  /** Best effort: the slot may still be marked active for a moment after its connection closed. */
  private async dropSlot(address: UpstreamAddress): Promise<void> {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        const client = await connect(address);
        try {
          const r = await client.query<{ active: string }>(
            'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
            [this.spec.slot],
          );
          if (r.rows.length === 0) return;
          if (r.rows[0]!.active !== 't') {
            await client.query('SELECT pg_drop_replication_slot($1)', [this.spec.slot]);
            return;
          }
        } finally {
          await client.end().catch(() => {});
        }
      } catch (err) {
        if (attempt === 19)
          this.log(
            `source ${this.name}: could not drop replication slot ${this.spec.slot}: ${(err as Error).message}`,
          );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    this.log(`source ${this.name}: replication slot ${this.spec.slot} stayed active; drop it upstream`);
  }

  snapshot(): SourceStats {
    return { name: this.name, connector: 'postgres', ...this.status() };
  }

  private status(): SourceStatus {
    const lsn = this.position();
    return {
      state: this.state,
      lastError: this.lastError,
      lag: this.slotLag,
      positions: new Map(),
      positionText: this.phase !== '' ? this.phase : lsn === null ? '' : formatLsn(lsn),
      records: this.stats.records,
      deadLetters: this.stats.deadLetters,
      bytes: this.stats.bytes,
      steps: this.stats.steps,
      errors: this.stats.errors,
      ignoredColumns: this.stats.ignoredColumns,
      slotLagBytes: this.slotLag,
    };
  }

  private publish(): void {
    if (!this.stopped && this.stillExists()) this.db.catalog.sourceStatus.set(this.sourceId, this.status());
  }

  private async loop(): Promise<void> {
    let backoff = retryMs.first;
    while (!this.stopped) {
      try {
        await this.runOnce();
        backoff = retryMs.first;
      } catch (err) {
        if (this.stopped) break;
        this.stats.errors++;
        const message = err instanceof Error ? err.message : String(err);
        if (this.state !== 'retrying' || this.lastError !== message)
          this.log(`source ${this.name}: ${message}; retrying`);
        this.state = 'retrying';
        this.lastError = message;
        this.phase = '';
        this.publish();
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, retryMs.max);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** One connection's life: the snapshot if none was taken yet, then the stream until it fails. */
  private async runOnce(): Promise<void> {
    const connection = this.db.catalog.connection(this.spec.connection);
    if (connection === undefined) throw new Error(`connection "${this.spec.connection}" does not exist`);
    const address = addressOf(this.db, connection.spec);
    this.address = address;
    const replication = await connect(address, true);
    let monitor: Awaited<ReturnType<typeof connect>> | null = null;
    const timers: NodeJS.Timeout[] = [];
    try {
      let from = this.position();
      if (from === null) from = await this.initialSnapshot(replication, address);
      if (this.stopped || !this.stillExists()) return;
      this.relations = new Map();
      this.open = null;
      this.ready = [];
      this.flushing = false;
      this.paused = false;
      this.confirmed = from;
      const failed = new Promise<never>((_, reject) => {
        this.fail = reject;
      });
      this.stream = new ReplicationStream(
        replication,
        this.spec.slot,
        this.spec.publication,
        from,
        (m) => this.onMessage(m),
        formatLsn,
      );
      this.state = 'running';
      this.lastError = null;
      this.publish();
      monitor = await connect(address);
      const watch = monitor;
      timers.push(setInterval(() => this.stream?.confirm(this.confirmed), statusEveryMs));
      timers.push(setInterval(() => void this.checkLag(watch), lagEveryMs));
      void this.checkLag(watch);
      await Promise.race([this.stream.ended, failed]);
      if (!this.stopped) throw new StateError(SqlState.connectionFailure, 'the replication stream ended');
    } finally {
      for (const t of timers) clearInterval(t);
      this.fail = null;
      await this.stream?.close();
      this.stream = null;
      await replication.end().catch(() => {});
      await monitor?.end().catch(() => {});
    }
  }

  private async checkLag(client: Awaited<ReturnType<typeof connect>>): Promise<void> {
    try {
      const lag = await slotLagBytes(client, this.spec.slot);
      if (lag === null) return;
      this.slotLag = lag;
      if (lag > this.spec.lagWarningBytes && !this.lagWarned) {
        this.log(
          `warning: source ${this.name}: slot ${this.spec.slot} holds back ${lag} bytes of upstream WAL (more than slot_lag_warning_bytes, ${this.spec.lagWarningBytes})`,
        );
        this.lagWarned = true;
      } else if (lag <= this.spec.lagWarningBytes / 2) this.lagWarned = false;
      this.publish();
    } catch {
      // The stream reports connection trouble; the lag is looked at again next time.
    }
  }

  /** Creates the slot and commits the snapshot with its consistent point, as one step. */
  private async initialSnapshot(
    replication: Awaited<ReturnType<typeof connect>>,
    address: UpstreamAddress,
  ): Promise<bigint> {
    this.phase = 'snapshot';
    this.publish();
    const loaded: { table: UpstreamTable; rows: (string | null)[][] }[] = [];
    let count = 0;
    const lsn = await createSlotAndSnapshot(
      replication,
      address,
      this.spec.slot,
      this.spec.tables,
      (table, rows) => {
        loaded.push({ table, rows });
        count += rows.length;
        this.phase = `snapshot: ${count} rows read`;
        this.publish();
      },
    );
    if (this.stopped || !this.stillExists()) return lsn;
    const ctx = this.statementContext();
    const dead: Value[] = [];
    let good = 0;
    for (const { table, rows } of loaded) {
      const entry = this.table(table.relation);
      const index = table.columns.map((_, i) => i);
      const out: Value[][] = [];
      for (const row of rows) {
        try {
          out.push(this.convert(entry, index, row, null));
          good++;
        } catch (err) {
          this.deadLetter(dead, lsn, table, row, err);
        }
      }
      applyRows(ctx, entry.id, out, 1);
    }
    this.finishStep(ctx, dead, lsn, good);
    await this.db.whenDurable();
    this.phase = '';
    return lsn;
  }

  private onMessage(s: StreamMessage): void {
    if (s.kind === 'keepalive') {
      // Nothing buffered or being applied: everything the upstream sent is durable, so its
      // position can be confirmed (the slot then holds back no WAL for unpublished tables).
      if (this.open === null && this.ready.length === 0 && !this.flushing && s.walEnd > this.confirmed)
        this.confirmed = s.walEnd;
      if (s.replyRequested) this.stream?.confirm(this.confirmed);
      return;
    }
    this.stats.bytes += s.body.length;
    let m: PgOutputMessage;
    try {
      m = decodePgOutput(s.body);
    } catch (err) {
      this.fail?.(err);
      return;
    }
    switch (m.tag) {
      case 'begin':
        this.open = [];
        return;
      case 'relation':
        try {
          const map = this.mapRelation(m);
          if (map === null) this.relations.delete(m.relationId);
          else this.relations.set(m.relationId, map);
        } catch (err) {
          this.fail?.(err);
        }
        return;
      case 'insert':
      case 'update':
      case 'delete':
        this.open?.push({ tag: m.tag, relationId: m.relationId, m });
        return;
      case 'truncate':
        this.open?.push({ tag: 'truncate', relationIds: m.relationIds });
        return;
      case 'commit':
        if (this.open !== null)
          this.ready.push({ commitLsn: m.commitLsn, endLsn: m.endLsn, changes: this.open });
        this.open = null;
        this.pauseIfFull();
        void this.flush();
        return;
      default:
        return;
    }
  }

  /** Applies every complete transaction received so far as one step; confirms it once durable. */
  private async flush(): Promise<void> {
    if (this.flushing || this.ready.length === 0) return;
    this.flushing = true;
    try {
      while (this.ready.length > 0 && !this.stopped && this.stillExists()) {
        const from = this.position() ?? 0n;
        const batch = this.ready.splice(0).filter((t) => t.endLsn > from);
        if (batch.length === 0) continue;
        const ctx = this.statementContext();
        const dead: Value[] = [];
        const targets = new Map<string, Target>();
        let good = 0;
        for (const txn of batch) good += this.applyTransaction(ctx, txn, dead, targets);
        const end = batch[batch.length - 1]!.endLsn;
        this.finishStep(ctx, dead, end, good);
        await this.db.whenDurable();
        this.confirmed = end;
        this.stream?.confirm(end);
        this.publish();
        this.resumeIfDrained();
      }
    } catch (err) {
      this.fail?.(err);
    } finally {
      this.flushing = false;
      this.resumeIfDrained();
    }
  }

  /** Changes received and not yet applied (held transactions, the open one). */
  private buffered(): number {
    let n = this.open?.length ?? 0;
    for (const t of this.ready) n += t.changes.length;
    return n;
  }

  /** Backpressure: the socket is paused while more than `bufferedMax` changes wait to be applied. */
  private pauseIfFull(): void {
    if (!this.paused && this.ready.length > 0 && this.buffered() > bufferedMax) {
      this.paused = true;
      this.stream?.pause();
    }
  }

  private resumeIfDrained(): void {
    if (this.paused && this.buffered() <= bufferedMax / 2) {
      this.paused = false;
      this.stream?.resume();
    }
  }

  private finishStep(ctx: StatementContext, dead: Value[], lsn: bigint, good: number): void {
    const deadCount = dead.length / 7;
    if (deadCount > 0) ingestFlat(ctx, this.table(deadLetterTableName(this.name)), dead, deadCount);
    ingestFlat(ctx, this.table(offsetTableName(this.name)), [0, Number(lsn)], 1, 'update');
    this.db.commitStep(ctx.changes);
    this.stats.records += good;
    this.stats.deadLetters += deadCount;
    this.stats.steps++;
  }

  /** One upstream transaction's changes; returns the rows changed (bad ones are dead-lettered). */
  private applyTransaction(
    ctx: StatementContext,
    txn: Transaction,
    dead: Value[],
    targets: Map<string, Target>,
  ): number {
    let good = 0;
    for (const change of txn.changes) {
      if (change.tag === 'truncate') {
        for (const id of change.relationIds) {
          const map = this.relations.get(id);
          if (map === undefined) continue;
          const entry = this.table(map.relation);
          const rows = this.db.store(entry.id).scan();
          applyRows(ctx, entry.id, rows, -1);
          good += rows.length;
        }
        continue;
      }
      const map = this.relations.get(change.relationId);
      if (map === undefined) continue;
      const m = change.m;
      let target = targets.get(map.relation);
      if (target === undefined) {
        const entry = this.table(map.relation);
        const store = this.db.store(entry.id);
        target = { entry, store, keyed: entry.primaryKey.length > 0 };
        targets.set(map.relation, target);
      }
      try {
        this.applyChange(ctx, map, target, m);
        good++;
      } catch (err) {
        const tuple = m.tag === 'insert' || m.tag === 'update' ? m.row : m.tag === 'delete' ? m.old : [];
        this.deadLetter(dead, txn.commitLsn, map.upstream, tuple.map(rawValue), err);
      }
    }
    return good;
  }

  private applyChange(ctx: StatementContext, map: RelationMap, target: Target, m: PgOutputMessage): void {
    const { entry, store, keyed } = target;
    /** The row Eddy has for the change's old key or old row, if any. */
    const existing = (old: TupleValue[]): Value[] | undefined => {
      const row = this.convert(entry, map.index, old, null, true);
      if (keyed) return store.lookupKey(store.keyOf(row));
      return store.count(row, 0) > 0 ? row : undefined;
    };
    if (m.tag === 'insert') {
      const row = this.convert(entry, map.index, m.row, null);
      const before = keyed ? store.lookupKey(store.keyOf(row)) : undefined;
      if (before) applyRows(ctx, entry.id, [before], -1);
      applyRows(ctx, entry.id, [row], 1);
    } else if (m.tag === 'update') {
      if (m.old === null && !keyed)
        throw new StateError(
          SqlState.objectNotInPrerequisiteState,
          `an update of upstream table ${map.upstream.schema}.${map.upstream.table}, which has no primary key, came without its old row`,
          { hint: 'Set REPLICA IDENTITY FULL on the upstream table.' },
        );
      const before = existing(m.old ?? m.row);
      const row = this.convert(entry, map.index, m.row, before ?? null);
      if (before) applyRows(ctx, entry.id, [before], -1);
      applyRows(ctx, entry.id, [row], 1);
    } else if (m.tag === 'delete') {
      const before = existing(m.old);
      if (before) applyRows(ctx, entry.id, [before], -1);
    }
  }

  /**
   * A tuple as the Eddy table's row: each column's text through its type's input. An unchanged
   * TOASTed value (not sent) is the old row's; `partial`: a key-only old tuple (others NULL).
   */
  private convert(
    entry: TableEntry,
    index: readonly number[],
    tuple: readonly TupleValue[],
    old: readonly Value[] | null,
    partial = false,
  ): Value[] {
    const row: Value[] = new Array(entry.columns.length);
    for (let j = 0; j < entry.columns.length; j++) {
      const column = entry.columns[j]!;
      const v = tuple[index[j]!];
      if (v === unchangedToast) {
        if (old === null && partial) {
          row[j] = null;
          continue;
        }
        if (old === null)
          throw new StateError(
            SqlState.objectNotInPrerequisiteState,
            `column "${column.name}": an unchanged TOASTed value for a row Eddy does not have`,
          );
        row[j] = old[j]!;
        continue;
      }
      if (v === null || v === undefined) {
        if (!column.nullable && !partial)
          throw new StateError(SqlState.notNullViolation, `column "${column.name}": null value`);
        row[j] = null;
        continue;
      }
      try {
        row[j] = parseText(v, column.type);
      } catch (err) {
        if (err instanceof EddyError)
          throw new StateError(err.code, `column "${column.name}": ${err.message}`);
        throw err;
      }
    }
    return row;
  }

  private deadLetter(
    dead: Value[],
    lsn: bigint,
    table: UpstreamTable,
    row: readonly (string | null)[],
    err: unknown,
  ): void {
    const code = err instanceof EddyError ? err.code : SqlState.invalidTextRepresentation;
    const message = err instanceof Error ? err.message : String(err);
    const raw = JSON.stringify({ table: `${table.schema}.${table.table}`, row });
    dead.push(
      this.name,
      0,
      Number(lsn),
      storableText(raw, rawTextMax),
      code,
      storableText(message, rawTextMax),
      Date.now() * 1000,
    );
  }

  /**
   * Maps an upstream relation's columns onto its Eddy table by name. A column Eddy has that the
   * upstream lost (dropped or renamed) stops the source with an error naming it and the views that
   * read the table; a column added upstream is ignored, with a log line and a metric. A table the
   * source does not read (the publication has more) maps to null: its changes are skipped.
   */
  private mapRelation(m: RelationMessage): RelationMap | null {
    // A publication shared with other tables: their changes are not this source's.
    const upstream = this.spec.tables.find((t) => t.schema === m.schema && t.table === m.table);
    if (upstream === undefined) return null;
    const entry = this.table(upstream.relation);
    const index = entry.columns.map((c) => m.columns.findIndex((u) => u.name === c.name));
    const lost = entry.columns.filter((_, j) => index[j]! < 0).map((c) => c.name);
    if (lost.length > 0) {
      const views = this.db.catalog.dependents(entry.id).map((v) => v.name);
      throw new StateError(
        SqlState.undefinedColumn,
        `upstream table ${m.schema}.${m.table} no longer has column${lost.length > 1 ? 's' : ''} ${lost
          .map((c) => `"${c}"`)
          .join(', ')} (dropped or renamed), which Eddy's table ${entry.name} has` +
          (views.length > 0 ? `; read by ${views.map((v) => `view ${v}`).join(', ')}` : ''),
        { hint: `Drop the source (with its views) and create it again, or restore the column upstream.` },
      );
    }
    const added = m.columns.filter((u) => !entry.columns.some((c) => c.name === u.name)).map((u) => u.name);
    if (added.length > 0) {
      this.stats.ignoredColumns += added.length;
      this.log(
        `source ${this.name}: upstream table ${m.schema}.${m.table} has new column(s) ${added
          .map((c) => `"${c}"`)
          .join(', ')}; ignored until Eddy's table ${entry.name} has them`,
      );
    }
    return { upstream, relation: entry.name, index };
  }

  /** The LSN the source has reached, as its offsets table holds it (restored by recovery). */
  private position(): bigint | null {
    const table = this.db.catalog.relation(offsetTableName(this.name));
    if (table === undefined || !this.stillExists()) return null;
    for (const [, next] of this.db.store(table.id).scan()) return BigInt(next as number | bigint);
    return null;
  }

  private stillExists(): boolean {
    return this.db.catalog.relation(this.name)?.id === this.sourceId;
  }

  private table(name: string): TableEntry {
    return this.db.catalog.relation(name) as TableEntry;
  }

  private statementContext(): StatementContext {
    const session = new Session(this.db);
    session.startStatement();
    return { text: '', offset: 0, params: [], session, changes: new ChangeSet() };
  }
}

function rawValue(v: TupleValue): string | null {
  return v === unchangedToast ? '(unchanged TOAST)' : v;
}
