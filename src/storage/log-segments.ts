/**
 * @module storage/log-segments
 * The input log's files (ADR 0003): `log/<first LSN>.log` segments of framed records, made
 * durable by fdatasync. A frame is its payload's length and CRC-32, then the payload:
 * the record's LSN and the record. A new segment starts at each checkpoint, so truncation
 * deletes whole files.
 *
 * A segment is grown ahead of its appends by `preallocateBytes` of zeros at a time, so that most
 * syncs overwrite blocks the file already has: `fdatasync` then flushes data only, without the
 * journal commit a change of the file's size needs (which queues behind every other process's
 * fsyncs on a shared ext4 disk; PostgreSQL preallocates its WAL segments for the same reason). A
 * zero length ends a segment's records, and zeros after the last record are not a torn write.
 *
 * The zeros are written synchronously by the append that needs them (so a full disk fails the
 * append before anything is applied); the frames themselves are kept until the next sync, which
 * writes all of them with one `writev` right before its fdatasync: a group of commits costs the
 * event loop one write system call instead of one each. Nothing is lost by the wait: a frame not
 * yet synced is no more durable in the page cache than in memory, and overwriting blocks already
 * allocated cannot run out of space. More than `pendingBytesMax` waiting are written at once.
 */
import {
  closeSync,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
  writevSync,
} from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { SqlState, StorageError } from '../common/errors.ts';
import { diskFullInjected, failpoint } from '../common/failpoints.ts';
import { diskFull } from './data-directory.ts';
import { ByteReader, ByteWriter } from './value-codec.ts';

const frameHeaderBytes = 8;
/** Zeros a segment is grown by, ahead of the appends. */
const preallocateBytes = 1 << 20;
const zeros = new Uint8Array(preallocateBytes);
const segmentNameDigits = 16;
/** Frames kept for the next sync beyond this many bytes are written by the append. */
const pendingBytesMax = 1 << 20;

export interface LogEntry {
  readonly lsn: number;
  readonly record: Uint8Array;
}

/** The segment files of a log folder, oldest first, with the LSN each starts at. */
export function listSegments(folder: string): { firstLsn: number; path: string }[] {
  mkdirSync(folder, { recursive: true });
  return readdirSync(folder)
    .filter((name) => /^\d+\.log$/.test(name))
    .map((name) => ({ firstLsn: Number(name.slice(0, -4)), path: join(folder, name) }))
    .sort((a, b) => a.firstLsn - b.firstLsn);
}

/**
 * Reads every whole record of a segment. A frame cut short or failing its CRC ends the segment
 * (a write the process died in, never acknowledged); `validBytes` is where it ends.
 */
export function readSegment(path: string): { entries: LogEntry[]; validBytes: number; tornBytes: number } {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: LogEntry[] = [];
  let offset = 0;
  while (offset + frameHeaderBytes <= bytes.length) {
    const length = view.getUint32(offset, true);
    const crc = view.getUint32(offset + 4, true);
    const end = offset + frameHeaderBytes + length;
    if (length === 0 || end > bytes.length) break;
    const payload = bytes.subarray(offset + frameHeaderBytes, end);
    if (crc32(payload) !== crc) break;
    const r = new ByteReader(payload);
    const lsn = r.varuint();
    entries.push({ lsn, record: payload.subarray(r.offset) });
    offset = end;
  }
  // The preallocated zeros after the last record are no write at all.
  let tail = offset;
  while (tail < bytes.length && bytes[tail] === 0) tail++;
  return { entries, validBytes: offset, tornBytes: tail === bytes.length ? 0 : bytes.length - offset };
}

/** The segment being appended to, and the fds of segments with writes not yet synced. */
export class SegmentWriter {
  private readonly folder: string;
  private fd: number;
  /** Where the next frame goes in the current segment, and the file's length (zeros after `position`). */
  private position = 0;
  private allocated = 0;
  private unsynced = new Set<number>();
  private retired: number[] = [];
  /** Frames appended but not yet written, and where the first of them goes in the current segment. */
  private pending: Uint8Array[] = [];
  private pendingFrom = 0;
  private pendingBytes = 0;
  /** Set when kept frames could not be written: records the log numbered are lost, it must stop. */
  failed: Error | null = null;

  /** Appends to `path` from `validBytes` on (cutting a torn tail), or starts a new segment. */
  constructor(folder: string, current: { path: string; validBytes: number } | { firstLsn: number }) {
    this.folder = folder;
    if ('path' in current) {
      this.fd = openSync(current.path, 'r+');
      ftruncateSync(this.fd, current.validBytes);
      this.position = current.validBytes;
      this.allocated = current.validBytes;
    } else {
      this.fd = this.create(current.firstLsn);
    }
  }

