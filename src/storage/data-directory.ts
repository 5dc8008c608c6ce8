/**
 * @module storage/data-directory
 * A data directory (ADR 0003): Eddy's lock file, the LMDB environment holding the metadata and
 * checkpoints, and the input log's folder. LMDB writes are synchronous transactions without
 * their own sync (`noSync`): `sync()`, one fdatasync of the environment's file, makes every
 * transaction committed before it durable, and a failure (disk full) is known at once.
 */
import {
  closeSync,
  constants,
  existsSync,
  fdatasync,
  mkdirSync,
  openSync,
  readFileSync,
  statfsSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { type Database as LmdbDatabase, open, type RootDatabase } from 'lmdb';
import { EddyError, ResourceLimitError, SqlState, StateError, StorageError } from '../common/errors.ts';
import { diskFullInjected } from '../common/failpoints.ts';

/** The layout version of a data directory this code writes. */
export const storageFormat = 4;
/**
 * Older versions it still reads: format 2 checkpoints carry no subscription history; format 3
 * ones are all full (format 4 adds incremental checkpoints, whose manifest names a `base`).
 */
export const storageFormatsRead: readonly number[] = [2, 3, 4];

/** The header of a checkpoint, kept apart from its chunks. */
export interface CheckpointManifest {
  readonly format: number;
  readonly chunks: number;
  readonly bytes: number;
  readonly crc: number;
  /** Log records at or below this LSN are covered by the checkpoint. */
  readonly lsn: number;
  readonly step: number;
  readonly clockMicros: number;
  /** An incremental checkpoint (format 4): the checkpoint whose image its changes apply to. */
  readonly base?: number;
}

export class DataDirectory {
  readonly path: string;
  private readonly env: RootDatabase;
  readonly meta: LmdbDatabase<number | string | number[], string>;
  /** The input log's segment files (storage/log-segments). */
  readonly logFolder: string;
  readonly chunks: LmdbDatabase<Uint8Array, [number, number]>;
  readonly manifests: LmdbDatabase<CheckpointManifest, number>;
  private readonly dataFd: number;
  private readonly lockPath: string;
  private closed = false;

  private constructor(path: string, env: RootDatabase, lockPath: string) {
    this.path = path;
    this.env = env;
    this.lockPath = lockPath;
    this.meta = env.openDB({ name: 'meta', encoding: 'json' });
    this.logFolder = join(path, 'log');
    this.chunks = env.openDB({ name: 'checkpoint', encoding: 'binary' });
    this.manifests = env.openDB({ name: 'manifest', encoding: 'json' });
    this.dataFd = openSync(join(path, 'store', 'data.mdb'), 'r');
  }

  /** The scratch sub-database of state larger than memory (storage/spill-space, ADR 0006). */
  openSpill(): LmdbDatabase<Uint8Array, [number, number]> {
    return this.env.openDB({ name: 'spill', encoding: 'binary' });
  }

  /** Opens (creating if needed) the directory: takes its lock, checks its format version. */
  static open(path: string): DataDirectory {
    makeDirectory(join(path, 'store'), path);
    const lockPath = join(path, 'eddy.pid');
    takeLock(lockPath, path);
    let dir: DataDirectory | undefined;
    try {
      const env = open({ path: join(path, 'store'), noSync: true, maxDbs: 8, encoding: 'binary' });
      dir = new DataDirectory(path, env, lockPath);
      dir.checkFormat();
      return dir;
    } catch (e) {
      if (dir) dir.close();
      else unlinkSync(lockPath);
      throw e;
    }
  }

  private checkFormat(): void {
    const found = this.meta.get('format');
    if (found === undefined) {
      this.write(() => this.meta.putSync('format', storageFormat));
      return;
    }
    if (found === storageFormat) return;
    if (typeof found === 'number' && storageFormatsRead.includes(found)) {
      // Its checkpoints stay readable; those written from now on have the new format.
      this.write(() => this.meta.putSync('format', storageFormat));
      return;
    }
    throw new StorageError(
      SqlState.objectNotInPrerequisiteState,
      `data directory "${this.path}" has storage format ${String(found)}, this Eddy reads formats ${storageFormatsRead.join(', ')}`,
      { hint: 'Open it with the Eddy version that wrote it, or start from an empty directory.' },
    );
  }

  /**
   * Runs `body` as one LMDB write transaction, not synced (see `sync`). Disk full (real or the
   * `enospc` failpoint) fails with 53100 and writes nothing; other failures with 58030.
   * `injectable: false` keeps the failpoint out: for bookkeeping that is not one of the durable
   * writes the failpoint's count numbers (the watched relations), so seeds keep their meaning.
   */
  write<T>(body: () => T, { injectable = true }: { readonly injectable?: boolean } = {}): T {
    if (injectable && diskFullInjected()) throw diskFull('the store', 'injected by the enospc failpoint');
    try {
      return this.env.transactionSync(body);
    } catch (e) {
      if (e instanceof EddyError) throw e;
      const text = String((e as Error)?.message ?? e);
      if (/ENOSPC|No space left|MDB_MAP_FULL/i.test(text) || (e as { code?: unknown })?.code === 'ENOSPC')
        throw diskFull('the store', text);
      throw new StorageError(SqlState.ioError, `could not write to the data directory: ${text}`, {
        cause: e,
      });
    }
  }

  /**
   * Refuses (53100) when the file system holding the directory has less than `bytes` free.
   * Checkpoints ask first: LMDB's own error on a full disk leaves its native state damaged
   * (the process later aborts), so the store must not be driven into one.
   */
  ensureRoom(bytes: number): void {
    const { bavail, bsize } = statfsSync(this.path);
    const free = bavail * bsize;
    if (free < bytes)
      throw diskFull('the store', `${free} bytes free in ${this.path}, about ${Math.ceil(bytes)} needed`);
  }

  /** Makes every write committed so far durable (one fdatasync, on the libuv thread pool). */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      fdatasync(this.dataFd, (err) => {
        if (err)
          reject(new StorageError(SqlState.ioError, `could not sync the data directory: ${err.message}`));
        else resolve();
      });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.dataFd);
    this.env.close();
    try {
      unlinkSync(this.lockPath);
    } catch {}
  }
}

