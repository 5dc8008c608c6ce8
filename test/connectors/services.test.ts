/**
 * The services of `npm run services` are what the connector suites expect: PostgreSQL with
 * wal_level = logical (for change data capture) and nats-server with JetStream enabled. (Kafka is
 * exercised by kafka-source.test.ts.) Skipped without their variables unless EDDY_REQUIRE_SERVICES=1.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import pg from 'pg';
import { withService } from '../support/services.ts';

withService('postgres', 'the services PostgreSQL has logical replication on', async (url) => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query('SHOW wal_level');
    assert.equal(rows[0].wal_level, 'logical');
    assert.match((await c.query('SHOW server_version')).rows[0].server_version, /^15\./);
  } finally {
    await c.end();
  }
});

withService('nats', 'the services nats-server has JetStream on', async (url) => {
  const { hostname, port } = new URL(url);
  // A NATS server greets every client with one INFO line of JSON.
  const info = await new Promise<string>((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('utf8').on('data', (s: string) => {
      text += s;
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\r\n')));
      }
    });
    socket.once('error', reject);
  });
  assert.match(info, /^INFO /);
  assert.equal(JSON.parse(info.slice(5)).jetstream, true);
});
