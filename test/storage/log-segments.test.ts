/**
 * Input log segments (storage/log-segments) are grown ahead of their appends with zeros, so a
 * sync overwrites blocks the file already has: the zeros after the last record read as the
 * segment's end, not as a torn write, while a record cut short before them still does.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { listSegments, readSegment, SegmentWriter } from '../../src/storage/log-segments.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test('segments are preallocated; zeros after the last record are no torn write, a cut record is', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'eddy-segments-'));
  dirs.push(folder);
  const writer = new SegmentWriter(folder, { firstLsn: 1 });
  for (let lsn = 1; lsn <= 3; lsn++) writer.append(lsn, new Uint8Array([lsn, 7, 7]));
  await writer.sync();
  writer.rotate(4);
  writer.append(4, new Uint8Array([4]));
  await writer.sync();
  writer.close();
  const [first, second] = listSegments(folder);
  assert.ok(statSync(first!.path).size >= 1 << 20, 'the segment is grown ahead of its records');
  const read = readSegment(first!.path);
  assert.deepEqual(
    read.entries.map((e) => e.lsn),
    [1, 2, 3],
  );
  assert.equal(read.tornBytes, 0);
  assert.equal(readSegment(second!.path).tornBytes, 0);
  // A record cut short inside the zeros: a torn write, cut at the last whole record.
  const fd = openSync(second!.path, 'r+');
  writeSync(
    fd,
    new Uint8Array([9, 0, 0, 0, 1, 2]),
    0,
    6,
    read.validBytes > 0 ? readSegment(second!.path).validBytes : 0,
  );
  closeSync(fd);
  const torn = readSegment(second!.path);
  assert.deepEqual(
    torn.entries.map((e) => e.lsn),
    [4],
  );
  assert.ok(torn.tornBytes > 0);
  // Appending again cuts the torn bytes and the zeros, then grows the file anew.
  const again = new SegmentWriter(folder, { path: second!.path, validBytes: torn.validBytes });
  again.append(5, new Uint8Array([5]));
  await again.sync();
  again.close();
  const after5 = readSegment(second!.path);
  assert.deepEqual(
    after5.entries.map((e) => e.lsn),
    [4, 5],
  );
  assert.equal(after5.tornBytes, 0);
});

test('frames wait for the next sync, which writes them; a new segment and a large backlog write them first', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'eddy-segments-'));
  dirs.push(folder);
  const lsns = (path: string) => readSegment(path).entries.map((e) => e.lsn);
  const writer = new SegmentWriter(folder, { firstLsn: 1 });
  for (let lsn = 1; lsn <= 3; lsn++) writer.append(lsn, new Uint8Array([lsn]));
  const [first] = listSegments(folder);
  assert.deepEqual(lsns(first!.path), [], 'nothing written before a sync');
  await writer.sync();
  assert.deepEqual(lsns(first!.path), [1, 2, 3]);
  writer.append(4, new Uint8Array([4]));
  writer.rotate(5);
  assert.deepEqual(
    lsns(first!.path),
    [1, 2, 3, 4],
    'the old segment gets its frames before the new one starts',
  );
  writer.append(5, new Uint8Array([5]));
  writer.append(6, new Uint8Array(1 << 20).fill(6));
  const second = listSegments(folder)[1]!;
  assert.deepEqual(lsns(second.path), [5, 6], 'over 1 MiB waiting is written by the append');
  writer.append(7, new Uint8Array([7]));
  writer.close();
  assert.deepEqual(lsns(second.path), [5, 6, 7], 'closing writes what waits');
  const reread = readSegment(second.path);
  assert.equal(reread.tornBytes, 0);
  assert.deepEqual([...reread.entries[1]!.record.subarray(0, 3)], [6, 6, 6]);
});
