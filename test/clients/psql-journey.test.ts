/**
 * @module test/clients/psql-journey
 * The client journey with psql (PostgreSQL 15's /usr/bin/psql, run as a user would: a script on
 * stdin, unaligned output) against an Eddy server: create, insert, materialize, `\d`, a query
 * with a psql variable, a change arriving through a SUBSCRIBE cursor, errors with their SQLSTATE.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type ClientServer,
  requireClient,
  run,
  skipUnlessInstalled,
  startClientServer,
  transcript,
  works,
} from './client-support.ts';

const missing = (await works('psql', ['--version']))
  ? null
  : 'psql is not installed (apt-get install postgresql-client)';

let s: ClientServer;

before(async () => {
  s = await startClientServer();
});

after(async () => {
  await s.server.close();
});

// `\!` runs a second psql (same environment: same server) while the cursor is open, so the change
// comes from another session, as it would in production.
const script = String.raw`\set VERBOSITY verbose
\echo -- create, insert, materialize
CREATE TABLE orders (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2));
INSERT INTO orders VALUES (1, 'east', 10.50), (2, 'west', 20), (3, 'east', 5);
CREATE MATERIALIZED VIEW revenue AS SELECT region, sum(amount) AS total, count(*) AS orders FROM orders GROUP BY region;
\d orders
\d revenue
\echo -- select with a parameter
\set region east
SELECT region, total, orders FROM revenue WHERE region = :'region';
\echo -- a change arrives
BEGIN;
DECLARE changes CURSOR FOR SUBSCRIBE revenue WITH (snapshot = false);
\! psql -X -q -c "INSERT INTO orders VALUES (4, 'west', 1)"
FETCH ALL changes;
COMMIT;
\echo -- errors
INSERT INTO orders VALUES (1, 'north', 1);
SELECT total FROM nowhere;
SELECT 1 / (orders - 2) FROM revenue WHERE region = 'east';
\echo -- done
`;

/** psql's output cut at the `\echo -- name` lines. */
function sections(output: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith('-- ')) out.set(line.slice(3), (current = []));
    else if (line !== '') current.push(line);
  }
  return out;
}

// Expected text is what psql prints against PostgreSQL 15 for the same script, except: Eddy tags
// CREATE MATERIALIZED VIEW as such (PostgreSQL says SELECT n), and sends no SCHEMA/TABLE/
// CONSTRAINT NAME or LOCATION fields, which verbose psql would print.
test('psql: create, insert, materialize, \\d, a parameter, a change through a cursor, errors', {
  skip: skipUnlessInstalled(missing),
}, async () => {
  requireClient(missing);
  // Through sh for `2>&1`: errors must land between the results they interleave with.
  const psql = 'exec psql -X -A -v ON_ERROR_STOP=0 2>&1';
  const done = await run('sh', ['-c', psql], { env: s.env, input: script, timeoutMs: 30_000 });
  assert.equal(done.code, 0, transcript(done));
  const out = sections(done.stdout);
  assert.deepEqual(out.get('create, insert, materialize'), [
    'CREATE TABLE',
    'INSERT 0 3',
    'CREATE MATERIALIZED VIEW',
    'Table "public.orders"',
    'Column|Type|Collation|Nullable|Default',
    'id|integer||not null|',
    'region|text||not null|',
    'amount|numeric(10,2)|||',
    'Indexes:',
    '    "orders_pkey" PRIMARY KEY, btree (id)',
    'Materialized view "public.revenue"',
    'Column|Type|Collation|Nullable|Default',
    'region|text|||',
    'total|numeric|||',
    'orders|bigint|||',
  ]);
  assert.deepEqual(out.get('select with a parameter'), ['region|total|orders', 'east|15.50|2', '(1 row)']);
  const change = out.get('a change arrives')!;
  assert.deepEqual(change.slice(0, 3), [
    'BEGIN',
    'DECLARE CURSOR',
    'eddy_step|eddy_progressed|eddy_weight|region|total|orders',
  ]);
  assert.deepEqual(change.slice(-2), ['(2 rows)', 'COMMIT']);
  const rows = change.slice(3, -2).map((line) => line.split('|'));
  assert.equal(rows.length, 2, change.join('\n'));
  assert.equal(rows[0]![0], rows[1]![0], 'both rows belong to the step of the insert');
  assert.deepEqual(rows.map((r) => r.slice(1).join('|')).sort(), ['f|-1|west|20.00|1', 'f|1|west|21.00|2']);
  assert.deepEqual(out.get('errors'), [
    'ERROR:  23505: duplicate key value violates unique constraint "orders_pkey"',
    'DETAIL:  Key (id)=(1) already exists.',
    'ERROR:  42P01: relation "nowhere" does not exist',
    'LINE 1: SELECT total FROM nowhere;',
    '                          ^',
    'ERROR:  22012: division by zero',
  ]);
  assert.deepEqual(out.get('done'), []);
});
