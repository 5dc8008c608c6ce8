/**
 * JavaScript user-defined functions (CREATE FUNCTION … LANGUAGE javascript) run in QuickJS
 * compiled to WebAssembly: ad hoc and in maintained views, errors as data, DROP and REPLACE,
 * survival across a restart, and attempts to leave the sandbox that must fail while the database
 * keeps serving.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { Eddy } from '../../src/index.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const countChar = `CREATE FUNCTION count_char(s text, c text) RETURNS bigint STRICT LANGUAGE javascript AS $$
  return s.split(c).length - 1;
$$`;

async function rejectsWith(db: Eddy, sql: string, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(db.query(sql), (e: { code?: string; message?: string }) => {
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message ?? '', message);
    return true;
  });
}

test('a JavaScript function ad hoc: arguments by name, types mapped both ways, NULL as null', async () => {
  const db = await Eddy.open();
  await db.execute(countChar);
  await db.execute(`
    CREATE FUNCTION describe(i integer, f double precision, n numeric, b boolean, j jsonb) RETURNS jsonb
      LANGUAGE javascript AS $$ return { i: i + 1, f: f * 2, n: n, b: !b, k: j === null ? null : Object.keys(j) } $$;
    CREATE FUNCTION is_null(x text) RETURNS boolean LANGUAGE javascript AS $$ return x === null $$;
    CREATE FUNCTION strict_len(x text) RETURNS integer STRICT LANGUAGE javascript AS $$ return x.length $$;
  `);
  assert.deepEqual((await db.query(`SELECT count_char('a-b-c-', '-')`)).rows, [[3]]);
  const t = await db.query(
    `SELECT count_char(s, 'x') FROM (VALUES ('xox'), ('o'), (NULL)) v(s) WHERE s IS NOT NULL ORDER BY 1`,
  );
  assert.deepEqual(t.rows, [[0], [2]]);
  const d = await db.query(
    `SELECT describe(41, 1.5, 12345678901234567890.5, false, '{"a":1,"b":[2]}')::text`,
  );
  assert.deepEqual(d.rows, [
    ['{"b": true, "f": 3, "i": 42, "k": ["a", "b"], "n": "12345678901234567890.5"}'],
  ]);
  assert.deepEqual(
    (await db.query('SELECT is_null(NULL), strict_len(NULL), strict_len($1)', ['four'])).rows,
    [[true, null, 4]],
  );
  await db.close();
});

test('a call that throws, returns a wrong type or runs too long is 38000 / 57014 ad hoc', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE TABLE t (v integer);
    INSERT INTO t VALUES (1);
    CREATE FUNCTION boom(v integer) RETURNS integer LANGUAGE javascript AS $$ throw new RangeError('no ' + v) $$;
    CREATE FUNCTION wrong(v integer) RETURNS integer LANGUAGE javascript AS $$ return 'one' $$;
    CREATE FUNCTION half(v integer) RETURNS integer LANGUAGE javascript AS $$ return v / 2 $$;
    CREATE FUNCTION spin(v integer) RETURNS integer LANGUAGE javascript AS $$ for (;;) {} $$;
  `);
  await rejectsWith(db, 'SELECT boom(v) FROM t', '38000', /RangeError: no 1/);
  await rejectsWith(db, 'SELECT wrong(v) FROM t', '38000', /returned a JavaScript string/);
  await rejectsWith(db, 'SELECT half(v) FROM t', '38000', /not an integer/);
  await rejectsWith(db, 'SELECT spin(v) FROM t', '57014', /time limit/);
  // The function that timed out still works for other calls, and so does everything else.
  assert.deepEqual((await db.query('SELECT half(v + 1) FROM t')).rows, [[1]]);
  await db.close();
});

test('leaving the sandbox fails: no process, require, fetch, import(), file system; loops and memory bounded', async () => {
  const db = await Eddy.open();
  await db.execute(`
    CREATE FUNCTION probe() RETURNS text LANGUAGE javascript AS $$
      return [typeof process, typeof require, typeof fetch, typeof globalThis.fetch, typeof XMLHttpRequest,
              typeof setTimeout, typeof std, typeof os, typeof Deno, typeof Bun, typeof Math.random, typeof Date].join(',');
    $$;
    CREATE FUNCTION via_constructor() RETURNS text LANGUAGE javascript AS $$
      return typeof (function () {}).constructor('return this')().process;
    $$;
    CREATE FUNCTION dyn_import() RETURNS text LANGUAGE javascript AS $$ return import('node:fs') $$;
    CREATE FUNCTION read_file() RETURNS text LANGUAGE javascript AS $$ return require('fs').readFileSync('/etc/passwd', 'utf8') $$;
    CREATE FUNCTION net() RETURNS text LANGUAGE javascript AS $$ return fetch('http://127.0.0.1/') $$;
    CREATE FUNCTION bomb() RETURNS integer LANGUAGE javascript AS $$
      let keep = []; for (;;) keep = keep.concat(keep, [keep.length]);
    $$;
    CREATE FUNCTION big_strings() RETURNS integer LANGUAGE javascript AS $$
      const keep = []; for (;;) keep.push('x'.repeat(1 << 22) + keep.length);
    $$;
    CREATE FUNCTION deep(n integer) RETURNS integer LANGUAGE javascript AS $$
      const f = (k) => f(k + 1) + 1; return f(0);
    $$;
  `);
  assert.deepEqual((await db.query('SELECT probe(), via_constructor()')).rows, [
    [
      'undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined',
      'undefined',
    ],
  ]);
  // import() yields a promise (a module loader exists nowhere), not a module: a wrong result type.
  await rejectsWith(db, 'SELECT dyn_import()', '38000', /returned a JavaScript object/);
  await rejectsWith(db, 'SELECT read_file()', '38000', /ReferenceError: 'require' is not defined/);
  await rejectsWith(db, 'SELECT net()', '38000', /ReferenceError: 'fetch' is not defined/);
  await rejectsWith(db, 'SELECT bomb()', '38000', /out of memory/);
  // Large allocations escape QuickJS's heap limit (it counts allocations) but not the WebAssembly
  // memory's maximum; afterwards the memory is reused.
  await rejectsWith(db, 'SELECT big_strings()', '38000', /out of memory/);
  await rejectsWith(db, 'SELECT deep(1)', '38000', /stack overflow/);
  // The server keeps serving, the sandboxes too.
  assert.deepEqual((await db.query('SELECT 1 + 1, via_constructor()')).rows, [[2, 'undefined']]);
  await db.close();
});

test('in a materialized view: incremental, and a failing row is an error of the view that later goes', async () => {
  const db = await Eddy.open();
  await db.execute(`
    ${countChar};
    CREATE FUNCTION inverse(v integer) RETURNS double precision LANGUAGE javascript AS $$
      if (v === 0) throw new Error('zero'); return 1 / v;
    $$;
    CREATE TABLE bids (id integer, extra text);
    CREATE MATERIALIZED VIEW c AS SELECT id, count_char(extra, 'c') AS n FROM bids;
    CREATE MATERIALIZED VIEW inv AS SELECT id, inverse(id) AS r FROM bids;
    INSERT INTO bids VALUES (1, 'abc'), (2, 'ccc'), (4, NULL);
  `);
  assert.deepEqual((await db.query('SELECT * FROM c ORDER BY id')).rows, [
    [1, 1],
    [2, 3],
    [4, null],
  ]);
  assert.deepEqual((await db.query('SELECT * FROM inv ORDER BY id')).rows, [
    [1, 1],
    [2, 0.5],
    [4, 0.25],
  ]);
  await db.execute(`DELETE FROM bids WHERE id = 2; INSERT INTO bids VALUES (0, 'cc')`);
  assert.deepEqual((await db.query('SELECT * FROM c ORDER BY id')).rows, [
    [0, 2],
    [1, 1],
    [4, null],
  ]);
  // The row with id 0 is an error as data of inv: reads raise it; other views are untouched.
  await rejectsWith(db, 'SELECT * FROM inv', '38000', /Error: zero/);
  await db.execute('DELETE FROM bids WHERE id = 0');
  assert.deepEqual((await db.query('SELECT * FROM inv ORDER BY id')).rows, [
    [1, 1],
    [4, 0.25],
  ]);
  // A function a view calls cannot be dropped or replaced; once the view is gone it can.
  await rejectsWith(db, 'DROP FUNCTION count_char(text, text)', '2BP01');
  await rejectsWith(
    db,
    `CREATE OR REPLACE FUNCTION count_char(s text, c text) RETURNS bigint LANGUAGE javascript AS $$ return 0 $$`,
    '0A000',
  );
  await db.execute('DROP MATERIALIZED VIEW c');
  await db.execute(
    `CREATE OR REPLACE FUNCTION count_char(s text, c text) RETURNS bigint LANGUAGE javascript AS $$ return 7 $$`,
  );
  assert.deepEqual((await db.query(`SELECT count_char('a', 'b')`)).rows, [[7]]);
  await db.execute('DROP FUNCTION count_char');
  await rejectsWith(db, `SELECT count_char('a', 'b')`, '42883');
  await db.execute('DROP FUNCTION IF EXISTS count_char');
  await db.close();
});

test('refusals: a built-in name, another language, an unsupported type, a syntax error, a duplicate', async () => {
  const db = await Eddy.open();
  await rejectsWith(
    db,
    `CREATE FUNCTION lower(s text) RETURNS text LANGUAGE javascript AS $$ return s $$`,
    '42710',
  );
  await rejectsWith(
    db,
    `CREATE FUNCTION f(s text) RETURNS text LANGUAGE plpgsql AS $$ begin return s; end $$`,
    '0A000',
  );
  await rejectsWith(
    db,
    `CREATE FUNCTION f(d date) RETURNS text LANGUAGE javascript AS $$ return '' $$`,
    '0A000',
  );
  await rejectsWith(
    db,
    `CREATE FUNCTION f(s text) RETURNS text LANGUAGE javascript AS $$ return ( $$`,
    '42P13',
  );
  await db.execute(`CREATE FUNCTION f(s text) RETURNS text LANGUAGE javascript AS $$ return s $$`);
  await rejectsWith(
    db,
    `CREATE FUNCTION f(s text) RETURNS text LANGUAGE javascript AS $$ return s $$`,
    '42710',
  );
  // Rolled back with its transaction.
  await db.execute(
    `BEGIN; CREATE FUNCTION g() RETURNS integer LANGUAGE javascript AS $$ return 1 $$; ROLLBACK`,
  );
  await rejectsWith(db, 'SELECT g()', '42883');
  await db.close();
});

test('functions and the views that call them survive a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-udf-'));
  try {
    let db = await Eddy.open({ dir });
    await db.execute(`
      ${countChar};
      CREATE TABLE bids (id integer, extra text);
      CREATE MATERIALIZED VIEW c AS SELECT id, count_char(extra, 'c') AS n FROM bids;
      INSERT INTO bids VALUES (1, 'cc');
    `);
    await db.close();
    db = await Eddy.open({ dir });
    await db.execute(`INSERT INTO bids VALUES (2, 'ccc')`);
    assert.deepEqual((await db.query('SELECT * FROM c ORDER BY id')).rows, [
      [1, 2],
      [2, 3],
    ]);
    assert.deepEqual((await db.query(`SELECT count_char('c', 'c')`)).rows, [[1]]);
    await db.checkpoint();
    await db.close();
    db = await Eddy.open({ dir });
    await db.execute(`INSERT INTO bids VALUES (3, 'c')`);
    assert.deepEqual((await db.query('SELECT sum(n)::integer FROM c')).rows, [[6]]);
    await db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
