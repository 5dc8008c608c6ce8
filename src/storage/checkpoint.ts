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
import { Batch } from '../dataflow/batch.ts';
import { consolidate } from '../dataflow/consolidate.ts';
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
  savedView,
  type ViewClosing,
  type ViewImageBuild,
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

/** A table at a checkpoint's boundary: its rows, or (`delta`) its changes since the base checkpoint's. */
export interface TableAtBoundary extends StoredRelation {
  readonly delta: boolean;
}

/** Incremental checkpoints build on at most this many others before a full one is taken. */
const chainDepthMax = 64;

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
export interface CheckpointBoundary extends Omit<CheckpointState, 'views' | 'tables'> {
  readonly tables: readonly TableAtBoundary[];
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
  /** The checkpoint this one builds on (incremental), or undefined for a full one. */
  readonly base: number | undefined;
  private readonly out: ChunkWriter;
  private boundaryState: CheckpointBoundary | undefined;

  /**
   * `base`: write an incremental checkpoint holding only what changed since checkpoint `base`,
   * which must be the latest (the caller's views and tables report their changes since its boundary).
   */
  constructor(dir: DataDirectory, base?: number) {
    const { latest } = checkpointIds(dir);
    if (base !== undefined && base !== latest)
      throw new Error(`an incremental checkpoint must build on the latest (${latest}), not ${base}`);
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
    this.base = base;
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
      w.u8(t.delta ? 1 : 0);
      writeBatch(w, t.relationId, t.batch);
      await out.maybeFlush();
    }
    await writeViewClosings(w, state.views, () => out.maybeFlush(true));
    await writeHistories(w, state.histories, () => out.maybeFlush());
    await out.flush();
  }

  /** Writes the manifest and marks the checkpoint latest, each only after `sync`; returns its payload's bytes. */
  async commit(sync: () => Promise<void>): Promise<number> {
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
      ...(this.base === undefined ? {} : { base: this.base }),
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
    return out.bytes;
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

/**
 * Reads and verifies checkpoint `id`, and for an incremental one the chain of checkpoints it
 * builds on, applying each one's changes to its base's image. A missing chunk, a wrong length or
 * CRC anywhere in the chain throws XX001.
 */
export function readCheckpoint(dir: DataDirectory, id: number): CheckpointState {
  const image = readImage(dir, id, 0);
  const tables: StoredRelation[] = [];
  for (const [relationId, batch] of image.tables) tables.push({ relationId, batch });
  return {
    ...image.header,
    tables,
    views: [...image.views.values()].map(savedView),
    histories: image.histories,
  };
}

/** The checkpoints `id` needs: itself, then its base, its base's base, … */
export function checkpointChain(dir: DataDirectory, id: number): number[] {
  const chain: number[] = [];
  for (let at: number | undefined = id; at !== undefined; at = dir.manifests.get(at)?.base) {
    if (chain.includes(at) || chain.length > chainDepthMax) break;
    chain.push(at);
  }
  return chain;
}

interface CheckpointImage {
  readonly header: Omit<CheckpointState, 'tables' | 'views' | 'histories'>;
  readonly tables: Map<number, Batch>;
  readonly views: Map<number, ViewImageBuild>;
  readonly histories: RelationHistory[];
}

function readImage(dir: DataDirectory, id: number, depth: number): CheckpointImage {
  const manifest = dir.manifests.get(id);
  if (!manifest) throw corrupt(`checkpoint ${id} has no manifest`);
  if (!storageFormatsRead.includes(manifest.format))
    throw corrupt(
      `checkpoint ${id} has format ${manifest.format}, this Eddy reads ${storageFormatsRead.join(', ')}`,
    );
  if (manifest.base !== undefined && (depth >= chainDepthMax || manifest.base >= id))
    throw corrupt(`checkpoint ${id} builds on checkpoint ${manifest.base}, which cannot be right`);
  // The base first: verified and built, then this checkpoint's changes apply to it.
  const base = manifest.base === undefined ? undefined : readImage(dir, manifest.base, depth + 1);
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
  const tables = new Map<number, Batch>();
  for (let n = r.varuint(); n > 0; n--) {
    const delta = format >= 4 && r.u8() === 1;
    const { relationId, batch } = readBatch(r);
    if (!delta) {
      tables.set(relationId, batch);
      continue;
    }
    const prior = base?.tables.get(relationId);
    if (prior === undefined)
      throw corrupt(`checkpoint ${id} changes table ${relationId}, which its base lacks`);
    tables.set(relationId, mergeRows(prior, batch));
  }
  const views = readViewClosings(r, format, slices, base?.views, mergeRows);
  const histories = format >= 3 ? readHistories(r) : [];
  if (!r.done) throw corrupt(`checkpoint ${id} has bytes after its end`);
  return { header: { ddlHistory, nextId, step, clockMicros, lsn }, tables, views, histories };
}

/** A relation's rows at a base checkpoint plus its changes since: the rows now. */
function mergeRows(base: Batch, delta: Batch): Batch {
  if (delta.length === 0) return base;
  if (base.length === 0) return delta;
  return consolidate(Batch.concat(base.arity, [base, delta]));
}

/**
 * Deletes what recovery can no longer need once `latest` is marked: log records the previous
 * checkpoint covers (recovery may still fall back to it) and every other checkpoint, finished
 * or not. Several small transactions, so a crash midway leaves only less garbage.
 */
export function truncate(dir: DataDirectory): void {
  const { latest, previous } = checkpointIds(dir);
  if (latest === undefined) return;
  // Incremental checkpoints need their bases: both chains stay.
  const keep = new Set([
    ...checkpointChain(dir, latest),
    ...(previous === undefined ? [] : checkpointChain(dir, previous)),
  ]);
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
