/**
 * @module storage/spill-space
 * The spill spaces of state larger than memory (ADR 0006): one LMDB sub-database, `spill`,
 * keyed by [space id, key hash], each value a bucket of spilled entries in the value codec's
 * plain form. Scratch only: emptied when the directory is opened (checkpoints and the log are
 * the truth; recovery rebuilds state from them), never synced, and a dropped view's space is
 * deleted with it.
 */
import type { Database as LmdbDatabase } from 'lmdb';
import type { SpilledEntry, SpillSpace } from '../dataflow/spilling-key-map.ts';
import type { DataDirectory } from './data-directory.ts';
import { ByteReader, ByteWriter, corrupt, type PlainData } from './value-codec.ts';

/**
 * Buckets written, and keys deleted, per write transaction. LMDB copies every page a write
 * transaction touches into memory it allocates (and keeps for reuse): buckets land on random
 * pages, so a large transaction would cost anonymous memory, the very thing being budgeted.
 */
const bucketsPerTransaction = 256;
const clearBatchKeys = 2000;

export class LmdbSpillSpaces {
  private readonly dir: DataDirectory;
  private readonly db: LmdbDatabase<Uint8Array, [number, number]>;
  private nextId = 1;

  constructor(dir: DataDirectory) {
    this.dir = dir;
    this.db = dir.openSpill();
    // What a previous process spilled belongs to state recovery rebuilds from the checkpoint.
    dir.write(() => this.db.clearSync(), { injectable: false });
  }

  /** The bytes of the pages the spilled state occupies (LMDB's statistics of the sub-database). */
  bytes(): number {
    const st = this.db.getStats() as {
      pageSize?: number;
      treeBranchPageCount?: number;
      treeLeafPageCount?: number;
      overflowPages?: number;
    };
    const pages = (st.treeBranchPageCount ?? 0) + (st.treeLeafPageCount ?? 0) + (st.overflowPages ?? 0);
    return pages * (st.pageSize ?? 4096);
  }

  /** A new, empty space. */
  create(): SpillSpace {
    return new LmdbSpillSpace(this.dir, this.db, this.nextId++);
  }
}

class LmdbSpillSpace implements SpillSpace {
  private readonly dir: DataDirectory;
  private readonly db: LmdbDatabase<Uint8Array, [number, number]>;
  private readonly id: number;
  private readonly writer = new ByteWriter(4096);
  private gone = false;

  constructor(dir: DataDirectory, db: LmdbDatabase<Uint8Array, [number, number]>, id: number) {
    this.dir = dir;
    this.db = db;
    this.id = id;
  }

  read(hash: number): SpilledEntry[] | undefined {
    // Into lmdb-js's shared read buffer, not a copy: decoding copies every value out of it
    // (strings, and bytea by slice), so no buffer per read is left for the collector.
    const bytes = this.db.getBinaryFast([this.id, hash >>> 0]) as Uint8Array | undefined;
    if (bytes === undefined) return undefined;
    // Its `length` is the value's, set on a longer buffer: bound the view to it.
    const data = new ByteReader(bytes.subarray(0, bytes.length)).plain();
    if (!Array.isArray(data)) throw corrupt('a spilled bucket is not a list');
    return data as SpilledEntry[];
  }

  writeBuckets(buckets: ReadonlyMap<number, readonly SpilledEntry[]>): void {
    if (this.gone) return;
    const w = this.writer;
    const all = [...buckets];
    for (let i = 0; i < all.length; i += bucketsPerTransaction) {
      this.dir.write(
        () => {
          for (const [hash, bucket] of all.slice(i, i + bucketsPerTransaction)) {
            const key: [number, number] = [this.id, hash >>> 0];
            if (bucket.length === 0) {
              this.db.removeSync(key);
              continue;
            }
            w.reset();
            w.plain(bucket as unknown as PlainData);
            // LMDB copies the value into its page inside this synchronous write: the writer's own
            // buffer is passed, not a copy per bucket (each copy was malloc'd memory to collect).
            this.db.putSync(key, w.finish());
          }
        },
        { injectable: false },
      );
    }
  }

  hashes(): number[] {
    const out: number[] = [];
    for (const [, hash] of this.db.getKeys({ start: [this.id, 0], end: [this.id + 1, 0] })) out.push(hash);
    return out;
  }

  clear(forever: boolean): void {
    if (this.gone) return;
    this.gone = forever;
    for (;;) {
      const keys = [
        ...this.db.getKeys({ start: [this.id, 0], end: [this.id + 1, 0], limit: clearBatchKeys }),
      ];
      if (keys.length === 0) return;
      this.dir.write(
        () => {
          for (const k of keys) this.db.removeSync(k);
        },
        { injectable: false },
      );
    }
  }
}
