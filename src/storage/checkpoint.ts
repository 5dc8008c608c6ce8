/**
 * @module storage/checkpoint
 * Checkpoints (ADR 0003): the catalog (as its DDL history), step number, clock reading, covered
 * LSN, every table's rows, every materialized view's saved state and the subscription history
 * (format 3), written as CRC-checked
 * chunks over several event-loop turns, then a manifest, then marked `latest` in one LMDB
 * transaction only once everything is synced. Then what recovery no longer needs goes: log
 * records the previous checkpoint covers and every older or unfinished checkpoint.
 */
import { crc32 } from 'node:zlib';
import { failpoint } from '../common/failpoints.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { DdlRecord } from '../runtime/durable-log.ts';
import type { RelationHistory } from '../runtime/step-history.ts';
import {
  type CheckpointManifest,
  type DataDirectory,
  storageFormat,
  storageFormatsRead,
} from './data-directory.ts';
import { readBatch, readDdl, writeBatch, writeDdl } from './log-record.ts';
import { deleteCoveredSegments } from './log-segments.ts';
import { readHistories, writeHistories } from './subscription-history.ts';
import { ByteReader, ByteWriter, corrupt } from './value-codec.ts';
import {
  readViewClosings,
  readViewSlices,
  type SavedView,
  type ViewClosing,
  type ViewSlicing,
  writeViewClosings,
  writeViewSlices,
} from './view-images.ts';

export type { SavedView } from './view-images.ts';

/** Chunks are written (and the event loop yields) every this many bytes. */
const chunkBytes = 1 << 20;
/** Free space a checkpoint wants beyond its expected size (LMDB grows its file in steps). */
const checkpointSlackBytes = 32 << 20;
/** Keys deleted per LMDB transaction while truncating. */
const truncateBatchKeys = 1000;

/** A relation's contents: a table's rows, or a materialized view's stored rows. */
export interface StoredRelation {
  readonly relationId: number;
  readonly batch: Batch;
}

export interface CheckpointState {
  readonly ddlHistory: readonly DdlRecord[];
  readonly nextId: number;
  readonly step: number;
  readonly clockMicros: number;
  readonly lsn: number;
  readonly tables: readonly StoredRelation[];
  readonly views: readonly SavedView[];
  /** Watched relations' retained change history at the step boundary (empty before format 3). */
  readonly histories: readonly RelationHistory[];
}

/** What is copied at the checkpoint's step boundary (views' images were streamed before it). */
export interface CheckpointBoundary extends Omit<CheckpointState, 'views'> {
  readonly views: readonly ViewClosing[];
}

/** Checkpoint ids kept: the latest and the one before it. */
export function checkpointIds(dir: DataDirectory): { latest?: number; previous?: number } {
  const latest = dir.meta.get('latest');
  const previous = dir.meta.get('previous');
  return {
    latest: typeof latest === 'number' ? latest : undefined,
    previous: typeof previous === 'number' ? previous : undefined,
  };
}

/**
 * Writes one checkpoint in phases, spread over event-loop turns: `viewSlices` streams the views'
 * sliced saves, `boundary` the state copied at the step boundary, `commit` the manifest, then
 * marks it latest once everything is synced. Nothing is latest until `commit` returns.
 */
export class CheckpointWriter {
  readonly id: number;
  private readonly dir: DataDirectory;
  private readonly latest: number | undefined;
  private readonly out: ChunkWriter;
  private boundaryState: CheckpointBoundary | undefined;

  constructor(dir: DataDirectory) {
    const { latest } = checkpointIds(dir);
    // Room for a checkpoint somewhat larger than the last, with slack for LMDB's own growth.
    const lastBytes = latest === undefined ? 0 : (dir.manifests.get(latest)?.bytes ?? 0);
    dir.ensureRoom(lastBytes * 1.5 + checkpointSlackBytes);
    let id = (latest ?? 0) + 1;
    for (const key of dir.manifests.getKeys({ start: id })) if (key >= id) id = key + 1;
    failpoint('checkpoint.before-write');
    // Chunks of an attempt with this id that died before its manifest.
    const leftovers = [...dir.chunks.getKeys({ start: [id, 0] })];
    if (leftovers.length > 0)
      dir.write(() => {
        for (const k of leftovers) dir.chunks.removeSync(k);
      });
    this.dir = dir;
    this.id = id;
    this.latest = latest;
    this.out = new ChunkWriter(dir, id);
    this.out.writer.varuint(storageFormat);
  }

  async viewSlices(slicings: readonly ViewSlicing[]): Promise<void> {
    await writeViewSlices(this.out.writer, slicings, () => this.out.maybeFlush(true));
  }

  async boundary(state: CheckpointBoundary): Promise<void> {
    this.boundaryState = state;
    const { out } = this;
    const w = out.writer;
    w.varuint(state.step);
    w.f64(state.clockMicros);
    w.varuint(state.lsn);
    w.varuint(state.nextId);
    writeDdl(w, state.ddlHistory);
    w.varuint(state.tables.length);
    for (const t of state.tables) {
      writeBatch(w, t.relationId, t.batch);
      await out.maybeFlush();
    }
    await writeViewClosings(w, state.views, () => out.maybeFlush());
    await writeHistories(w, state.histories, () => out.maybeFlush());
    await out.flush();
  }

