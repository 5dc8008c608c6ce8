/**
 * @module runtime/sources/connector-source
 * The one mechanism every connector source shares (Kafka, NATS, files, datagen, webhooks):
 * a batch of records becomes **one step** holding the decoded rows (into the source), the
 * records that could not be decoded (into `<source>_dead_letters`) and the positions the batch
 * moves (into `<source>_offsets`). One step is one log record, so rows and positions are durable
 * together: after a crash, recovery restores both and the source resumes where the last durable
 * step left it (nothing lost, nothing twice). A polled source asks its reader for the next batch
 * only once the previous step is applied and durable (backpressure: one batch in memory); its
 * figures feed SHOW SOURCES, pg_catalog.eddy_sources and /metrics.
 */
import type { PositionKey, SourceStatus, TableEntry } from '../../catalog/catalog.ts';
import { timeZone } from '../../common/datetime-zone.ts';
import { EddyError, SqlState } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import { formatOf, type SourceSpec } from '../../connectors/source-spec.ts';
import { ChangeSet, type EventPartitions } from '../changes.ts';
import type { Database } from '../database.ts';
import { defaultPartition } from '../event-time.ts';
import { Session } from '../session.ts';
import { columnDefaults } from '../statements/column-defaults.ts';
import type { StatementContext } from '../statements/context.ts';
import { deadLetterTableName, offsetTableName } from '../statements/create-source.ts';
import { applyRows, ingestFlat } from '../statements/insert.ts';
import { type FormatCache, FormatRecordDecoder, type RecordChange } from './format-records.ts';
import { JsonRecordDecoder, type RecordError, rawText, storableText } from './json-records.ts';

/** A source's figures for /metrics, by name. */
export interface SourceStats extends SourceStatus {
  readonly name: string;
  readonly connector: string;
}

/** One record to decode: a JSON value, or a CSV line's fields by column name. */
export interface SourceRecord {
  /** Where it came from: partition (Kafka), 0 (NATS, webhook), file name (files). */
  readonly key: PositionKey;
  /** Its offset there: Kafka offset, stream sequence, byte offset, line in a request. */
  readonly offset: number;
  readonly value: Buffer | null;
  readonly fields?: Record<string, string | null>;
  /** Known bad before decoding (oversized, malformed CSV): dead-lettered as it is. */
  readonly error?: RecordError;
  /** Kafka: the record's key, timestamp (ms since 1970) and headers, for `include.*` columns. */
  readonly recordKey?: Buffer | null;
  readonly timestampMs?: number;
  readonly headers?: readonly (readonly [Buffer | null, Buffer | null])[];
}

export interface SourceBatch {
  readonly records: readonly SourceRecord[];
  /** Rows already in the source's column order and form (datagen), flat. */
  readonly rows?: { readonly values: Value[]; readonly count: number };
  /** The positions this batch moves: key → next offset to read. */
  readonly next: ReadonlyMap<PositionKey, number>;
  /** Records upstream not yet read, when the reader knows. */
  readonly lag?: number;
}

/** What a polled connector reads through. */
export interface SourceReader {
  /** The next batch from `positions` (the offsets table's content), or null when nothing moved. */
  poll(positions: ReadonlyMap<PositionKey, number>): Promise<SourceBatch | null>;
  close(): Promise<void>;
}

const rawTextMax = 4096;
const retryMs = { first: 250, max: 5000 };

export abstract class ConnectorSource {
  readonly sourceId: number;
  readonly name: string;
  protected readonly db: Database;
  protected readonly spec: SourceSpec;
  protected readonly log: (line: string) => void;
  protected stopped = false;
  protected stats = { records: 0, deadLetters: 0, bytes: 0, steps: 0, errors: 0 };
  protected state: SourceStatus['state'] = 'starting';
  protected lastError: string | null = null;
  protected lag = 0;
  /** Decoders kept across batches (Avro schemas by id, a parsed .proto file). */
  private readonly formatCache: FormatCache = {};
  /** Per partition, when (step clock, µs) it last brought rows, or was first read: idle timeouts. */
  private readonly partitionSeen = new Map<string, number>();

  constructor(db: Database, source: TableEntry, log: (line: string) => void) {
    this.db = db;
    this.sourceId = source.id;
    this.name = source.name;
    this.spec = source.connector!;
    this.log = log;
  }

  abstract start(): void;

  async stop(): Promise<void> {
    this.stopped = true;
    this.state = 'stopped';
    this.db.catalog.sourceStatus.delete(this.sourceId);
  }

