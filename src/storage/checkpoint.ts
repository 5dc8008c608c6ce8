/**
 * @module storage/checkpoint
 * Checkpoints (ADR 0003): the catalog (as its DDL history), step number, clock reading, covered
 * LSN, every table's rows and every materialized view's saved state, written as CRC-checked
 * chunks over several event-loop turns, then a manifest, then marked `latest` in one LMDB
 * transaction only once everything is synced. Then what recovery no longer needs goes: log
 * records the previous checkpoint covers and every older or unfinished checkpoint.
 */
import { crc32 } from 'node:zlib';
import { failpoint } from '../common/failpoints.ts';
import type { Batch } from '../dataflow/batch.ts';
import type { DdlRecord } from '../runtime/durable-log.ts';
import { type CheckpointManifest, type DataDirectory, storageFormat } from './data-directory.ts';
import { readBatch, readDdl, writeBatch, writeDdl } from './log-record.ts';
import { deleteCoveredSegments } from './log-segments.ts';
import { ByteReader, ByteWriter, corrupt, type PlainData } from './value-codec.ts';

/** Chunks are written (and the event loop yields) every this many bytes. */
const chunkBytes = 1 << 20;
/** Keys deleted per LMDB transaction while truncating. */
const truncateBatchKeys = 1000;

/** A relation's contents: a table's rows, or a materialized view's stored rows. */
export interface StoredRelation {
  readonly relationId: number;
  readonly batch: Batch;
}

/** A materialized view's state: its stored rows and its maintainer's saved state (plain data). */
export interface SavedView {
  readonly relationId: number;
  readonly rows: Batch;
  readonly state: PlainData;
}

export interface CheckpointState {
  readonly ddlHistory: readonly DdlRecord[];
  readonly nextId: number;
  readonly step: number;
  readonly clockMicros: number;
  readonly lsn: number;
  readonly tables: readonly StoredRelation[];
  readonly views: readonly SavedView[];
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

/** Writes `state` as a new checkpoint and marks it latest; returns its id. Spread over turns. */
export async function writeCheckpoint(
  dir: DataDirectory,
  state: CheckpointState,
  sync: () => Promise<void>,
): Promise<number> {
  const { latest } = checkpointIds(dir);
  let id = (latest ?? 0) + 1;
  for (const key of dir.manifests.getKeys({ start: id })) if (key >= id) id = key + 1;
  failpoint('checkpoint.before-write');
  // Chunks of an attempt with this id that died before its manifest.
  const leftovers = [...dir.chunks.getKeys({ start: [id, 0] })];
  if (leftovers.length > 0)
    dir.write(() => {
      for (const k of leftovers) dir.chunks.removeSync(k);
    });
  const out = new ChunkWriter(dir, id);
  const w = out.writer;
  w.varuint(storageFormat);
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
  w.varuint(state.views.length);
  for (const v of state.views) {
    writeBatch(w, v.relationId, v.rows);
    w.plain(v.state);
    await out.maybeFlush();
  }
  await out.flush();
  const manifest: CheckpointManifest = {
    format: storageFormat,
    chunks: out.chunks,
    bytes: out.bytes,
    crc: out.crc,
    lsn: state.lsn,
    step: state.step,
    clockMicros: state.clockMicros,
  };
  dir.write(() => dir.manifests.putSync(id, manifest));
  failpoint('checkpoint.after-manifest');
  await sync();
  failpoint('checkpoint.before-latest');
  dir.write(() => {
    if (latest !== undefined) dir.meta.putSync('previous', latest);
    dir.meta.putSync('latest', id);
  });
  await sync();
  failpoint('checkpoint.after-latest');
  return id;
}

/** Writes a payload as numbered chunks, each in its own write transaction, with a running CRC. */
class ChunkWriter {
  writer = new ByteWriter(chunkBytes + 4096);
  chunks = 0;
  bytes = 0;
  crc = 0;
  private readonly dir: DataDirectory;
  private readonly id: number;

  constructor(dir: DataDirectory, id: number) {
    this.dir = dir;
    this.id = id;
  }

  async maybeFlush(): Promise<void> {
    if (this.writer.length >= chunkBytes) await this.flush();
  }

  async flush(): Promise<void> {
    const bytes = this.writer.finish().slice();
    this.writer = new ByteWriter(chunkBytes + 4096);
    const key: [number, number] = [this.id, this.chunks];
    this.dir.write(() => this.dir.chunks.putSync(key, bytes));
    this.crc = crc32(bytes, this.crc);
    this.bytes += bytes.length;
    this.chunks++;
    failpoint('checkpoint.after-chunk');
    // Let steps run between chunks: the state was copied before the first chunk.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Reads and verifies checkpoint `id`; a missing chunk, a wrong length or CRC throws XX001. */
export function readCheckpoint(dir: DataDirectory, id: number): CheckpointState {
  const manifest = dir.manifests.get(id);
  if (!manifest) throw corrupt(`checkpoint ${id} has no manifest`);
  if (manifest.format !== storageFormat)
    throw corrupt(`checkpoint ${id} has format ${manifest.format}, this Eddy reads ${storageFormat}`);
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
  if (format !== storageFormat) throw corrupt(`checkpoint ${id} has format ${format}`);
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
  const views: SavedView[] = [];
  for (let n = r.varuint(); n > 0; n--) {
    const { relationId, batch } = readBatch(r);
    views.push({ relationId, rows: batch, state: r.plain() });
  }
  return { ddlHistory, nextId, step, clockMicros, lsn, tables, views };
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
