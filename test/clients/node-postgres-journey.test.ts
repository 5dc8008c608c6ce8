/**
 * @module test/clients/node-postgres-journey
 * The client journey with node-postgres (`pg`, extended protocol with parameters) against an
 * Eddy server: create, insert, materialize, a named prepared query, a change arriving through a
 * SUBSCRIBE cursor on a second connection, errors with SQLSTATE, detail and position.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pgClient } from '../server/pgwire-support.ts';
import { type ClientServer, startClientServer } from './client-support.ts';

let s: ClientServer;

before(async () => {
  s = await startClientServer();
});

after(async () => {
  await s.server.close();
});

const numericOid = 1700;
const int8Oid = 20;

test('node-postgres: create, insert, materialize, parameters, a change through a cursor, errors', {
  timeout: 30_000,
}, async () => {
  const app = await pgClient(s.pgPort);
  const follower = await pgClient(s.pgPort);
  try {
    await app.query(
      'CREATE TABLE orders (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2))',
    );
    const insert = 'INSERT INTO orders VALUES ($1, $2, $3)';
    for (const values of [
      [1, 'east', '10.50'],
      [2, 'west', 20],
      [3, 'east', 5],
    ]) {
      assert.equal((await app.query(insert, values)).rowCount, 1);
    }
    await app.query(
      'CREATE MATERIALIZED VIEW revenue AS SELECT region, sum(amount) AS total, count(*) AS orders FROM orders GROUP BY region',
    );

    const byRegion = {
      name: 'revenue-by-region',
      text: 'SELECT total, orders FROM revenue WHERE region = $1',
    };
    const east = await app.query({ ...byRegion, values: ['east'] });
    assert.deepEqual(
      east.fields.map((f) => [f.name, f.dataTypeID]),
      [
        ['total', numericOid],
        ['orders', int8Oid],
      ],
    );
    assert.deepEqual(east.rows, [{ total: '15.50', orders: '2' }]);
    assert.deepEqual((await app.query({ ...byRegion, values: ['west'] })).rows, [
      { total: '20.00', orders: '1' },
    ]);

    await follower.query('BEGIN');
    await follower.query('DECLARE changes CURSOR FOR SUBSCRIBE revenue WITH (snapshot = false)');
    await app.query(insert, [4, 'west', '1']);
    const changes = await fetchRows(follower, 2);
    assert.equal(changes[0]!.eddy_step, changes[1]!.eddy_step, 'one step');
    assert.deepEqual(
      changes.map((r) => [r.eddy_progressed, r.eddy_weight, r.region, r.total, r.orders]).sort(),
      [
        [false, '-1', 'west', '20.00', '1'],
        [false, '1', 'west', '21.00', '2'],
      ],
    );
    await follower.query('COMMIT');

    await assert.rejects(app.query(insert, [1, 'north', '1']), {
      code: '23505',
      message: 'duplicate key value violates unique constraint "orders_pkey"',
      detail: 'Key (id)=(1) already exists.',
    });
    await assert.rejects(app.query('SELECT total FROM nowhere WHERE region = $1', ['east']), {
      code: '42P01',
      message: 'relation "nowhere" does not exist',
      position: '19',
    });
    assert.deepEqual((await app.query({ ...byRegion, values: ['west'] })).rows, [
      { total: '21.00', orders: '2' },
    ]);
  } finally {
    await follower.end();
    await app.end();
  }
});

/** FETCH until `n` rows came (each FETCH waits for at least one). */
async function fetchRows(client: pg.Client, n: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  while (rows.length < n) rows.push(...(await client.query(`FETCH ${n - rows.length} changes`)).rows);
  return rows;
}