  snapshot(): SourceStats {
    return { name: this.name, connector: this.spec.connector, ...this.status() };
  }

  protected status(): SourceStatus {
    return {
      state: this.state,
      lastError: this.lastError,
      lag: this.lag,
      positions: this.positions(),
      ...this.stats,
    };
  }

  /** Shows the current status in pg_catalog.eddy_sources. */
  protected publish(): void {
    if (!this.stopped && this.stillExists()) this.db.catalog.sourceStatus.set(this.sourceId, this.status());
  }

  /**
   * Commits `batch` as one step (rows, dead letters, positions) and waits until it is durable.
   * Answers how many records went in and how many were dead-lettered.
   */
  protected async commit(batch: SourceBatch): Promise<{ good: number; dead: number }> {
    const ctx = statementContext(this.db);
    const source = this.table(this.name);
    const decoder = new JsonRecordDecoder(
      source,
      columnDefaults(source, ctx.session.settings),
      timeZone(ctx.session.settings.timeZone),
      this.maxRecordBytes(),
    );
    const format = formatOf(this.spec);
    const formatted =
      format.envelope === 'plain' && format.encoding === 'json' && Object.keys(format.include).length === 0
        ? null
        : new FormatRecordDecoder(source, format, decoder, this.maxRecordBytes(), this.formatCache);
    // Before anything is applied: a registry that cannot be reached fails the poll, to be retried.
    await formatted?.prepare(batch.records);
    const rows: Value[] = [];
    const changes: RecordChange[] = [];
    const dead: Value[] = [];
    const rowPartitions: string[] = [];
    let good = 0;
    let bytes = 0;
    const receivedAt = Date.now() * 1000;
    for (const record of batch.records) {
      bytes += record.value?.length ?? 0;
      const error =
        record.error ??
        (formatted !== null
          ? decodeInto(formatted, record, changes)
          : record.fields === undefined
            ? decoder.decode(record.value, rows)
            : decoder.decodeFields(record.fields, rows));
      if (error === null) {
        good++;
        // A keyed source has no watermark (create-watermark), so each good record here is one row.
        rowPartitions.push(String(record.key));
      } else
        dead.push(
          this.name,
          record.key,
          record.offset,
          rawText(record.value, rawTextMax),
          error.code,
          storableText(error.message, rawTextMax),
          receivedAt,
        );
    }
    const deadCount = batch.records.length - good;
    if (changes.length > 0) applyChanges(ctx, source, changes);
    else if (good > 0) ingestFlat(ctx, source, rows, good);
    if (batch.rows !== undefined && batch.rows.count > 0) {
      ingestFlat(ctx, source, batch.rows.values, batch.rows.count);
      good += batch.rows.count;
    }
    if (deadCount > 0) ingestFlat(ctx, this.table(deadLetterTableName(this.name)), dead, deadCount);
    if (batch.next.size > 0) {
      const offsets = [...batch.next].flat();
      ingestFlat(ctx, this.table(offsetTableName(this.name)), offsets, batch.next.size, 'update');
    }
    if (batch.lag !== undefined) this.lag = batch.lag;
    if (source.watermark !== undefined && good > 0)
      ctx.changes.eventPartitions.set(source.id, this.eventPartitions(rowPartitions, batch));
    this.db.commitStep(ctx.changes);
    this.stats.records += good;
    this.stats.deadLetters += deadCount;
    this.stats.bytes += bytes;
    this.stats.steps++;
    await this.db.whenDurable();
    return { good, dead: deadCount };
  }

  /**
   * The partitions of this step's rows (datagen's rows are partition ''), every partition the
   * source reads, and those that brought no rows for longer than the idle timeout.
   */
  private eventPartitions(rowPartitions: string[], batch: SourceBatch): EventPartitions {
    if (batch.rows !== undefined)
      for (let i = 0; i < batch.rows.count; i++) rowPartitions.push(defaultPartition);
    const now = this.db.clock.now();
    const known = new Set([...this.positions().keys(), ...batch.next.keys()].map(String));
    for (const partition of known)
      if (!this.partitionSeen.has(partition)) this.partitionSeen.set(partition, now);
    for (const partition of rowPartitions) this.partitionSeen.set(partition, now);
    const timeoutMs = 'watermarkIdleTimeoutMs' in this.spec ? this.spec.watermarkIdleTimeoutMs : undefined;
    const idle = new Set<string>();
    if (timeoutMs !== undefined)
      for (const [partition, seen] of this.partitionSeen)
        if (now - seen > timeoutMs * 1000 && known.has(partition)) idle.add(partition);
    return { rowPartitions, known: [...known], idle };
  }