/** The error of a write refused for lack of space (53100). */
export function diskFull(what: string, detail: string): ResourceLimitError {
  return new ResourceLimitError(SqlState.diskFull, `could not extend ${what}: No space left on device`, {
    detail,
    hint: 'Free disk space; writes are accepted again once there is room.',
  });
}

/**
 * Creates `eddy.pid` exclusively. One naming a live process means another Eddy owns the
 * directory (55006); a stale one (its process died, e.g. by kill -9) is replaced.
 */
function takeLock(lockPath: string, dir: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(lockPath, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = Number.parseInt(readLock(lockPath), 10);
    if (Number.isInteger(owner) && owner > 0 && processAlive(owner))
      throw new StateError(
        SqlState.objectInUse,
        `data directory "${dir}" is in use by another Eddy (pid ${owner})`,
        {
          hint: 'Stop the other server first, or give this one its own --data-dir.',
        },
      );
    try {
      unlinkSync(lockPath);
    } catch {}
  }
  throw new StateError(SqlState.objectInUse, `could not lock data directory "${dir}"`);
}

function readLock(lockPath: string): string {
  try {
    return readFileSync(lockPath, 'utf8');
  } catch {
    return '';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates a folder and its missing parents, one level at a time. Node's recursive mkdir never
 * returns for a path under a pseudo file system that refuses new entries with ENOENT (`/proc/x`),
 * so a mistyped `--data-dir` hung the server; this fails with a clear error instead.
 */
function makeDirectory(path: string, shown: string): void {
  const missing: string[] = [];
  for (let at = resolve(path); !existsSync(at); at = dirname(at)) {
    missing.push(at);
    if (dirname(at) === at) break;
  }
  for (const folder of missing.reverse()) {
    try {
      mkdirSync(folder);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw new StorageError(
        SqlState.ioError,
        `cannot create data directory "${shown}": ${(e as Error).message}`,
      );
    }
  }
}
