/**
 * Faults of a durable database: a full disk (the `enospc` failpoint) refuses the write with
 * 53100 and changes nothing, and writes resume after it; a data directory of another format
 * version is refused clearly; a latest checkpoint with flipped bytes fails its checksum and
 * recovery falls back to the previous one plus the log; the failpoint list is documented.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, test } from 'node:test';
import { open as openLmdb } from 'lmdb';
import { failpointNames, setFailpoints } from '../../src/common/failpoints.ts';
import { Eddy } from '../../src/eddy.ts';
import type { DataDirectory } from '../../src/storage/data-directory.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
afterEach(() => setFailpoints(''));

function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'eddy-faults-'));
  dirs.push(d);
  return d;
}

const open = (dir: string) => Eddy.open({ dir, checkpointInterval: 0 });
const warnings: string[] = [];

async function values(db: Eddy, sql: string): Promise<unknown[]> {
  return (await db.query(sql)).rows.map((r) => r[0]);
}

/** Closes without the final checkpoint, as a crash would (keeps the log as it is). */
function abandon(db: Eddy): void {
  const inner = db as unknown as { durability: { dir: { close(): void } }; db: { durableLog: unknown } };
  inner.db.durableLog = null;
  inner.durability.dir.close();
}

test('a full disk refuses the write with 53100, changes nothing, and writes resume after', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute(
    'CREATE TABLE t (a int PRIMARY KEY); CREATE MATERIALIZED VIEW n AS SELECT count(*) AS c FROM t',
  );
  await db.insert('t', [[1]]);
  setFailpoints('enospc@1');
  await assert.rejects(db.insert('t', [[2]]), { code: '53100', message: /No space left on device/ });
  assert.deepEqual(await values(db, 'SELECT a FROM t'), [1]);
  assert.deepEqual(await values(db, 'SELECT c FROM n'), [1]);
  // A statement, a transaction's COMMIT and DDL are refused alike.
  setFailpoints('enospc@1');
  await assert.rejects(db.execute('INSERT INTO t VALUES (3)'), { code: '53100' });
  setFailpoints('enospc@1');
  await assert.rejects(
    db.execute('BEGIN; INSERT INTO t VALUES (4); UPDATE t SET a = 5 WHERE a = 1; COMMIT'),
    {
      code: '53100',
    },
  );
  setFailpoints('enospc@1');
  await assert.rejects(db.execute('CREATE TABLE u (b int)'), { code: '53100' });
  await assert.rejects(db.query('SELECT * FROM u'), { code: '42P01' });
  assert.deepEqual(await values(db, 'SELECT a FROM t'), [1]);
  assert.deepEqual(await values(db, 'SELECT c FROM n'), [1]);
  // Space is back: writes go on, and the refused ones never reappear.
  await db.insert('t', [[6]]);
  await db.execute('CREATE TABLE u (b int)');
  abandon(db);
  db = await open(dir);
  assert.deepEqual(await values(db, 'SELECT a FROM t ORDER BY a'), [1, 6]);
  assert.deepEqual(await values(db, 'SELECT c FROM n'), [2]);
  assert.deepEqual(await values(db, 'SELECT count(*) FROM u'), [0]);
  await db.close();
});

test('a checkpoint is not started without room for it: 53100 before LMDB writes anything', async () => {
  const dir = freshDir();
  const db = await open(dir);
  await db.execute('CREATE TABLE t (a int)');
  await db.insert('t', [[1]]);
  const data = (db as unknown as { durability: { dir: DataDirectory } }).durability.dir;
  assert.throws(() => data.ensureRoom(2 ** 60), { code: '53100', message: /could not extend the store/ });
  data.ensureRoom(1);
  // A disk with less room than that: the checkpoint is refused and nothing of it is written.
  const asked: number[] = [];
  const ensureRoom = data.ensureRoom.bind(data);
  data.ensureRoom = (bytes: number) => {
    asked.push(bytes);
    ensureRoom(2 ** 60);
  };
  await assert.rejects(db.checkpoint(), { code: '53100' });
  assert.ok(asked.length === 1 && asked[0]! >= 32 << 20, `asked for ${asked}`);
  assert.equal(data.meta.get('latest'), undefined);
  data.ensureRoom = ensureRoom;
  await db.checkpoint();
  assert.equal(data.meta.get('latest'), 1);
  await db.close();
});

