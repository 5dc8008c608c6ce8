/**
 * @module test/clients/psycopg-journey
 * The client journey with psycopg 3 (from PyPI, in the virtualenv .tools/py that .ci/run
 * creates): python/psycopg_journey.py runs the session and prints what it saw; the checks are here.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type ClientServer,
  observations,
  repoRoot,
  requireClient,
  run,
  skipUnlessInstalled,
  startClientServer,
  transcript,
  works,
} from './client-support.ts';

const python = join(repoRoot, '.tools/py/bin/python');
const install =
  'python3 -m venv .tools/py && .tools/py/bin/pip install -r test/clients/python/requirements.txt';
const missing = !existsSync(python)
  ? `no virtualenv at .tools/py (${install})`
  : (await works(python, ['-c', 'import psycopg']))
    ? null
    : `psycopg is not installed in .tools/py (${install})`;

let s: ClientServer;

before(async () => {
  s = await startClientServer();
});

after(async () => {
  await s.server.close();
});

test('psycopg 3: create, insert, materialize, parameters, a change through COPY, errors', {
  skip: skipUnlessInstalled(missing),
  timeout: 60_000,
}, async () => {
  requireClient(missing);
  const script = join(repoRoot, 'test/clients/python/psycopg_journey.py');
  const conninfo = `host=127.0.0.1 port=${s.pgPort} user=eddy dbname=eddy`;
  const done = await run(python, [script, conninfo], { timeoutMs: 45_000 });
  assert.equal(done.code, 0, transcript(done));
  const seen = observations(done.stdout);
  const at = (step: string) => {
    const o = seen.get(step);
    assert.ok(o, `the script reported "${step}"\n${transcript(done)}`);
    const { step: _, ...rest } = o;
    return rest;
  };
  console.log(`# psycopg ${at('version').psycopg}, libpq ${at('version').libpq}`);
  assert.deepEqual(at('insert'), { rowcount: 3 }, 'executemany (pipeline mode) counts every row');
  assert.deepEqual(at('select'), {
    columns: [
      ['total', 1700],
      ['orders', 20],
    ],
    rows: [['15.50', 2]],
  });
  assert.deepEqual(at('select binary'), { rows: [['20.00', 1]] });
  assert.deepEqual(at('type info'), { name: 'numeric', oid: 1700, array_oid: 1231 });
  const change = at('change');
  const rows = change.rows as string[][];
  assert.equal(rows.length, 2);
  assert.equal(rows[0]![0], rows[1]![0], 'one step');
  assert.deepEqual(rows.map((r) => r.slice(1).join(' ')).sort(), [
    'False -1 west 20.00 1',
    'False 1 west 21.00 2',
  ]);
  assert.deepEqual([change.ended, change.message], ['57014', 'canceling statement due to user request']);
  assert.deepEqual(at('after cancel'), { rows: [[1]] }, 'the connection serves on after the cancel');
  assert.deepEqual(at('duplicate key'), {
    sqlstate: '23505',
    message: 'duplicate key value violates unique constraint "orders_pkey"',
    detail: 'Key (id)=(1) already exists.',
  });
  assert.deepEqual(at('undefined table'), {
    sqlstate: '42P01',
    message: 'relation "nowhere" does not exist',
    position: '19',
  });
  assert.deepEqual(at('done'), {});
});
