/**
 * Library subscribers resuming after a step across a restart of a durable database: after a
 * clean close and after kill -9 (checkpoint history plus the replayed log tail, a view first
 * watched after the checkpoint, one created after it), they get exactly the changes they missed, with no resync; a
 * step older than the retained history gets a resync with the view's contents. A format 2
 * directory (checkpoints without history) still opens.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { crc32 } from 'node:zlib';
import { open as openLmdb } from 'lmdb';
import { Eddy, type ViewChange } from '../../src/eddy.ts';
import { readDdl } from '../../src/storage/log-record.ts';
import { ByteReader } from '../../src/storage/value-codec.ts';
import { readViewSlices } from '../../src/storage/view-images.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-resume-'));
  dirs.push(d);
  return d;
}

/** A change as compared: its step and its rows with weights, in a stable order. */
function described(step: number, changes: readonly (readonly [unknown, number])[]): string {
  return `${step} ${changes
    .map((c) => JSON.stringify(c))
    .sort()
    .join(' ')}`;
}

function collect(db: Eddy, view: string, afterStep: number): { changes: string[]; resyncs: ViewChange[] } {
  const out = { changes: [] as string[], resyncs: [] as ViewChange[] };
  db.subscribe(
    view,
    (c) => {
      if (c.resync) out.resyncs.push(c);
      else
        out.changes.push(
          described(
            c.step,
            c.changes.map((x) => [x.row, x.weight]),
          ),
        );
    },
    { afterStep },
  );
  return out;
}

async function contents(db: Eddy, view: string): Promise<string[]> {
  return (await db.query(`SELECT * FROM ${view}`)).rows.map((r) => JSON.stringify(r)).sort();
}

test('after a clean restart a subscriber resumes after its last step with exactly the missed changes', async () => {
  const dir = freshDir();
  let db = await Eddy.open({ dir, checkpointInterval: 0 });
  await db.execute(
    'CREATE TABLE t (id int, g int); CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g',
  );
  const live: { step: number; text: string }[] = [];
  const sub = db.subscribe('v', (c) =>
    live.push({
      step: c.step,
      text: described(
        c.step,
        c.changes.map((x) => [x.row, x.weight]),
      ),
    }),
  );
  for (let i = 0; i < 6; i++) await db.insert('t', [[i, i % 2]]);
  await db.checkpoint();
  for (let i = 6; i < 10; i++) await db.insert('t', [[i, i % 2]]);
  sub.unsubscribe();
  const last = db.currentStep;
  await db.close();

  db = await Eddy.open({ dir, checkpointInterval: 0 });
  assert.equal(db.currentStep, last);
  const token = live[3]!.step;
  const resumed = collect(db, 'v', token);
  assert.deepEqual(resumed.resyncs, []);
  assert.deepEqual(
    resumed.changes,
    live.filter((c) => c.step > token).map((c) => c.text),
  );
  // Up to date: nothing to replay; and the resumed subscriber goes on live.
  const current = collect(db, 'v', db.currentStep);
  await db.insert('t', [[10, 0]]);
  assert.equal(resumed.changes.length, live.length - 4 + 1);
  assert.equal(current.changes.length, 1);
  assert.throws(() => db.subscribe('v', () => {}, { afterStep: -1 }), { code: '22023' });
  await db.close();
});

test('a step older than the retained history, or one not reached, gets a resync with the contents', async () => {
  const dir = freshDir();
  let db = await Eddy.open({ dir, checkpointInterval: 0, subscriptionHistoryRows: 4 });
  await db.execute('CREATE TABLE t (id int); CREATE MATERIALIZED VIEW v AS SELECT id FROM t WHERE id > 0');
  const first = db.currentStep;
  db.subscribe('v', () => {});
  for (let i = 1; i <= 10; i++) await db.insert('t', [[i]]);
  await db.close();
  db = await Eddy.open({ dir, checkpointInterval: 0, subscriptionHistoryRows: 4 });
  const old = collect(db, 'v', first);
  assert.deepEqual(old.changes, []);
  assert.equal(old.resyncs.length, 1);
  assert.equal(old.resyncs[0]!.step, db.currentStep);
  assert.deepEqual(old.resyncs[0]!.changes.map((c) => JSON.stringify(c.row)).sort(), await contents(db, 'v'));
  // The last four steps (one row each) are kept: a subscriber three behind resumes.
  const recent = collect(db, 'v', db.currentStep - 3);
  assert.deepEqual(recent.resyncs, []);
  assert.equal(recent.changes.length, 3);
  const ahead = collect(db, 'v', db.currentStep + 5);
  assert.equal(ahead.resyncs.length, 1);
  await assert.rejects(Eddy.open({ subscriptionHistoryRows: -1 }), { code: '22023' });
  await db.close();
});

interface ChildRun {
  /** Changes each subscriber received, by view. */
  readonly live: Map<string, { step: number; text: string }[]>;
  readonly checkpointStep: number;
  readonly watchStep: number;
  readonly lateStep: number;
  readonly lastStep: number;
}

