/**
 * The file source: JSON lines and CSV from a glob, read once or tailed; bad lines (malformed
 * JSON, wrong types, missing fields, oversized, wrong field counts, bad quoting, invalid UTF-8)
 * dead-lettered with their file and byte offset while the rest flow; positions per file; and
 * `eddy serve --data-dir` killed with SIGKILL while a tailed file grows, then restarted, counts
 * every line exactly once.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';
import { client, eventually, kill, one, startServe } from './serve-support.ts';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'eddy-file-source-'));
}

test('JSON lines from a glob, read once: rows, dead letters with file and offset, positions', async () => {
  const dir = folder();
  const eddy = await Eddy.open();
  try {
    mkdirSync(join(dir, 'sub'));
    const a = [
      '{"id": 1, "name": "a"}',
      '{"id": "x"}',
      '',
      '{"id": 2,',
      '{"name": "no id"}',
      `{"id": 3, "name": "${'y'.repeat(300)}"}`,
      '{"id": 4}',
    ].join('\n');
    writeFileSync(join(dir, 'a.jsonl'), `${a}\n`);
    // No final line break: read once takes the last line as it is.
    writeFileSync(join(dir, 'sub', 'b.jsonl'), '{"id": 10, "name": "b"}\r\n{"id": 11}');
    writeFileSync(join(dir, 'c.txt'), '{"id": 99}\n');
    writeFileSync(
      join(dir, 'bad.jsonl'),
      Buffer.from([0x7b, 0x22, 0x69, 0x64, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a]),
    );
    await eddy.execute(
      `CREATE SOURCE s (id int NOT NULL, name text)
         WITH (connector = 'file', path = '${dir}/**/*.jsonl', format = 'json', max_record_bytes = 200);
       CREATE MATERIALIZED VIEW v AS SELECT count(*) AS n, sum(id) AS total FROM s`,
    );
    const totals = async () => (await eddy.query('SELECT n, total FROM v')).rows[0];
    const deadCount = async () => (await eddy.query('SELECT count(*) FROM s_dead_letters')).rows[0]![0];
    await eventually(
      async () => (await totals())?.[0] === 4 && (await deadCount()) === 5,
      20_000,
      async () => `${JSON.stringify(await totals())}, ${await deadCount()} dead`,
    );
    assert.deepEqual(await totals(), [4, 1 + 4 + 10 + 11]);
    const dead = await eddy.query(
      'SELECT file, "offset", error_code FROM s_dead_letters ORDER BY file, "offset"',
    );
    const aFile = join(dir, 'a.jsonl');
    assert.deepEqual(dead.rows, [
      [aFile, 23, '22P02'],
      [aFile, 36, '22P02'],
      [aFile, 46, '23502'],
      [aFile, 64, '54000'],
      [join(dir, 'bad.jsonl'), 0, '22021'],
    ]);
    const positions = await eddy.query('SELECT file, next_offset FROM s_offsets ORDER BY file');
    assert.deepEqual(positions.rows, [
      [aFile, Buffer.byteLength(a) + 1],
      [join(dir, 'bad.jsonl'), 11],
      [join(dir, 'sub', 'b.jsonl'), 35],
    ]);
    const shown = (await eddy.query('SELECT connector, topic, state FROM pg_catalog.eddy_sources')).rows[0];
    assert.deepEqual(shown, ['file', `${dir}/**/*.jsonl`, 'running']);
  } finally {
    await eddy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CSV with a header: quoted fields, NULLs, and malformed records dead-lettered', async () => {
  const dir = folder();
  const eddy = await Eddy.open();
  try {
    writeFileSync(
      join(dir, 'orders.csv'),
      [
        'name,id,note',
        'alpha,1,"a, quoted ""note"""',
        'beta,2,',
        '"multi',
        'line",3,x',
        'gamma,notanumber,x',
        'delta,4',
        'eps,5,"unterminated',
        'zeta,6,x"y',
        ',7,x',
        '',
      ].join('\n'),
    );
    await eddy.execute(
      `CREATE SOURCE s (id int NOT NULL, name text, note text)
         WITH (connector = 'file', path = '${dir}/*.csv', format = 'csv');
       CREATE MATERIALIZED VIEW v AS SELECT * FROM s`,
    );
    const dead = async () =>
      (await eddy.query('SELECT "offset", error_code FROM s_dead_letters ORDER BY "offset"')).rows;
    const rows = async () => (await eddy.query('SELECT id, name, note FROM v ORDER BY id')).rows;
    await eventually(
      async () => (await rows()).length === 4 && (await dead()).length === 3,
      20_000,
      async () => JSON.stringify([await rows(), await dead()]),
    );
    assert.deepEqual(await rows(), [
      [1, 'alpha', 'a, quoted "note"'],
      [2, 'beta', null],
      [3, 'multi\nline', 'x'],
      [7, null, 'x'],
    ]);
    assert.deepEqual(
      (await dead()).map((r) => r[1]),
      // notanumber; delta's two fields; eps's open quote runs into zeta's line, one malformed record.
      ['22P02', '22P04', '22P04'],
    );
  } finally {
    await eddy.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad file options are refused when the source is created (22023)', async () => {
  const eddy = await Eddy.open();
  try {
    for (const options of [
      "connector = 'file'",
      "connector = 'file', path = '/x', format = 'xml'",
      "connector = 'file', path = '/x', mode = 'sometimes'",
      "connector = 'file', path = '/x', delimiter = ';;'",
      "connector = 'file', path = '/x', poll_bytes = 0",
      "connector = 'file', path = '/x', topic = 't'",
    ])
      await assert.rejects(
        eddy.execute(`CREATE SOURCE s (a int) WITH (${options})`),
        (e: Error & { code?: string }) => e.code === '22023',
      );
  } finally {
    await eddy.close();
  }
});

test('tail: kill -9 of eddy serve while files grow; after restart every line is counted exactly once', async () => {
  const dir = folder();
  const dataDir = folder();
  const total = 20_000;
  try {
    let served = await startServe(dataDir);
    let c = await client(served.pgPort);
    await c.query(
      `CREATE SOURCE s (id int NOT NULL) WITH (connector = 'file', path = '${dir}/*.jsonl', mode = 'tail', poll_bytes = 4096, poll_wait_ms = 20);
       CREATE MATERIALIZED VIEW totals AS SELECT count(*) AS n, sum(id) AS total FROM s;
       CREATE MATERIALIZED VIEW twice AS SELECT id FROM s GROUP BY id HAVING count(*) > 1`,
    );
    let written = 0;
    const write = (upTo: number) => {
      for (; written < upTo; written += 100) {
        const lines = Array.from({ length: 100 }, (_, i) => `{"id": ${written + i}}\n`).join('');
        // Two files; the second half of each chunk written in two parts, a line split across them.
        const file = join(dir, `${(written / 100) % 2}.jsonl`);
        appendFileSync(file, lines.slice(0, 700));
        appendFileSync(file, lines.slice(700));
      }
    };
    write(total / 2);
    const counted = async (db: typeof c) =>
      Number((await one(db, 'SELECT coalesce(max(n), 0) AS n FROM totals')).n);
    await eventually(
      async () => (await counted(c)) > total / 8,
      60_000,
      async () => `${await counted(c)} counted`,
    );
    await c.end().catch(() => {});
    await kill(served.child);
    write(total);
    served = await startServe(dataDir);
    c = await client(served.pgPort);
    try {
      await eventually(
        async () => (await counted(c)) >= total,
        90_000,
        async () => `${await counted(c)} of ${total}`,
      );
      assert.deepEqual(await one(c, 'SELECT n, total FROM totals'), {
        n: String(total),
        total: String((total * (total - 1)) / 2),
      });
      assert.equal((await c.query('SELECT * FROM twice')).rows.length, 0);
    } finally {
      await c.end();
      await kill(served.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
});
