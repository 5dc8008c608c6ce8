/**
 * The NATS sink against a real nats-server (`npm run services`; skipped without EDDY_NATS_URL
 * unless EDDY_REQUIRE_SERVICES=1): a view's changes arrive on the subject as JSON with their
 * step and message ids, and applying them gives the view's contents; the sink sets the stream's
 * duplicate window from its options; a step delivered twice (a retry, a restart) is stored once
 * by JetStream's message-id deduplication; bad options are refused.
 */
import assert from 'node:assert/strict';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { RelationEntry } from '../../src/catalog/catalog.ts';
import { T } from '../../src/common/types.ts';
import { NatsSinkTarget } from '../../src/runtime/sinks/nats-target.ts';
import { serve } from '../../src/server/server.ts';
import { withService } from '../support/services.ts';
import { createStream, deleteStream } from './nats-support.ts';
import { client, eventually } from './serve-support.ts';

interface Got {
  readonly data: { op: string; row: Record<string, unknown> };
  readonly id: string;
  readonly step: number;
}

async function readAll(url: string, stream: string): Promise<Got[]> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    const count = (await jsm.streams.info(stream)).state.messages;
    const out: Got[] = [];
    if (count === 0) return out;
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume({ max_messages: 1000 });
    for await (const m of messages) {
      out.push({
        data: m.json(),
        id: m.headers?.get('Nats-Msg-Id') ?? '',
        step: Number(m.headers?.get('Eddy-Step')),
      });
      if (out.length >= count) break;
    }
    await messages.close();
    return out;
  } finally {
    await nc.close();
  }
}

withService(
  'nats',
  'a NATS sink: each step’s changes on the subject, message ids, the duplicate window set',
  async (url) => {
    const stream = await createStream(url);
    const server = await serve({ pgPort: 0, httpPort: 0 });
    const c = await client(server.pg.address().port);
    try {
      await c.query(
        `CREATE TABLE t (id int, g text);
       CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g;
       CREATE SINK out FROM v WITH (connector = 'nats', servers = '${url}', stream = '${stream}', subject = '${stream}.out', duplicate_window_ms = 60000)`,
      );
      const position = async () =>
        (await c.query("SELECT position FROM pg_catalog.eddy_sinks WHERE sink = 'out'")).rows[0]?.position;
      // The first delivery is the view's contents (empty here) as of the step the sink starts at.
      await eventually(
        async () => (await position()) !== null && (await position()) !== undefined,
        30_000,
        async () => 'no first delivery',
      );
      await c.query("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
      await c.query("INSERT INTO t VALUES (3, 'a')");
      await c.query("DELETE FROM t WHERE g = 'b'");
      // Applying the changes in order gives the view.
      const applied = async () => {
        const contents = new Map<string, number>();
        for (const { data } of await readAll(url, stream)) {
          const key = JSON.stringify(data.row);
          contents.set(key, (contents.get(key) ?? 0) + (data.op === 'insert' ? 1 : -1));
        }
        return [...contents].filter(([, n]) => n > 0).map(([k]) => JSON.parse(k));
      };
      const view = async () =>
        (await c.query('SELECT g, n FROM v ORDER BY g')).rows.map((r) => ({ g: r.g, n: Number(r.n) }));
      await eventually(
        async () =>
          JSON.stringify(await applied()) === JSON.stringify(await view()) &&
          (await readAll(url, stream)).length === 5,
        30_000,
        async () => JSON.stringify(await readAll(url, stream)),
      );
      const got = await readAll(url, stream);
      // Steps: insert a:1, b:1 | delete a:1, insert a:2 | delete b:1.
      assert.deepEqual(got.map((m) => `${m.data.op} ${m.data.row.g}:${m.data.row.n}`).sort(), [
        'delete a:1',
        'delete b:1',
        'insert a:1',
        'insert a:2',
        'insert b:1',
      ]);
      for (const m of got) assert.match(m.id, new RegExp(`^out:${m.step}:\\d+$`));
      assert.equal(new Set(got.map((m) => m.id)).size, got.length);
      const nc = await connect({ servers: url });
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      await nc.close();
      assert.equal(info.config.duplicate_window, 60_000 * 1_000_000);
      // Bad options are refused when the sink is created.
      for (const options of [
        `connector = 'nats', servers = '${url}', stream = '${stream}'`,
        `connector = 'nats', servers = '${url}', stream = '${stream}', subject = 'a.*'`,
        `connector = 'nats', servers = 'not an address', stream = '${stream}', subject = 'a'`,
        `connector = 'nats', servers = '${url}', stream = '${stream}', subject = 'a', acks = 'none'`,
      ])
        await assert.rejects(
          c.query(`CREATE SINK bad FROM v WITH (${options})`),
          (e: Error & { code?: string }) => e.code === '22023',
        );
    } finally {
      await c.end();
      await server.close();
      await deleteStream(url, stream);
    }
  },
);

withService('nats', 'a step delivered twice is stored once (message-id deduplication)', async (url) => {
  const stream = await createStream(url);
  const relation = {
    schema: [
      { name: 'id', type: T.int4 },
      { name: 'name', type: T.text },
    ],
  } as unknown as RelationEntry;
  const target = new NatsSinkTarget(
    'dedup',
    {
      connector: 'nats',
      servers: [url],
      stream,
      subject: `${stream}.out`,
      duplicateWindowMs: null,
      retryMaxMs: 1000,
    },
    relation,
  );
  try {
    await target.open();
    const delivery = {
      sink: 'dedup',
      step: 7,
      kind: 'changes' as const,
      rows: [
        [1, 'one'],
        [2, 'two'],
      ],
      weights: [1, 2],
    };
    await target.deliver(delivery);
    assert.equal(target.duplicates, 0);
    await target.deliver(delivery);
    assert.equal(target.duplicates, 3);
    const got = await readAll(url, stream);
    assert.deepEqual(
      got.map((m) => [m.id, m.data.row.id]),
      [
        ['dedup:7:0', 1],
        ['dedup:7:1', 2],
        ['dedup:7:2', 2],
      ],
    );
  } finally {
    await target.close();
    await deleteStream(url, stream);
  }
});