  /** Writes the manifest and marks the checkpoint latest, each only after `sync`. */
  async commit(sync: () => Promise<void>): Promise<void> {
    const { dir, out } = this;
    const state = this.boundaryState;
    if (state === undefined) throw new Error('checkpoint committed before its boundary was written');
    const manifest: CheckpointManifest = {
      format: storageFormat,
      chunks: out.chunks,
      bytes: out.bytes,
      crc: out.crc,
      lsn: state.lsn,
      step: state.step,
      clockMicros: state.clockMicros,
    };
    dir.write(() => dir.manifests.putSync(this.id, manifest));
    failpoint('checkpoint.after-manifest');
    await sync();
    failpoint('checkpoint.before-latest');
    dir.write(() => {
      if (this.latest !== undefined) dir.meta.putSync('previous', this.latest);
      dir.meta.putSync('latest', this.id);
    });
    await sync();
    failpoint('checkpoint.after-latest');
  }
}

/** Writes a payload as numbered chunks, each in its own write transaction, with a running CRC. */
class ChunkWriter {
  readonly writer = new ByteWriter(chunkBytes + 4096);
  chunks = 0;
  bytes = 0;
  crc = 0;
  private readonly dir: DataDirectory;
  private readonly id: number;

  constructor(dir: DataDirectory, id: number) {
    this.dir = dir;
    this.id = id;
  }

  /** Flushes a full chunk; with `yieldAnyway`, lets a turn pass even when there is none. */
  async maybeFlush(yieldAnyway = false): Promise<void> {
    if (this.writer.length >= chunkBytes) await this.flush();
    else if (yieldAnyway) await nextTurn();
  }

  async flush(): Promise<void> {
    const bytes = this.writer.finish().slice();
    // Reset, not replaced: callers hold on to `writer` across flushes.
    this.writer.reset();
    const key: [number, number] = [this.id, this.chunks];
    this.dir.write(() => this.dir.chunks.putSync(key, bytes));
    this.crc = crc32(bytes, this.crc);
    this.bytes += bytes.length;
    this.chunks++;
    failpoint('checkpoint.after-chunk');
    // Let steps run between chunks.
    await nextTurn();
  }
}

function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Reads and verifies checkpoint `id`; a missing chunk, a wrong length or CRC throws XX001. */
export function readCheckpoint(dir: DataDirectory, id: number): CheckpointState {
  const manifest = dir.manifests.get(id);
  if (!manifest) throw corrupt(`checkpoint ${id} has no manifest`);
  if (!storageFormatsRead.includes(manifest.format))
    throw corrupt(
      `checkpoint ${id} has format ${manifest.format}, this Eddy reads ${storageFormatsRead.join(', ')}`,
    );
  const parts: Uint8Array[] = [];
  let crc = 0;
  for (let i = 0; i < manifest.chunks; i++) {
    const chunk = dir.chunks.get([id, i]);
    if (!chunk) throw corrupt(`checkpoint ${id} misses chunk ${i}`);
    crc = crc32(chunk, crc);
    parts.push(chunk);
  }
  const payload = Buffer.concat(parts);
  if (payload.length !== manifest.bytes || crc !== manifest.crc)
    throw corrupt(`checkpoint ${id} fails its checksum`);
  const r = new ByteReader(payload);
  const format = r.varuint();
  if (format !== manifest.format) throw corrupt(`checkpoint ${id} has format ${format}`);
  const slices = readViewSlices(r);
  const step = r.varuint();
  const clockMicros = r.f64();
  const lsn = r.varuint();
  const nextId = r.varuint();
  const ddlHistory = readDdl(r);
  const tables: StoredRelation[] = [];
  for (let n = r.varuint(); n > 0; n--) {
    const { relationId, batch } = readBatch(r);
    tables.push({ relationId, batch });
  }
  const views = readViewClosings(r, slices);
  const histories = format >= 3 ? readHistories(r) : [];
  if (!r.done) throw corrupt(`checkpoint ${id} has bytes after its end`);
  return { ddlHistory, nextId, step, clockMicros, lsn, tables, views, histories };
}

/**
 * Deletes what recovery can no longer need once `latest` is marked: log records the previous
 * checkpoint covers (recovery may still fall back to it) and every other checkpoint, finished
 * or not. Several small transactions, so a crash midway leaves only less garbage.
 */
export function truncate(dir: DataDirectory): void {
  const { latest, previous } = checkpointIds(dir);
  if (latest === undefined) return;
  const keep = new Set([latest, previous]);
  const staleChunks = [...dir.chunks.getKeys()].filter((k) => !keep.has(k[0]));
  const staleManifests = [...dir.manifests.getKeys()].filter((k) => !keep.has(k));
  const coveredLsn = previous === undefined ? 0 : (dir.manifests.get(previous)?.lsn ?? 0);
  let deleted = 0;
  const deleteAll = (keys: readonly unknown[], remove: (k: never) => void): void => {
    for (let i = 0; i < keys.length; i += truncateBatchKeys) {
      dir.write(() => {
        for (const k of keys.slice(i, i + truncateBatchKeys)) remove(k as never);
      });
      deleted += Math.min(truncateBatchKeys, keys.length - i);
      if (deleted > 0) failpoint('truncate.middle');
    }
  };
  deleteCoveredSegments(dir.logFolder, coveredLsn);
  deleteAll(staleManifests, (k: number) => dir.manifests.removeSync(k));
  deleteAll(staleChunks, (k: [number, number]) => dir.chunks.removeSync(k));
}
