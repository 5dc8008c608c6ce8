/**
 * @module test/clients/postgres-js-journey
 * The client journey with postgres.js, left at its defaults (it loads array types from pg_type at
 * connect) against an Eddy server: create, insert, materialize, tagged queries with parameters, a
 * change streamed through a cursor over `SUBSCRIBE` (a portal), errors with SQLSTATE.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import postgres from 'postgres';
import { type ClientServer, startClientServer } from './client-support.ts';

let s: ClientServer;

before(async () => {
  s = await startClientServer();
});

after(async () => {
  await s.server.close();
});

test('postgres.js: create, insert, materialize, parameters, a change through a cursor, errors', {
  timeout: 30_000,
}, async () => {
  const options = { host: '127.0.0.1', port: s.pgPort, user: 'eddy', database: 'eddy', onnotice: () => {} };
  const sql = postgres({ ...options, max: 2 });
  try {
    await sql`CREATE TABLE orders (id integer PRIMARY KEY, region text NOT NULL, amount numeric(10,2))`;
    const orders = [
      { id: 1, region: 'east', amount: '10.50' },
      { id: 2, region: 'west', amount: '20' },
      { id: 3, region: 'east', amount: '5' },
    ];
    assert.equal((await sql`INSERT INTO orders ${sql(orders)}`).count, 3);
    await sql`CREATE MATERIALIZED VIEW revenue AS SELECT region, sum(amount) AS total, count(*) AS orders FROM orders GROUP BY region`;
    const [east] = await sql`SELECT total, orders FROM revenue WHERE region = ${'east'}`;
    assert.deepEqual({ ...east }, { total: '15.50', orders: '2' });

    // A cursor is an extended-protocol portal run with a row limit: each Execute waits for at least
    // one row; leaving the loop closes the portal. (A COPY stream cannot be cancelled from
    // postgres.js: its query has settled once the stream is handed out.) The insert goes out once
    // the snapshot is in, on the pool's other connection.
    const snapshot: Record<string, unknown>[] = [];
    const changes: Record<string, unknown>[] = [];
    for await (const rows of sql`SUBSCRIBE revenue`.cursor(10)) {
      if (snapshot.length < 2) {
        snapshot.push(...rows);
        if (snapshot.length === 2) await sql`INSERT INTO orders VALUES (${4}, ${'west'}, ${'1'})`;
      } else changes.push(...rows);
      if (changes.length >= 2) break;
    }
    assert.deepEqual(snapshot.map((c) => [c.eddy_weight, c.region, c.total, c.orders]).sort(), [
      ['1', 'east', '15.50', '2'],
      ['1', 'west', '20.00', '1'],
    ]);
    assert.equal(changes[0]!.eddy_step, changes[1]!.eddy_step, 'one step');
    assert.deepEqual(
      changes.map((c) => [c.eddy_progressed, c.eddy_weight, c.region, c.total, c.orders]).sort(),
      [
        [false, '-1', 'west', '20.00', '1'],
        [false, '1', 'west', '21.00', '2'],
      ],
    );

    await assert.rejects(sql`INSERT INTO orders VALUES (${1}, ${'north'}, ${'1'})`, {
      code: '23505',
      message: 'duplicate key value violates unique constraint "orders_pkey"',
      detail: 'Key (id)=(1) already exists.',
    });
    await assert.rejects(sql`SELECT total / ${0} FROM revenue WHERE region = ${'east'}`, {
      code: '22012',
      message: 'division by zero',
    });
    const [west] = await sql`SELECT total, orders FROM revenue WHERE region = ${'west'}`;
    assert.deepEqual({ ...west }, { total: '21.00', orders: '2' });
  } finally {
    await sql.end({ timeout: 5 });
  }
});
