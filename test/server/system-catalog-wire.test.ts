/**
 * Real psql 15 against Eddy's wire protocol server: its describe commands print what they print
 * against PostgreSQL 15 for the same schema (owner eddy, and a view's query as written). psql is
 * found on PATH; where it is missing the tests skip, or fail under CI=true.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { Session } from '../../src/runtime/session.ts';
import { findOnPath, requirePrerequisite, skipUnlessPresent } from '../prerequisites.ts';
import { startTestServer, type TestServer } from './pgwire-support.ts';

const psqlPath = findOnPath('psql');
const missing = psqlPath === undefined ? 'psql is not on PATH (apt-get install postgresql-client)' : null;
const skip = skipUnlessPresent(missing);
const run = promisify(execFile);

let server: TestServer;

before(async () => {
  if (missing !== null) return;
  server = await startTestServer();
  new Session(server.db).execute(`
    CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
    CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL DEFAULT 'x', price numeric(10,2), m mood);
    CREATE VIEW v AS SELECT id, name FROM t WHERE id > 1;
    CREATE MATERIALIZED VIEW mv AS SELECT m, count(*) AS n FROM t GROUP BY m;
    CREATE INDEX mv_m ON mv (m);`);
});

after(async () => {
  if (missing === null) await server.server.close();
});

async function psql(command: string): Promise<string> {
  requirePrerequisite(missing);
  const args = [
    '-h',
    '127.0.0.1',
    '-p',
    String(server.port),
    '-U',
    'eddy',
    '-d',
    'eddy',
    '-X',
    '-c',
    command,
  ];
  const { stdout } = await run(psqlPath ?? 'psql', args, {
    env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
  });
  return stdout;
}

const lines = (text: string): string => text.trim();

test('psql \\d lists relations', { skip }, async () => {
  assert.equal(
    lines(await psql('\\d')),
    lines(`
             List of relations
 Schema | Name |       Type        | Owner 
--------+------+-------------------+-------
 public | mv   | materialized view | eddy
 public | t    | table             | eddy
 public | v    | view              | eddy
(3 rows)`),
  );
});

test('psql \\d t describes columns, defaults and the primary key', { skip }, async () => {
  assert.equal(
    lines(await psql('\\d t')),
    lines(`
                                Table "public.t"
 Column |         Type          | Collation | Nullable |        Default         
--------+-----------------------+-----------+----------+------------------------
 id     | integer               |           | not null | 
 name   | character varying(20) |           | not null | 'x'::character varying
 price  | numeric(10,2)         |           |          | 
 m      | mood                  |           |          | 
Indexes:
    "t_pkey" PRIMARY KEY, btree (id)`),
  );
});

test('psql \\d+ v shows the view definition; \\d mv its index', { skip }, async () => {
  const view = await psql('\\d+ v');
  assert.match(view, /View "public\.v"/);
  assert.match(view, /View definition:\n SELECT id, name FROM t WHERE id > 1;/);
  assert.equal(
    lines(await psql('\\d mv')),
    lines(`
          Materialized view "public.mv"
 Column |  Type  | Collation | Nullable | Default 
--------+--------+-----------+----------+---------
 m      | mood   |           |          | 
 n      | bigint |           |          | 
Indexes:
    "mv_m" btree (m)`),
  );
});

test('psql \\dt, \\dv, \\dm, \\di and \\dT', { skip }, async () => {
  assert.match(await psql('\\dt'), / public \| t {4}\| table \| eddy\n\(1 row\)/);
  assert.match(await psql('\\dv'), / public \| v {4}\| view \| eddy\n\(1 row\)/);
  assert.match(await psql('\\dm'), / public \| mv {3}\| materialized view \| eddy\n\(1 row\)/);
  const indexes = await psql('\\di');
  assert.match(
    indexes,
    / public \| mv_m {3}\| index \| eddy {2}\| mv\n public \| t_pkey \| index \| eddy {2}\| t\n/,
  );
  assert.match(await psql('\\dT'), / public \| mood \| \n\(1 row\)/);
});

test('psql \\d of an unknown name says so', { skip }, async () => {
  await assert.rejects(psql('\\d nosuch'), (e: { stderr: string }) => {
    assert.match(e.stderr, /Did not find any relation named "nosuch"/);
    return true;
  });
});