/** Runs subscribe-child.ts on `dir` until it is ready, then kills it with SIGKILL. */
async function runAndKill(dir: string, before: number, afterCheckpoint: number): Promise<ChildRun> {
  const child = spawn(
    process.execPath,
    [new URL('./subscribe-child.ts', import.meta.url).pathname, dir, String(before), String(afterCheckpoint)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const live = new Map<string, { step: number; text: string }[]>([
    ['v', []],
    ['w', []],
    ['late', []],
  ]);
  const marks = new Map<string, number>();
  let buffer = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      buffer += s;
      for (let end = buffer.indexOf('\n'); end >= 0; end = buffer.indexOf('\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 1);
        const change = /^change (\w+) (\d+) (.*)$/.exec(line);
        if (change) {
          const step = Number(change[2]);
          live.get(change[1]!)!.push({ step, text: described(step, JSON.parse(change[3]!)) });
          continue;
        }
        const mark = /^(checkpoint|watch w|watch late|ready) (\d+)$/.exec(line);
        if (mark) marks.set(mark[1]!, Number(mark[2]));
        if (mark?.[1] === 'ready') resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`the child exited with ${code}`)));
  });
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
  return {
    live,
    checkpointStep: marks.get('checkpoint')!,
    watchStep: marks.get('watch w')!,
    lateStep: marks.get('watch late')!,
    lastStep: marks.get('ready')!,
  };
}

test('after kill -9 subscribers resume from the checkpoint history and the replayed log tail', async () => {
  const dir = freshDir();
  const run = await runAndKill(dir, 12, 12);
  const db = await Eddy.open({ dir, checkpointInterval: 0 });
  assert.equal(db.currentStep, run.lastStep);
  const expected = (view: string, token: number): string[] =>
    run.live
      .get(view)!
      .filter((c) => c.step > token)
      .map((c) => c.text);
  // One step behind, a few behind, and from before the checkpoint (its history, then the tail).
  for (const token of [run.lastStep - 1, run.lastStep - 4, run.checkpointStep - 5, 1]) {
    const resumed = collect(db, 'v', token);
    assert.deepEqual(resumed.resyncs, [], `v after step ${token}`);
    assert.deepEqual(resumed.changes, expected('v', token), `v after step ${token}`);
  }
  // `w` was first watched after the checkpoint: recovery still recorded its steps from the log.
  for (const token of [run.watchStep, run.lastStep - 2]) {
    const resumed = collect(db, 'w', token);
    assert.deepEqual(resumed.resyncs, [], `w after step ${token}`);
    assert.deepEqual(resumed.changes, expected('w', token), `w after step ${token}`);
  }
  // `late` was created after the checkpoint: its history starts where its creation is replayed.
  const late = collect(db, 'late', run.lateStep);
  assert.deepEqual(late.resyncs, []);
  assert.deepEqual(late.changes, expected('late', run.lateStep));
  assert.ok(late.changes.length > 0);
  await db.close();
});

test('a data directory of format 2 (checkpoints without subscription history) opens and recovers', async () => {
  const dir = freshDir();
  let db = await Eddy.open({ dir, checkpointInterval: 0 });
  await db.execute('CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)');
  await db.close();
  // Rewrite it as format 2 wrote it: the format number, no flag before the table's rows (format
  // 4), and no history section (its empty count).
  const env = openLmdb({ path: join(dir, 'store'), maxDbs: 8 });
  const meta = env.openDB({ name: 'meta', encoding: 'json' });
  const manifests = env.openDB({ name: 'manifest', encoding: 'json' });
  const chunks = env.openDB<Uint8Array, [number, number]>({ name: 'checkpoint', encoding: 'binary' });
  const id = meta.get('latest') as number;
  const manifest = manifests.get(id) as { format: number; chunks: number; bytes: number; crc: number };
  assert.equal(manifest.format, 4);
  const payload = Buffer.concat(Array.from({ length: manifest.chunks }, (_, i) => chunks.get([id, i])!));
  assert.equal(payload[0], 4);
  assert.equal(payload.at(-1), 0);
  const r = new ByteReader(payload);
  r.varuint();
  readViewSlices(r);
  r.varuint();
  r.f64();
  r.varuint();
  r.varuint();
  readDdl(r);
  assert.equal(r.varuint(), 1);
  const flag = r.offset;
  assert.equal(payload[flag], 0);
  const old = Buffer.concat([payload.subarray(0, flag), payload.subarray(flag + 1, payload.length - 1)]);
  old[0] = 2;
  await env.transaction(() => {
    for (let i = 0; i < manifest.chunks; i++) chunks.removeSync([id, i]);
    chunks.putSync([id, 0], old);
    manifests.putSync(id, { ...manifest, format: 2, chunks: 1, bytes: old.length, crc: crc32(old) });
    meta.putSync('format', 2);
  });
  await env.close();
  db = await Eddy.open({ dir, checkpointInterval: 0 });
  assert.deepEqual(await contents(db, 't'), ['[1]', '[2]']);
  await db.close();
});
