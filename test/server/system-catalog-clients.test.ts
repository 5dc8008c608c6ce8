/**
 * The catalog queries drivers and BI tools send, run through the library: pgjdbc's
 * DatabaseMetaData.getTables / getColumns / getSchemas and its type cache, psycopg 3's TypeInfo
 * and EnumInfo, pg_type loading as node-postgres users do it, and common introspection queries.
 * Query texts are the drivers' own (parameters as $n); expected rows are PostgreSQL 15's.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import type { Value } from '../../src/common/value.ts';
import { Eddy } from '../../src/eddy.ts';

let db: Eddy;
let moodOid: number;

before(async () => {
  db = await Eddy.open();
  await db.execute(`
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', price numeric(10,2), m mood, tags text[]);
    CREATE VIEW v AS SELECT id, name FROM t WHERE id > 1;
    CREATE MATERIALIZED VIEW mv AS SELECT m, count(*) AS n FROM t GROUP BY m;`);
  moodOid = (await db.query("SELECT 'mood'::regtype")).rows[0]![0] as number;
});

async function rows(sql: string, params: readonly Value[] = []): Promise<readonly (readonly Value[])[]> {
  return (await db.query(sql, params)).rows;
}

const jdbcTableType = `CASE n.nspname ~ '^pg_' OR n.nspname = 'information_schema'  WHEN true THEN CASE  WHEN n.nspname = 'pg_catalog' OR n.nspname = 'information_schema' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TABLE'   WHEN 'v' THEN 'SYSTEM VIEW'   WHEN 'i' THEN 'SYSTEM INDEX'   ELSE NULL   END  WHEN n.nspname = 'pg_toast' THEN CASE c.relkind   WHEN 'r' THEN 'SYSTEM TOAST TABLE'   WHEN 'i' THEN 'SYSTEM TOAST INDEX'   ELSE NULL   END  ELSE CASE c.relkind   WHEN 'r' THEN 'TEMPORARY TABLE'   WHEN 'p' THEN 'TEMPORARY TABLE'   WHEN 'i' THEN 'TEMPORARY INDEX'   WHEN 'S' THEN 'TEMPORARY SEQUENCE'   WHEN 'v' THEN 'TEMPORARY VIEW'   ELSE NULL   END  END  WHEN false THEN CASE c.relkind  WHEN 'r' THEN 'TABLE'  WHEN 'p' THEN 'PARTITIONED TABLE'  WHEN 'i' THEN 'INDEX'  WHEN 'P' then 'PARTITIONED INDEX'  WHEN 'S' THEN 'SEQUENCE'  WHEN 'v' THEN 'VIEW'  WHEN 'c' THEN 'TYPE'  WHEN 'f' THEN 'FOREIGN TABLE'  WHEN 'm' THEN 'MATERIALIZED VIEW'  ELSE NULL  END  ELSE NULL  END `;

const jdbcGetTables = `SELECT current_database() AS "TABLE_CAT", n.nspname AS "TABLE_SCHEM", c.relname AS "TABLE_NAME",  ${jdbcTableType} AS "TABLE_TYPE", d.description AS "REMARKS",  '' as "TYPE_CAT", '' as "TYPE_SCHEM", '' as "TYPE_NAME", '' AS "SELF_REFERENCING_COL_NAME", '' AS "REF_GENERATION"  FROM pg_catalog.pg_namespace n, pg_catalog.pg_class c  LEFT JOIN pg_catalog.pg_description d ON (c.oid = d.objoid AND d.objsubid = 0  and d.classoid = 'pg_class'::regclass)  WHERE c.relnamespace = n.oid  AND n.nspname LIKE $1 AND c.relname LIKE $2`;

const jdbcTypes = ` AND (false  OR ( c.relkind = 'r' AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' )  OR ( c.relkind = 'v' AND n.nspname <> 'pg_catalog' AND n.nspname <> 'information_schema' )  OR ( c.relkind = 'm' ) ) `;

const jdbcOrder = ' ORDER BY "TABLE_TYPE","TABLE_SCHEM","TABLE_NAME" ';

test('pgjdbc getTables: user tables, views and materialized views by type', async () => {
  const noRemarks = ['', '', '', '', ''];
  assert.deepEqual(await rows(jdbcGetTables + jdbcTypes + jdbcOrder, ['public', '%']), [
    ['eddy', 'public', 'mv', 'MATERIALIZED VIEW', null, ...noRemarks],
    ['eddy', 'public', 't', 'TABLE', null, ...noRemarks],
    ['eddy', 'public', 'v', 'VIEW', null, ...noRemarks],
  ]);
  const system = await rows(jdbcGetTables + jdbcOrder, ['pg_catalog', 'pg_class']);
  assert.deepEqual(
    system.map((r) => r.slice(1, 4)),
    [['pg_catalog', 'pg_class', 'SYSTEM TABLE']],
  );
});

const jdbcGetColumns = `SELECT * FROM (SELECT current_database() AS current_database, n.nspname,c.relname,a.attname,a.atttypid,a.attnotnull  OR (t.typtype = 'd' AND t.typnotnull) AS attnotnull,a.atttypmod,a.attlen,t.typtypmod,row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum) AS attnum, nullif(a.attidentity, '') as attidentity,nullif(a.attgenerated, '') as attgenerated,pg_catalog.pg_get_expr(def.adbin, def.adrelid) AS adsrc,dsc.description,t.typbasetype,t.typtype  FROM pg_catalog.pg_namespace n  JOIN pg_catalog.pg_class c ON (c.relnamespace = n.oid)  JOIN pg_catalog.pg_attribute a ON (a.attrelid=c.oid)  JOIN pg_catalog.pg_type t ON (a.atttypid = t.oid)  LEFT JOIN pg_catalog.pg_attrdef def ON (a.attrelid=def.adrelid AND a.attnum = def.adnum)  LEFT JOIN pg_catalog.pg_description dsc ON (c.oid=dsc.objoid AND a.attnum = dsc.objsubid)  LEFT JOIN pg_catalog.pg_class dc ON (dc.oid=dsc.classoid AND dc.relname='pg_class')  LEFT JOIN pg_catalog.pg_namespace dn ON (dc.relnamespace=dn.oid AND dn.nspname='pg_catalog')  WHERE c.relkind in ('r','p','v','f','m') and a.attnum > 0 AND NOT a.attisdropped  AND n.nspname LIKE $1 AND c.relname LIKE $2) c WHERE true  AND attname LIKE $3 ORDER BY nspname,c.relname,attnum `;

test('pgjdbc getColumns: types, typmods, NOT NULL, defaults, positions', async () => {
  const columns = await rows(jdbcGetColumns, ['public', 't', '%']);
  assert.deepEqual(
    columns.map((r) => [r[3], r[4], r[5], r[6], r[7], r[9], r[12], r[15]]),
    [
      ['id', 23, true, -1, 4, 1, null, 'b'],
      ['name', 1043, true, 24, -1, 2, "'x'::character varying", 'b'],
      ['price', 1700, false, 655366, -1, 3, null, 'b'],
      ['m', moodOid, false, -1, 4, 4, null, 'e'],
      ['tags', 1009, false, -1, -1, 5, null, 'b'],
    ],
  );
  assert.deepEqual(
    (await rows(jdbcGetColumns, ['public', 'mv', 'n'])).map((r) => [r[2], r[3], r[4], r[9]]),
    [['mv', 'n', 20, 2]],
  );
});

test('pgjdbc getSchemas, getCatalogs and its limits', async () => {
  assert.deepEqual(
    await rows(
      `SELECT nspname AS "TABLE_SCHEM", current_database() AS "TABLE_CATALOG" FROM pg_catalog.pg_namespace  WHERE nspname <> 'pg_toast' AND (nspname !~ '^pg_temp_'  OR nspname = (pg_catalog.current_schemas(true))[1]) AND (nspname !~ '^pg_toast_temp_'  OR nspname = replace((pg_catalog.current_schemas(true))[1], 'pg_temp_', 'pg_toast_temp_'))  ORDER BY "TABLE_SCHEM"`,
    ),
    [
      ['information_schema', 'eddy'],
      ['pg_catalog', 'eddy'],
      ['public', 'eddy'],
    ],
  );
  assert.deepEqual(
    await rows(
      'SELECT datname AS "TABLE_CAT" FROM pg_catalog.pg_database WHERE datallowconn = true ORDER BY datname',
    ),
    [['eddy']],
  );
  assert.deepEqual(await rows("SELECT setting FROM pg_catalog.pg_settings WHERE name='max_index_keys'"), [
    ['32'],
  ]);
  assert.deepEqual(
    await rows(
      "SELECT t.typlen FROM pg_catalog.pg_type t, pg_catalog.pg_namespace n WHERE t.typnamespace=n.oid AND t.typname='name' AND n.nspname='pg_catalog'",
    ),
    [[64]],
  );
});

const searchPathJoin = `LEFT JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace `;

test('pgjdbc type cache: an unknown oid, a type name, an oid name, array delimiters', async () => {
  assert.deepEqual(
    await rows(
      `SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   ${searchPathJoin} WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC;`,
      [moodOid],
    ),
    [[false, 'e', 'mood', moodOid]],
  );
  assert.deepEqual(
    await rows(
      `SELECT typinput='pg_catalog.array_in'::regproc as is_array, typtype, typname, pg_type.oid   FROM pg_catalog.pg_type   ${searchPathJoin} WHERE pg_type.oid = $1  ORDER BY sp.r, pg_type.oid DESC;`,
      [1009],
    ),
    [[true, 'b', '_text', 1009]],
  );
  assert.deepEqual(
    await rows(
      `SELECT pg_type.oid, typname   FROM pg_catalog.pg_type   LEFT   JOIN (select ns.oid as nspoid, ns.nspname, r.r           from pg_namespace as ns           join ( select s.r, (current_schemas(false))[s.r] as nspname                    from generate_series(1, array_upper(current_schemas(false), 1)) as s(r) ) as r          using ( nspname )        ) as sp     ON sp.nspoid = typnamespace  WHERE typname = $1  ORDER BY sp.r, pg_type.oid DESC LIMIT 1;`,
      ['mood'],
    ),
    [[moodOid, 'mood']],
  );
  assert.deepEqual(
    await rows(
      'SELECT n.nspname = ANY(current_schemas(true)), n.nspname, t.typname FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON t.typnamespace = n.oid WHERE t.oid = $1',
      [1043],
    ),
    [[true, 'pg_catalog', 'varchar']],
  );
  assert.deepEqual(
    await rows(
      'SELECT e.typdelim FROM pg_catalog.pg_type t, pg_catalog.pg_type e WHERE t.oid = $1 and t.typelem = e.oid',
      [1009],
    ),
    [[',']],
  );
});

test('psycopg TypeInfo.fetch and EnumInfo.fetch', async () => {
  const typeInfo = `SELECT
    typname AS name, oid, typarray AS array_oid,
    oid::regtype::text AS regtype, typdelim AS delimiter
FROM pg_type t
WHERE t.oid = to_regtype($1)
ORDER BY t.oid
`;
  assert.deepEqual(await rows(typeInfo, ['character varying']), [
    ['varchar', 1043, 1015, 'character varying', ','],
  ]);
  assert.deepEqual(await rows(typeInfo, ['nosuch']), []);
  const enumInfo = `SELECT name, oid, array_oid, regtype, array_agg(label) AS labels
FROM (
    SELECT
        t.typname AS name, t.oid AS oid, t.typarray AS array_oid,
        t.oid::regtype::text AS regtype, e.enumlabel AS label
    FROM pg_type t
    LEFT JOIN  pg_enum e
    ON e.enumtypid = t.oid
    WHERE t.oid = to_regtype($1)
    ORDER BY e.enumsortorder
) x
GROUP BY name, oid, array_oid, regtype
`;
  const [row] = await rows(enumInfo, ['mood']);
  assert.deepEqual(row!.slice(0, 4), ['mood', moodOid, 0, 'mood']);
  // Eddy orders array_agg without ORDER BY by value (deterministic); the labels are all there.
  assert.deepEqual([...(row![4] as string[])].sort(), ['happy', 'ok', 'sad']);
});

test('pg_type loading by oid and name, as node-postgres type parsers are set up', async () => {
  assert.deepEqual(
    await rows(
      "SELECT oid, typname, typarray FROM pg_type WHERE typname IN ('int4', 'text', 'mood') ORDER BY oid",
    ),
    [
      [23, 'int4', 1007],
      [25, 'text', 1009],
      [moodOid, 'mood', 0],
    ],
  );
  assert.deepEqual(await rows("SELECT oid FROM pg_type WHERE typname IN ('hstore', 'geometry')"), []);
  const builtin = await rows("SELECT count(*) FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace");
  assert.ok((builtin[0]![0] as number) > 50);
});

test('common BI-tool introspection queries do not fail', async () => {
  const queries = [
    "SELECT n.oid,n.*,d.description FROM pg_catalog.pg_namespace n left outer join pg_catalog.pg_description d on d.objoid=n.oid and d.objsubid=0 and d.classoid='pg_namespace'::regclass ORDER BY nspname",
    "SELECT c.oid,c.*,d.description,pg_catalog.pg_get_expr(c.relpartbound, c.oid) as partition_expr, pg_catalog.pg_get_partkeydef(c.oid) as partition_key FROM pg_catalog.pg_class c LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid=c.oid AND d.objsubid=0 AND d.classoid='pg_class'::regclass WHERE c.relnamespace=2200 AND c.relkind not in ('i','I','c')",
    "select relname from pg_class c join pg_namespace n on n.oid=c.relnamespace where pg_catalog.pg_table_is_visible(c.oid) and relname='t'",
    'SELECT t.typname as "name", pg_catalog.pg_type_is_visible(t.oid) as "visible", n.nspname as "schema", e.enumlabel as "label" FROM pg_catalog.pg_type t LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace LEFT JOIN pg_catalog.pg_enum e ON t.oid = e.enumtypid WHERE t.typtype = \'e\' ORDER BY "schema", "name", e.oid',
    "SELECT conname, pg_catalog.pg_get_constraintdef(oid, true) FROM pg_catalog.pg_constraint WHERE conrelid = 't'::regclass AND contype = 'f'",
    "SELECT table_schema, table_name, column_name, data_type FROM information_schema.columns WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY table_schema, table_name, ordinal_position",
    "select setting from pg_settings where name = 'TimeZone'",
    'SELECT pg_catalog.current_database(), pg_catalog.version(), pg_catalog.pg_postmaster_start_time() IS NOT NULL',
    'SELECT * FROM pg_catalog.pg_stat_activity',
    'SELECT * FROM pg_extension',
  ];
  for (const sql of queries) await db.query(sql);
  assert.deepEqual(
    await rows(
      "SELECT relname FROM pg_class WHERE relnamespace = 2200 AND relkind NOT IN ('i','I','c') ORDER BY 1",
    ),
    [['mv'], ['t'], ['v']],
  );
});
