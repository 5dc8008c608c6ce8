/**
 * Group commit in the input log (storage/input-log), with the segment files replaced by a fake
 * whose syncs finish when the test says: one sync at a time; commits made while it runs wait for
 * the next one, which starts the moment it returns and covers all of them; nothing is released
 * before the sync covering it; the figures /metrics shows count syncs and the records each made
 * durable.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChangeSet } from '../../src/runtime/changes.ts';
import { InputLog } from '../../src/storage/input-log.ts';
import type { SegmentWriter } from '../../src/storage/log-segments.ts';

/** Segment files whose syncs are held until `finishSync()`; counts syncs started. */
class HeldSegments {
  appended: number[] = [];
  started = 0;
  private finish: (() => void)[] = [];
  append(lsn: number): void {
    this.appended.push(lsn);
  }
  sync(): Promise<void> {
    this.started++;
    return new Promise((resolve) => this.finish.push(resolve));
  }
  /** Lets the oldest running sync return, then lets the log react to it. */
  async finishSync(): Promise<void> {
    this.finish.shift()?.();
    await new Promise((r) => setImmediate(r));
  }
  rotate(): void {}
  close(): void {}
}

function commit(log: InputLog, step: number, released: number[]): void {
  log.appendStep(step, 0, [], new ChangeSet());
  void log.whenDurable()?.then(() => released.push(step));
}

test('commits made while a sync runs share the next one, started as soon as the first returns', async () => {
  const files = new HeldSegments();
  const log = new InputLog(files as unknown as SegmentWriter, 1, 0, []);
  const released: number[] = [];
  commit(log, 1, released);
  await new Promise((r) => setImmediate(r));
  assert.equal(files.started, 1);
  for (let step = 2; step <= 6; step++) commit(log, step, released);
  await new Promise((r) => setImmediate(r));
  assert.equal(files.started, 1, 'one sync at a time');
  assert.deepEqual(released, [], 'nothing is released before its sync');
  await files.finishSync();
  assert.deepEqual(released, [1]);
  assert.equal(files.started, 2, 'the next sync starts when the first returns');
  commit(log, 7, released);
  await files.finishSync();
  assert.deepEqual(released, [1, 2, 3, 4, 5, 6]);
  assert.equal(files.started, 3);
  await files.finishSync();
  assert.deepEqual(released, [1, 2, 3, 4, 5, 6, 7]);
  assert.equal(log.whenDurable(), null, 'everything appended is durable');
  assert.equal(files.started, 3, 'no sync without a commit waiting');
  const { records, syncs, syncedRecords, syncMs } = log.stats;
  assert.deepEqual({ records, syncs, syncedRecords }, { records: 7, syncs: 3, syncedRecords: 7 });
  assert.ok(syncMs >= 0);
});

/** Segment files synced on the calling thread (`--log-sync turn`): counts the syncs. */
class InlineSegments extends HeldSegments {
  inline = 0;
  syncNow(): void {
    this.inline++;
  }
}

test('--log-sync turn: every commit of an event-loop turn shares one sync on the loop, run at its end', async () => {
  const files = new InlineSegments();
  const log = new InputLog(files as unknown as SegmentWriter, 1, 0, [], 'turn');
  const released: number[] = [];
  for (let step = 1; step <= 5; step++) commit(log, step, released);
  assert.equal(files.inline, 0, 'no sync before the turn ends');
  await new Promise((r) => setImmediate(r));
  assert.equal(files.inline, 1);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, [1, 2, 3, 4, 5]);
  commit(log, 6, released);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(released, [1, 2, 3, 4, 5, 6]);
  assert.equal(files.started, 0, 'the thread pool is never used');
  const { syncs, syncedRecords, blockMs, blockMaxMs } = log.stats;
  assert.deepEqual({ syncs, syncedRecords, inline: files.inline }, { syncs: 2, syncedRecords: 6, inline: 2 });
  assert.ok(blockMs >= blockMaxMs && blockMaxMs >= 0);
});
