/**
 * psql's describe commands (\d, \dt, \dv, \dm, \di, \dT, \d name, …) through the library: the
 * exact catalog queries psql 15 sends (captured with `psql -E`) run on Eddy and return what
 * PostgreSQL 15 returns for the same schema (owner eddy, Eddy's oids and its view text aside).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Eddy } from '../../src/eddy.ts';
import { psqlAbout, psqlList } from './system-catalog-queries.ts';

const schema = `
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', price numeric(10,2), m mood, tags text[]);
CREATE VIEW v AS SELECT id, name FROM t WHERE id > 1;
CREATE MATERIALIZED VIEW mv AS SELECT m, count(*) AS n FROM t GROUP BY m;
CREATE INDEX mv_m ON mv (m);
`;

let db: Eddy;

before(async () => {
  db = await Eddy.open();
  await db.execute(schema);
});

async function rows(sql: string): Promise<readonly (readonly Value[])[]> {
  return (await db.query(sql)).rows;
}

/** What `\d name` does first: find the relation's oid by a regular expression on its name. */
async function oidOf(name: string): Promise<number> {
  const found = await rows(psqlAbout.lookup(name));
  assert.equal(found.length, 1, `one relation named ${name}`);
  assert.deepEqual(found[0]!.slice(1), ['public', name]);
  return found[0]![0] as number;
}

test('\\d lists tables, views and materialized views', async () => {
  assert.deepEqual(await rows(psqlList.d), [
    ['public', 'mv', 'materialized view', 'eddy'],
    ['public', 't', 'table', 'eddy'],
    ['public', 'v', 'view', 'eddy'],
  ]);
  assert.deepEqual(await rows(psqlList.dt), [['public', 't', 'table', 'eddy']]);
  assert.deepEqual(await rows(psqlList.dv), [['public', 'v', 'view', 'eddy']]);
  assert.deepEqual(await rows(psqlList.dm), [['public', 'mv', 'materialized view', 'eddy']]);
});

test('\\di lists the primary key index and CREATE INDEX ones with their tables', async () => {
  assert.deepEqual(await rows(psqlList.di), [
    ['public', 'mv_m', 'index', 'eddy', 'mv'],
    ['public', 't_pkey', 'index', 'eddy', 't'],
  ]);
  assert.deepEqual(await rows(psqlList['di+']), [
    ['public', 'mv_m', 'index', 'eddy', 'mv', 'permanent', 'btree', '0 bytes', null],
    ['public', 't_pkey', 'index', 'eddy', 't', 'permanent', 'btree', '0 bytes', null],
  ]);
});

test('verbose lists add persistence, access method and size', async () => {
  assert.deepEqual(await rows(psqlList['dt+']), [
    ['public', 't', 'table', 'eddy', 'permanent', 'heap', '0 bytes', null],
  ]);
  assert.deepEqual(await rows(psqlList['dv+']), [
    ['public', 'v', 'view', 'eddy', 'permanent', '0 bytes', null],
  ]);
  assert.deepEqual(await rows(psqlList['dm+']), [
    ['public', 'mv', 'materialized view', 'eddy', 'permanent', 'heap', '0 bytes', null],
  ]);
});

test('\\dT lists the enum, \\dT+ with its labels in declaration order', async () => {
  assert.deepEqual(await rows(psqlList.dT), [['public', 'mood', null]]);
  assert.deepEqual(await rows(psqlList['dT+']), [
    ['public', 'mood', 'mood', '4', 'sad\nok\nhappy', 'eddy', null, null],
  ]);
});

test('\\dn, \\l, \\du, \\df and \\dx', async () => {
  assert.deepEqual(await rows(psqlList.dn), [['public', 'eddy']]);
  assert.deepEqual(await rows(psqlList['dn+']), [['public', 'eddy', null, null]]);
  assert.deepEqual(await rows(psqlList.l), [
    ['eddy', 'eddy', 'UTF8', 'C.UTF-8', 'C.UTF-8', null, 'libc', null],
  ]);
  assert.deepEqual(await rows(psqlList.du), [
    ['eddy', true, true, true, true, true, -1, null, [], true, true],
  ]);
  // \df hides pg_catalog: Eddy has no user-defined functions.
  assert.deepEqual(await rows(psqlList.df), []);
  assert.deepEqual(await rows(psqlList.dx), []);
});

test('\\d t: flags, columns with types, defaults and NOT NULL, primary key', async () => {
  const oid = await oidOf('t');
  assert.deepEqual(await rows(psqlAbout.tableInfo(oid)), [
    [0, 'r', true, false, false, false, false, false, false, '', 0, '', 'p', 'd', 'heap'],
  ]);
  assert.deepEqual(await rows(psqlAbout.attributes(oid)), [
    ['id', 'integer', null, true, null, '', ''],
    ['name', 'character varying(20)', "'x'::character varying", true, null, '', ''],
    ['price', 'numeric(10,2)', null, false, null, '', ''],
    ['m', 'mood', null, false, null, '', ''],
    ['tags', 'text[]', null, false, null, '', ''],
  ]);
  assert.deepEqual(await rows(psqlAbout.tableIndexes(oid)), [
    [
      't_pkey',
      true,
      true,
      false,
      true,
      'CREATE UNIQUE INDEX t_pkey ON t USING btree (id)',
      'PRIMARY KEY (id)',
      'p',
      false,
      false,
      false,
      0,
    ],
  ]);
  for (const q of [psqlAbout.policies, psqlAbout.statistics, psqlAbout.publications]) {
    assert.deepEqual(await rows(q(oid)), []);
  }
  assert.deepEqual(await rows(psqlAbout.inherits(oid)), []);
  assert.deepEqual(await rows(psqlAbout.partitions(oid)), []);
});