  private create(firstLsn: number): number {
    const name = `${String(firstLsn).padStart(segmentNameDigits, '0')}.log`;
    const fd = openSync(join(this.folder, name), 'w');
    // The new file's name must survive a crash too.
    const dirFd = openSync(this.folder, 'r');
    try {
      fsyncSync(dirFd);
    } finally {
      closeSync(dirFd);
    }
    this.position = 0;
    this.allocated = 0;
    return fd;
  }

  /** Appends one record; throws 53100 (disk full) or 58030 having appended nothing. */
  append(lsn: number, record: Uint8Array): void {
    if (this.failed) throw this.failed;
    const lsnBytes = new ByteWriter(16);
    lsnBytes.varuint(lsn);
    const head = lsnBytes.finish();
    const frame = new Uint8Array(frameHeaderBytes + head.length + record.length);
    frame.set(head, frameHeaderBytes);
    frame.set(record, frameHeaderBytes + head.length);
    const payload = frame.subarray(frameHeaderBytes);
    const view = new DataView(frame.buffer);
    view.setUint32(0, payload.length, true);
    view.setUint32(4, crc32(payload), true);
    if (diskFullInjected()) throw diskFull('the input log', 'injected by the enospc failpoint');
    try {
      while (this.position + frame.length > this.allocated) {
        let written = 0;
        while (written < zeros.length)
          written += writeSync(this.fd, zeros, written, zeros.length - written, this.allocated + written);
        this.allocated += zeros.length;
      }
    } catch (e) {
      // Whatever part was written is cut off again, so the next record follows the last whole one.
      try {
        ftruncateSync(this.fd, this.position);
        this.allocated = this.position;
      } catch {}
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC')
        throw diskFull('the input log', (e as Error).message);
      throw new StorageError(SqlState.ioError, `could not write the input log: ${(e as Error).message}`);
    }
    if (this.pending.length === 0) this.pendingFrom = this.position;
    this.pending.push(frame);
    this.pendingBytes += frame.length;
    this.position += frame.length;
    this.unsynced.add(this.fd);
    if (this.pendingBytes > pendingBytesMax) this.writePending();
  }

  /**
   * Writes the frames kept since the last write, in one `writev` (more if the kernel takes part).
   * A failure here leaves records the log has numbered unwritten: the caller fails the log (58030).
   */
  private writePending(): void {
    if (this.pending.length === 0) return;
    let buffers = this.pending;
    let at = this.pendingFrom;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      while (buffers.length > 0) {
        let written = writevSync(this.fd, buffers, at);
        at += written;
        while (buffers.length > 0 && written >= buffers[0]!.length) written -= buffers.shift()!.length;
        if (written > 0) buffers = [buffers[0]!.subarray(written), ...buffers.slice(1)];
      }
    } catch (e) {
      this.failed = new StorageError(
        SqlState.ioError,
        `could not write the input log: ${(e as Error).message}`,
      );
      throw this.failed;
    }
  }

  /** Starts a new segment at `firstLsn` (at a checkpoint); the old one is synced with the next sync. */
  rotate(firstLsn: number): void {
    this.writePending();
    this.retired.push(this.fd);
    this.unsynced.add(this.fd);
    this.fd = this.create(firstLsn);
  }

  /** Syncs every segment written since the last sync; retired segments are closed after. */
  sync(): Promise<void> {
    try {
      this.writePending();
    } catch (e) {
      return Promise.reject(e);
    }
    const fds = [...this.unsynced];
    this.unsynced = new Set();
    const retired = this.retired;
    this.retired = [];
    return Promise.all(fds.map((fd) => syncFd(fd))).then(() => {
      for (const fd of retired) closeSync(fd);
    });
  }

  /** `sync`, done on the calling thread: blocks it for the fdatasync calls' time. */
  syncNow(): void {
    this.writePending();
    const fds = [...this.unsynced];
    this.unsynced = new Set();
    const retired = this.retired;
    this.retired = [];
    for (const fd of fds) {
      try {
        fdatasyncSync(fd);
      } catch (err) {
        throw new StorageError(SqlState.ioError, `could not sync the input log: ${(err as Error).message}`);
      }
    }
    for (const fd of retired) closeSync(fd);
  }

  close(): void {
    this.writePending();
    for (const fd of this.retired) closeSync(fd);
    closeSync(this.fd);
  }
}

function syncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => {
    fdatasync(fd, (err) => {
      if (err) reject(new StorageError(SqlState.ioError, `could not sync the input log: ${err.message}`));
      else resolve();
    });
  });
}

/**
 * Deletes the segments whose records all lie at or below `coveredLsn` (a segment ends where the
 * next begins), oldest first, passing the `truncate.middle` failpoint between files.
 */
export function deleteCoveredSegments(folder: string, coveredLsn: number): void {
  const segments = listSegments(folder);
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i + 1]!.firstLsn - 1 > coveredLsn) break;
    unlinkSync(segments[i]!.path);
    failpoint('truncate.middle');
  }
}