test('a data directory of another format version is refused with a clear error', async () => {
  const dir = freshDir();
  const db = await open(dir);
  await db.close();
  const env = openLmdb({ path: join(dir, 'store'), maxDbs: 8 });
  const meta = env.openDB({ name: 'meta', encoding: 'json' });
  await meta.put('format', 99);
  await env.close();
  await assert.rejects(open(dir), { message: /storage format 99, this Eddy reads formats 2, 3/ });
  // The refusal released the directory's lock.
  await assert.rejects(open(dir), { message: /storage format 99/ });
});

test('a data directory that cannot be created fails at once with 58030, under /proc too', async () => {
  // Node's recursive mkdir never returns for /proc/…: the server used to hang on such a --data-dir.
  await assert.rejects(Eddy.open({ dir: '/proc/eddy-nope/data' }), {
    code: '58030',
    message: /cannot create data directory "\/proc\/eddy-nope\/data": ENOENT/,
  });
  await assert.rejects(Eddy.open({ dir: '/etc/hostname/data' }), { code: '58030', message: /ENOTDIR/ });
});

test('a latest checkpoint with flipped bytes is skipped: the previous one plus the log recover all', async () => {
  const dir = freshDir();
  let db = await open(dir);
  await db.execute('CREATE TABLE t (a int); CREATE MATERIALIZED VIEW s AS SELECT sum(a) AS total FROM t');
  await db.insert('t', [[1], [2]]);
  await db.checkpoint();
  await db.insert('t', [[3]]);
  await db.checkpoint();
  await db.insert('t', [[4]]);
  abandon(db);
  flipByteOfLatestCheckpoint(dir);
  const stderr = process.stderr.write;
  process.stderr.write = ((line: string) => warnings.push(line) > 0) as typeof process.stderr.write;
  try {
    db = await open(dir);
  } finally {
    process.stderr.write = stderr;
  }
  assert.match(warnings.join(''), /skipped a checkpoint: .*checkpoint 2 fails its checksum/);
  assert.deepEqual(await values(db, 'SELECT a FROM t ORDER BY a'), [1, 2, 3, 4]);
  assert.deepEqual(await values(db, 'SELECT total FROM s'), [10]);
  await db.close();
});

test('with no valid checkpoint and the log truncated, opening fails with XX001 instead of serving part', async () => {
  const dir = freshDir();
  const db = await open(dir);
  await db.execute('CREATE TABLE t (a int)');
  for (let i = 0; i < 3; i++) {
    await db.insert('t', [[i]]);
    await db.checkpoint();
  }
  abandon(db);
  flipByteOfLatestCheckpoint(dir, 'previous');
  flipByteOfLatestCheckpoint(dir, 'latest');
  await assert.rejects(open(dir), { code: 'XX001', message: /no valid checkpoint/ });
});

test('EDDY_FAILPOINTS names are checked, and every failpoint is documented in docs/reliability.md', () => {
  assert.throws(() => setFailpoints('no.such.point@2'), /unknown failpoint "no.such.point@2"/);
  const doc = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
  for (const name of failpointNames)
    assert.ok(doc.includes(`\`${name}\``), `${name} is not in docs/reliability.md`);
});

function flipByteOfLatestCheckpoint(dir: string, which: 'latest' | 'previous' = 'latest'): void {
  const env = openLmdb({ path: join(dir, 'store'), maxDbs: 8 });
  const meta = env.openDB({ name: 'meta', encoding: 'json' });
  const chunks = env.openDB<Uint8Array, [number, number]>({ name: 'checkpoint', encoding: 'binary' });
  const id = meta.get(which) as number;
  const chunk = Buffer.from(chunks.get([id, 0])!);
  chunk[chunk.length >> 1]! ^= 0x5a;
  chunks.putSync([id, 0], chunk);
  env.close();
}