test('\\d+ t adds storage, compression, statistics target and description', async () => {
  const oid = await oidOf('t');
  assert.deepEqual(await rows(psqlAbout.tableInfoVerbose(oid)), [
    [0, 'r', true, false, false, false, false, false, false, '', 0, '', 'p', 'd', 'heap'],
  ]);
  const columns = await rows(psqlAbout.attributesVerbose(oid));
  assert.deepEqual(
    columns.map((c) => [c[0], c[7], c[8], c[9], c[10]]),
    [
      ['id', 'p', '', null, null],
      ['name', 'x', '', null, null],
      ['price', 'm', '', null, null],
      ['m', 'p', '', null, null],
      ['tags', 'x', '', null, null],
    ],
  );
});

test('\\d v and \\d+ v: a view has no flags of a table and shows its query', async () => {
  const oid = await oidOf('v');
  assert.deepEqual(await rows(psqlAbout.tableInfo(oid)), [
    [0, 'v', false, true, false, false, false, false, false, '', 0, '', 'p', 'n', null],
  ]);
  assert.deepEqual(await rows(psqlAbout.attributes(oid)), [
    ['id', 'integer', null, false, null, '', ''],
    ['name', 'character varying(20)', null, false, null, '', ''],
  ]);
  assert.deepEqual(await rows(psqlAbout.viewDefinition(oid)), [[' SELECT id, name FROM t WHERE id > 1;']]);
  assert.deepEqual(await rows(psqlAbout.rules(oid)), []);
  assert.deepEqual(await rows(psqlAbout.viewOid('v')), [[oid]]);
  assert.deepEqual(await rows(psqlAbout.showView(oid)), [
    ['public', 'v', 'v', ' SELECT id, name FROM t WHERE id > 1;', null, null],
  ]);
});

test('\\d mv: a materialized view with its index', async () => {
  const oid = await oidOf('mv');
  assert.deepEqual(await rows(psqlAbout.tableInfo(oid)), [
    [0, 'm', true, true, false, false, false, false, false, '', 0, '', 'p', 'd', 'heap'],
  ]);
  assert.deepEqual(await rows(psqlAbout.attributes(oid)), [
    ['m', 'mood', null, false, null, '', ''],
    ['n', 'bigint', null, false, null, '', ''],
  ]);
  assert.deepEqual(await rows(psqlAbout.tableIndexes(oid)), [
    [
      'mv_m',
      false,
      false,
      false,
      true,
      'CREATE INDEX mv_m ON mv USING btree (m)',
      null,
      null,
      null,
      null,
      false,
      0,
    ],
  ]);
  assert.deepEqual(await rows(psqlAbout.viewDefinition(oid)), [
    [' SELECT m, count(*) AS n FROM t GROUP BY m;'],
  ]);
});

test('\\d of an index: its key columns, access method and table', async () => {
  const mvIndex = await oidOf('mv_m');
  assert.deepEqual(await rows(psqlAbout.tableInfo(mvIndex)), [
    [0, 'i', false, false, false, false, false, false, false, '', 0, '', 'p', 'n', 'btree'],
  ]);
  assert.deepEqual(await rows(psqlAbout.indexAttributes(mvIndex)), [['m', 'mood', 'yes', 'm']]);
  assert.deepEqual(await rows(psqlAbout.indexInfo(mvIndex)), [
    [false, false, false, true, false, false, false, false, 'btree', 'mv', null],
  ]);
  const pkey = await oidOf('t_pkey');
  assert.deepEqual(await rows(psqlAbout.indexAttributes(pkey)), [['id', 'integer', 'yes', 'id']]);
  assert.deepEqual(await rows(psqlAbout.indexInfo(pkey)), [
    [true, true, false, true, false, false, false, false, 'btree', 't', null],
  ]);
});

test('the catalog is computed at read time: new and dropped relations show at once', async () => {
  const fresh = await Eddy.open();
  await fresh.execute('CREATE TABLE a (x int)');
  assert.deepEqual((await fresh.query(psqlList.dt)).rows, [['public', 'a', 'table', 'eddy']]);
  await fresh.execute('CREATE TABLE b (y text); DROP TABLE a');
  assert.deepEqual((await fresh.query(psqlList.dt)).rows, [['public', 'b', 'table', 'eddy']]);
  assert.deepEqual((await fresh.query(psqlAbout.lookup('a'))).rows, []);
  await fresh.close();
});

test('\\d shows a volatile DEFAULT as its expression (now()), as PostgreSQL does', async () => {
  await db.execute(`CREATE TABLE stamped (at timestamptz NOT NULL DEFAULT now(), local timestamp DEFAULT now(),
                    id uuid DEFAULT gen_random_uuid())`);
  const oid = await oidOf('stamped');
  assert.deepEqual(await rows(psqlAbout.attributes(oid)), [
    ['at', 'timestamp with time zone', 'now()', true, null, '', ''],
    ['local', 'timestamp without time zone', 'now()', false, null, '', ''],
    ['id', 'uuid', 'gen_random_uuid()', false, null, '', ''],
  ]);
  await db.execute('DROP TABLE stamped');
});
