/**
 * pg_catalog and information_schema as views over Eddy's catalog, through the library: name
 * resolution (public, pg_catalog, information_schema), the reg* casts, the system information
 * functions, information_schema's rows, and what is refused. Expected values are PostgreSQL 15's.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Eddy } from '../../src/eddy.ts';

let db: Eddy;

before(async () => {
  db = await Eddy.open();
  await db.execute(`
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', price numeric(10,2), m mood);
    CREATE VIEW v AS SELECT id, name FROM t WHERE id > 1;
    CREATE MATERIALIZED VIEW mv AS SELECT m, count(*) AS n FROM t GROUP BY m;
    INSERT INTO t VALUES (1, 'a', 1.50, 'ok'), (2, 'b', NULL, 'sad');`);
});

async function rows(sql: string, params: readonly Value[] = []): Promise<readonly (readonly Value[])[]> {
  return (await db.query(sql, params)).rows;
}

async function one(sql: string, params: readonly Value[] = []): Promise<Value> {
  const r = await rows(sql, params);
  assert.equal(r.length, 1);
  return r[0]![0]!;
}

async function fails(sql: string, code: string, message: RegExp): Promise<void> {
  await assert.rejects(db.query(sql), (e: { code?: string; message: string }) => {
    assert.equal(e.code, code);
    assert.match(e.message, message);
    return true;
  });
}

test('public.t is t; pg_catalog and information_schema name system relations', async () => {
  assert.deepEqual(await rows('SELECT id FROM public.t ORDER BY id'), [[1], [2]]);
  assert.equal(await one("SELECT relname FROM pg_catalog.pg_class WHERE relname = 't'"), 't');
  assert.equal(await one("SELECT relkind FROM pg_class WHERE relname = 'pg_class'"), 'r');
  assert.equal(await one("SELECT count(*) FROM information_schema.tables WHERE table_name = 't'"), 1);
  await fails('SELECT * FROM pg_catalog.t', '42P01', /relation "pg_catalog.t" does not exist/);
  await fails('SELECT * FROM nosuch.t', '42P01', /relation "nosuch.t" does not exist/);
  await fails('SELECT * FROM tables', '42P01', /relation "tables" does not exist/);
});

test('a user relation shadows an unqualified pg_catalog name', async () => {
  const own = await Eddy.open();
  await own.execute('CREATE TABLE pg_settings (x int); INSERT INTO pg_settings VALUES (7)');
  assert.deepEqual((await own.query('SELECT * FROM pg_settings')).rows, [[7]]);
  const real = await own.query("SELECT setting FROM pg_catalog.pg_settings WHERE name = 'max_index_keys'");
  assert.deepEqual(real.rows, [['32']]);
  await own.close();
});

test('reg* casts look names up and print names', async () => {
  const t = (await one("SELECT 't'::regclass")) as number;
  assert.equal(await one("SELECT oid FROM pg_class WHERE relname = 't'"), t);
  assert.equal(await one("SELECT 'public.t'::regclass"), t);
  assert.equal(await one(`SELECT ${t}::regclass::text`), 't');
  assert.equal(await one("SELECT 'pg_class'::regclass"), 1259);
  assert.equal(await one("SELECT 'information_schema.tables'::regclass::text"), 'information_schema.tables');
  assert.equal(await one("SELECT 'int4'::regtype"), 23);
  assert.equal(await one("SELECT 'character varying'::regtype"), 1043);
  assert.equal(await one("SELECT 'double precision[]'::regtype"), 1022);
  assert.equal(await one("SELECT 'mood'::regtype::text"), 'mood');
  assert.equal(await one('SELECT 23::regtype::text'), 'integer');
  assert.equal(await one("SELECT 'pg_catalog.array_in'::regproc"), 750);
  assert.equal(await one("SELECT 'public'::regnamespace"), 2200);
  assert.equal(await one("SELECT '16391'::oid"), 16391);
  assert.equal(await one("SELECT relname FROM pg_class WHERE oid = 't'::regclass"), 't');
  await fails("SELECT 'nosuch'::regclass", '42P01', /relation "nosuch" does not exist/);
  await fails("SELECT 'nosuch'::regtype", '42704', /type "nosuch" does not exist/);
  assert.equal(await one("SELECT to_regclass('nosuch')"), null);
  assert.equal(await one("SELECT to_regtype('text')"), 25);
});

test('version, current_schema, current_database, pg_backend_pid and settings', async () => {
  assert.match((await one('SELECT version()')) as string, /^PostgreSQL 15\.0 \(Eddy [\d.]+\) on /);
  assert.equal(await one('SELECT current_schema()'), 'public');
  assert.equal(await one('SELECT current_schema'), 'public');
  assert.deepEqual(await one('SELECT current_schemas(true)'), ['pg_catalog', 'public']);
  assert.deepEqual(await one('SELECT current_schemas(false)'), ['public']);
  assert.equal(await one('SELECT current_database()'), 'eddy');
  assert.equal(await one('SELECT pg_backend_pid()'), process.pid);
  assert.equal(await one("SELECT current_setting('server_version_num')"), '150000');
  const session = await Eddy.open();
  await session.execute("SET search_path TO 'public'; SET application_name = 'bi-tool'");
  assert.deepEqual((await session.query("SELECT current_setting('application_name')")).rows, [['bi-tool']]);
  await session.close();
});

test('privileges and visibility: one superuser sees everything', async () => {
  const t = (await one("SELECT 't'::regclass")) as number;
  assert.equal(await one("SELECT has_table_privilege('t', 'SELECT')"), true);
  assert.equal(await one('SELECT has_table_privilege($1, $2)', [t, 'SELECT, INSERT']), true);
  assert.equal(await one("SELECT has_table_privilege('eddy', 't', 'UPDATE')"), true);
  assert.equal(await one("SELECT has_schema_privilege('public', 'USAGE')"), true);
  assert.equal(await one("SELECT has_database_privilege('eddy', 'CONNECT')"), true);
  assert.equal(await one(`SELECT pg_table_is_visible(${t})`), true);
  assert.equal(await one('SELECT pg_get_userbyid(10)'), 'eddy');
  assert.equal(await one('SELECT pg_get_userbyid(12345)'), 'unknown (OID=12345)');
  assert.deepEqual(await rows('SELECT rolname, rolsuper FROM pg_roles'), [['eddy', true]]);
  assert.deepEqual(await rows('SELECT usename, usesuper FROM pg_user'), [['eddy', true]]);
});

test('format_type and pg_encoding_to_char', async () => {
  const mood = (await one("SELECT oid FROM pg_type WHERE typname = 'mood'")) as number;
  assert.deepEqual(
    await rows(
      `SELECT format_type(1043, 24), format_type(1700, 655366), format_type(1009, -1), format_type(1042, NULL),
        format_type(1042, -1), format_type(99999, NULL), format_type(1015, 24), format_type(1114, 3),
        format_type(2276, NULL), format_type(${mood}, NULL), format_type(NULL, NULL)`,
    ),
    [
      [
        'character varying(20)',
        'numeric(10,2)',
        'text[]',
        'character',
        'bpchar',
        '???',
        'character varying(20)[]',
        'timestamp(3) without time zone',
        '"any"',
        'mood',
        null,
      ],
    ],
  );
  assert.deepEqual(await rows('SELECT pg_encoding_to_char(6), pg_encoding_to_char(0)'), [
    ['UTF8', 'SQL_ASCII'],
  ]);
});

test('definitions: pg_get_expr, pg_get_indexdef, pg_get_constraintdef, pg_get_viewdef', async () => {
  assert.deepEqual(
    await rows("SELECT adnum, pg_get_expr(adbin, adrelid) FROM pg_attrdef WHERE adrelid = 't'::regclass"),
    [[2, "'x'::character varying"]],
  );
  const pkey = (await one("SELECT 't_pkey'::regclass")) as number;
  assert.equal(
    await one(`SELECT pg_get_indexdef(${pkey})`),
    'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)',
  );
  assert.equal(await one(`SELECT pg_get_indexdef(${pkey}, 1, true)`), 'id');
  assert.equal(
    await one("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 't_pkey'"),
    'PRIMARY KEY (id)',
  );
  assert.equal(await one("SELECT pg_get_viewdef('v'::regclass)"), ' SELECT id, name FROM t WHERE id > 1;');
  assert.equal(await one("SELECT pg_get_viewdef('v')"), ' SELECT id, name FROM t WHERE id > 1;');
  assert.equal(await one("SELECT pg_get_viewdef('t'::regclass)"), null);
  assert.deepEqual(await rows("SELECT definition FROM pg_matviews WHERE matviewname = 'mv'"), [
    [' SELECT m, count(*) AS n FROM t GROUP BY m;'],
  ]);
  assert.equal(await one("SELECT obj_description('t'::regclass, 'pg_class')"), null);
  assert.equal(await one("SELECT col_description('t'::regclass, 1)"), null);
});

test('pg_attribute and pg_type describe columns as PostgreSQL does', async () => {
  assert.deepEqual(
    await rows(
      `SELECT attname, atttypid, atttypmod, attnotnull, atthasdef, attlen FROM pg_attribute
       WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum`,
    ),
    [
      ['id', 23, -1, true, false, 4],
      ['name', 1043, 24, true, true, -1],
      ['price', 1700, 655366, false, false, -1],
      ['m', (await one("SELECT 'mood'::regtype")) as number, -1, false, false, 4],
    ],
  );
  assert.deepEqual(
    await rows(
      "SELECT typname, typtype, typcategory, typarray FROM pg_type WHERE oid IN (23, 'mood'::regtype) ORDER BY oid",
    ),
    [
      ['int4', 'b', 'N', 1007],
      ['mood', 'e', 'E', 0],
    ],
  );
  assert.deepEqual(await rows('SELECT enumlabel FROM pg_enum ORDER BY enumsortorder'), [
    ['sad'],
    ['ok'],
    ['happy'],
  ]);
});

test('information_schema: schemata, tables, columns, views, constraints', async () => {
  assert.deepEqual(await rows('SELECT schema_name FROM information_schema.schemata ORDER BY 1'), [
    ['information_schema'],
    ['pg_catalog'],
    ['pg_toast'],
    ['public'],
  ]);
  assert.deepEqual(
    await rows(
      "SELECT table_catalog, table_name, table_type FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 2",
    ),
    [
      ['eddy', 't', 'BASE TABLE'],
      ['eddy', 'v', 'VIEW'],
    ],
  );
  assert.deepEqual(
    await rows(
      `SELECT column_name, ordinal_position, column_default, is_nullable, data_type, character_maximum_length,
        numeric_precision, numeric_scale, udt_name
       FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position`,
    ),
    [
      ['id', 1, null, 'NO', 'integer', null, 32, 0, 'int4'],
      ['name', 2, "'x'::character varying", 'NO', 'character varying', 20, null, null, 'varchar'],
      ['price', 3, null, 'YES', 'numeric', null, 10, 2, 'numeric'],
      ['m', 4, null, 'YES', 'USER-DEFINED', null, null, null, 'mood'],
    ],
  );
  assert.deepEqual(await rows('SELECT table_name, view_definition FROM information_schema.views'), [
    ['v', ' SELECT id, name FROM t WHERE id > 1;'],
  ]);
  assert.deepEqual(
    await rows(
      'SELECT constraint_name, table_name, constraint_type FROM information_schema.table_constraints',
    ),
    [['t_pkey', 't', 'PRIMARY KEY']],
  );
  assert.deepEqual(
    await rows(
      'SELECT constraint_name, column_name, ordinal_position FROM information_schema.key_column_usage',
    ),
    [['t_pkey', 'id', 1]],
  );
});

test('pg_tables, pg_views, pg_indexes and pg_settings', async () => {
  assert.deepEqual(
    await rows("SELECT tablename, tableowner, hasindexes FROM pg_tables WHERE schemaname = 'public'"),
    [['t', 'eddy', true]],
  );
  assert.deepEqual(await rows("SELECT viewname, definition FROM pg_views WHERE schemaname = 'public'"), [
    ['v', ' SELECT id, name FROM t WHERE id > 1;'],
  ]);
  assert.deepEqual(await rows('SELECT indexname, indexdef FROM pg_indexes'), [
    ['t_pkey', 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)'],
  ]);
  assert.deepEqual(await rows("SELECT setting, vartype FROM pg_settings WHERE name = 'server_version'"), [
    ['15.0', 'string'],
  ]);
});

test('pg_size_pretty rounds as PostgreSQL does', async () => {
  const sizes = [0, 10239, 10240, 1000000, 20971520, 10737418240, -10240, 1234567890123];
  const pretty = await rows(`SELECT pg_size_pretty(x::bigint) FROM unnest(ARRAY[${sizes.join(',')}]) x`);
  assert.deepEqual(
    pretty.map((r) => r[0]),
    ['0 bytes', '10239 bytes', '10 kB', '977 kB', '20 MB', '10 GB', '-10 kB', '1150 GB'],
  );
});

test('ARRAY(subquery) and subscripts, as catalog queries use them', async () => {
  assert.deepEqual(await one('SELECT ARRAY(SELECT enumlabel FROM pg_enum ORDER BY enumsortorder DESC)'), [
    'happy',
    'ok',
    'sad',
  ]);
  assert.deepEqual(await one("SELECT ARRAY(SELECT relname FROM pg_class WHERE relname = 'nosuch')"), []);
  assert.equal(await one('SELECT (current_schemas(true))[2]'), 'public');
  assert.equal(await one('SELECT (ARRAY[1, 2])[3]'), null);
});

test('system relations are read ad hoc; a materialized view over them is refused', async () => {
  const own = await Eddy.open();
  await own.execute(
    "CREATE VIEW mine AS SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace",
  );
  assert.deepEqual((await own.query('SELECT * FROM mine')).rows, [['mine']]);
  await own.execute('CREATE TABLE later (x int)');
  assert.deepEqual((await own.query('SELECT * FROM mine ORDER BY 1')).rows, [['later'], ['mine']]);
  await assert.rejects(own.execute('CREATE MATERIALIZED VIEW m AS SELECT relname FROM pg_class'), {
    code: '0A000',
  });
  await assert.rejects(own.execute('CREATE MATERIALIZED VIEW m AS SELECT * FROM mine'), { code: '0A000' });
  assert.deepEqual((await own.query("SELECT count(*) FROM pg_class WHERE relname = 'm'")).rows, [[0]]);
  await own.close();
});