  protected maxRecordBytes(): number {
    return 'maxRecordBytes' in this.spec ? this.spec.maxRecordBytes : Number.MAX_SAFE_INTEGER;
  }

  /** The positions as the offsets table holds them (restored by recovery like any table). */
  protected positions(): Map<PositionKey, number> {
    const table = this.db.catalog.relation(offsetTableName(this.name));
    const positions = new Map<PositionKey, number>();
    if (table === undefined || !this.stillExists()) return positions;
    for (const [key, next] of this.db.store(table.id).scan())
      positions.set(key as PositionKey, Number(next as number | bigint));
    return positions;
  }

  protected stillExists(): boolean {
    return this.db.catalog.relation(this.name)?.id === this.sourceId;
  }

  protected table(name: string): TableEntry {
    return this.db.catalog.relation(name) as TableEntry;
  }
}

/** A source that pulls batches from a reader, one step at a time, reopening it after a failure. */
export class PolledSource extends ConnectorSource {
  private readonly open: () => Promise<SourceReader>;
  private readonly describe: (err: unknown) => string;
  private reader: SourceReader | null = null;
  private running: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    db: Database,
    source: TableEntry,
    log: (line: string) => void,
    open: () => Promise<SourceReader>,
    describe: (err: unknown) => string,
  ) {
    super(db, source, log);
    this.open = open;
    this.describe = describe;
  }

  start(): void {
    this.running = this.loop();
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    await super.stop();
  }

  private async loop(): Promise<void> {
    let backoff = retryMs.first;
    while (!this.stopped) {
      try {
        this.reader ??= await this.open();
        if (this.stopped) break;
        const batch = await this.reader.poll(this.positions());
        if (this.stopped || !this.stillExists()) break;
        this.state = 'running';
        this.lastError = null;
        if (
          batch !== null &&
          (batch.records.length > 0 || (batch.rows?.count ?? 0) > 0 || batch.next.size > 0)
        )
          await this.commit(batch);
        else if (batch?.lag !== undefined) this.lag = batch.lag;
        this.publish();
        backoff = retryMs.first;
      } catch (err) {
        if (this.stopped) break;
        this.stats.errors++;
        const message = this.describe(err);
        if (this.state !== 'retrying' || this.lastError !== message)
          this.log(`source ${this.name}: ${message}; retrying`);
        this.state = 'retrying';
        this.lastError = message;
        this.publish();
        await this.reader?.close().catch(() => {});
        this.reader = null;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, retryMs.max);
      }
    }
    await this.reader?.close().catch(() => {});
    this.reader = null;
  }

  /** Waits `ms` (cut short by stop). */
  protected sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}

/** Decodes one record by its format into `out`, or answers why it cannot. */
function decodeInto(
  decoder: FormatRecordDecoder,
  record: SourceRecord,
  out: RecordChange[],
): RecordError | null {
  try {
    out.push(decoder.decode(record));
    return null;
  } catch (err) {
    if (err instanceof EddyError) return { code: err.code, message: err.message };
    return { code: SqlState.invalidTextRepresentation, message: String(err) };
  }
}

/**
 * Applies the records' changes in order. A keyed source (UPSERT, DEBEZIUM) finds the row a
 * change replaces or deletes in its store and retracts it (weight −1) before inserting the new
 * one, so its views see an update as the old row out and the new row in.
 */
function applyChanges(ctx: StatementContext, source: TableEntry, changes: readonly RecordChange[]): void {
  const inserted: Value[] = [];
  let count = 0;
  const store = source.primaryKey.length > 0 ? ctx.session.db.store(source.id) : null;
  const remove = (key: Value[]): void => {
    const old = store!.lookupKey(key);
    if (old !== undefined) applyRows(ctx, source.id, [old], -1);
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'insert':
        inserted.push(...change.row);
        count++;
        break;
      case 'upsert':
        if (change.deleteKey !== undefined) remove(change.deleteKey);
        remove(store!.keyOf(change.row));
        applyRows(ctx, source.id, [change.row], 1);
        break;
      case 'delete':
        remove(change.key);
        break;
      case 'none':
        break;
    }
  }
  if (count > 0) ingestFlat(ctx, source, inserted, count);
}

export function statementContext(db: Database): StatementContext {
  const session = new Session(db);
  session.startStatement();
  return { text: '', offset: 0, params: [], session, changes: new ChangeSet() };
}
