/**
 * Journey 3 of DESIGN.md, fraud alerts, against the real Kafka, PostgreSQL and NATS of
 * `npm run services` (skipped without them unless EDDY_REQUIRE_SERVICES=1), all in SQL over
 * `eddy serve --data-dir`: card transactions from a two-partition Kafka topic joined with accounts
 * captured from PostgreSQL by CDC; a view flags the accounts whose spend in the last 10 minutes
 * (a temporal filter, `ts > now() - INTERVAL '10 minutes'`) exceeds their limit; the alerts go to a
 * webhook (a real HTTP receiver here, deduplicating on the idempotency key) and to NATS JetStream
 * (message-id deduplication). Limits change upstream, several accounts in one PostgreSQL
 * transaction, which must reach the alerts in one step. Eddy is killed with SIGKILL mid-stream and
 * started again on its data directory; then the alerts the webhook and NATS deduplicated equal
 * the set the test computes from what it produced.
 *
 * `eddy serve` reads the system clock (the controllable clock is the library's), so the
 * transactions carry the wall-clock time they are produced at, which stays inside the 10 minutes
 * for the whole test, and some carry a time an hour back, which the filter must leave out. Rows
 * leaving the window as the clock moves are the temporal-filter tests' (library, manual clock).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Producer } from '@platformatic/kafka';
import { withServices } from '../support/services.ts';
import { createTopic, deleteTopic, eventually } from './kafka-support.ts';
import { createStream, deleteStream } from './nats-support.ts';
import { connectionSql, upstream } from './pg-support.ts';
import { client, kill, Receiver, type Served, startServe } from './sink-support.ts';

const ACCOUNTS = 12;
/** The starting limit of account `id`. */
const limitOf = (id: number) => id * 150;

interface Txn {
  readonly id: number;
  readonly account: number;
  readonly amount: number;
  /** An hour old: outside the 10 minutes. */
  readonly old: boolean;
}

/** `n` transactions from id `first`, spread over the accounts, one in seven an hour old. */
function transactions(first: number, n: number): Txn[] {
  return Array.from({ length: n }, (_, i) => {
    const id = first + i;
    return { id, account: ((id * 5) % ACCOUNTS) + 1, amount: 10 + ((id * 37) % 90), old: id % 7 === 3 };
  });
}

async function send(brokers: string, topic: string, txns: readonly Txn[]): Promise<void> {
  const producer = new Producer({ clientId: 'eddy-journey3', bootstrapBrokers: [brokers] });
  try {
    const now = Date.now();
    const messages = txns.map((t) => ({
      topic,
      partition: t.id % 2,
      value: Buffer.from(
        JSON.stringify({
          id: t.id,
          account: t.account,
          amount: t.amount,
          ts: new Date(t.old ? now - 3_600_000 : now).toISOString(),
        }),
      ),
    }));
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
}

/** The alerts as sorted JSON lines `{account, credit_limit, spent}`, from applying changes in order. */
function apply(changes: readonly { op: string; row: Record<string, unknown> }[]): string[] {
  const rows = new Map<string, number>();
  for (const c of changes) {
    const k = JSON.stringify({
      account: Number(c.row.account),
      credit_limit: Number(c.row.credit_limit),
      spent: Number(c.row.spent),
    });
    rows.set(k, (rows.get(k) ?? 0) + (c.op === 'insert' ? 1 : -1));
  }
  for (const [k, n] of rows) assert.ok(n === 0 || n === 1, `${k} has weight ${n}`);
  return [...rows]
    .filter(([, n]) => n === 1)
    .map(([k]) => k)
    .sort();
}

interface NatsMessage {
  readonly op: string;
  readonly row: Record<string, unknown>;
  readonly id: string;
}

/** Every message the stream stored, in order. */
async function readStream(url: string, stream: string): Promise<NatsMessage[]> {
  const nc = await connect({ servers: url });
  try {
    const count = (await (await jetstreamManager(nc)).streams.info(stream)).state.messages;
    const out: NatsMessage[] = [];
    if (count === 0) return out;
    const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    const messages = await consumer.consume({ max_messages: 1000 });
    const timer = setTimeout(() => void messages.close(), 20_000);
    for await (const m of messages) {
      const data = m.json<{ op: string; row: Record<string, unknown> }>();
      out.push({ ...data, id: m.headers?.get('Nats-Msg-Id') ?? '' });
      if (out.length >= count) break;
    }
    clearTimeout(timer);
    await messages.close();
    return out;
  } finally {
    await nc.close();
  }
}

withServices(
  ['postgres', 'kafka', 'nats'],
  'journey 3: Kafka txns ⋈ PostgreSQL CDC accounts → alerts to a webhook and NATS, exact across kill -9',
  async (url, brokers, natsUrl) => {
    const up = await upstream(url);
    await up.query(`DROP TABLE IF EXISTS f_accounts; DROP PUBLICATION IF EXISTS eddy_f_bank;
    CREATE TABLE f_accounts (id int PRIMARY KEY, holder text NOT NULL, credit_limit int NOT NULL);
    INSERT INTO f_accounts SELECT i, 'holder ' || i, i * 150 FROM generate_series(1, ${ACCOUNTS}) i`);
    const limits = new Map(Array.from({ length: ACCOUNTS }, (_, i) => [i + 1, limitOf(i + 1)]));
    const topic = await createTopic(brokers, 2);
    const stream = await createStream(natsUrl);
    const receiver = await Receiver.start();
    const dir = mkdtempSync(join(tmpdir(), 'eddy-journey3-'));
    const produced: Txn[] = [];
    let served: Served = await startServe(dir);
    let c = await client(served.pgPort);
    const expected = () => {
      const spent = new Map<number, number>();
      for (const t of produced) if (!t.old) spent.set(t.account, (spent.get(t.account) ?? 0) + t.amount);
      return [...spent]
        .filter(([a, s]) => s > limits.get(a)!)
        .map(([account, s]) => JSON.stringify({ account, credit_limit: limits.get(account)!, spent: s }))
        .sort();
    };
    const natsAlerts = async () => apply(await readStream(natsUrl, stream));
    const settled = async () =>
      JSON.stringify(apply(receiver.deduplicated().flatMap((r) => r.body.changes))) ===
        JSON.stringify(expected()) && JSON.stringify(await natsAlerts()) === JSON.stringify(expected());
    const describe = async () =>
      `expected ${JSON.stringify(expected())}\nwebhook ${JSON.stringify(apply(receiver.deduplicated().flatMap((r) => r.body.changes)))}\nnats ${JSON.stringify(await natsAlerts())}\n${JSON.stringify((await c.query('SHOW SINKS').catch(() => ({ rows: [] }))).rows)}`;
    /** The step of the first delivery (deduplicated) in which `account`'s alert `op` happens after `after`. */
    const stepOf = (account: number, op: string, after: number) =>
      receiver
        .deduplicated()
        .find(
          (r) =>
            r.body.step > after &&
            r.body.changes.some((ch) => ch.op === op && Number(ch.row.account) === account),
        )?.body.step;
    try {
      await c.query(connectionSql(url, 'f_db', 'fraud-secret'));
      await c.query(`CREATE SOURCE f_bank FROM POSTGRES CONNECTION f_db FOR TABLES (f_accounts);
      CREATE SOURCE f_txns (id bigint, account int, amount int, ts timestamptz)
        WITH (connector = 'kafka', topic = '${topic}', brokers = '${brokers}', poll_wait_ms = 50)
        FORMAT PLAIN ENCODE JSON;
      CREATE MATERIALIZED VIEW f_alerts AS
        SELECT a.id AS account, a.credit_limit, sum(t.amount) AS spent
        FROM f_txns t JOIN f_accounts a ON a.id = t.account
        WHERE t.ts > now() - INTERVAL '10 minutes'
        GROUP BY a.id, a.credit_limit
        HAVING sum(t.amount) > a.credit_limit;
      CREATE SINK f_alerts_hook FROM f_alerts WITH (connector = 'webhook', url = '${receiver.url}', retry_max_ms = 500);
      CREATE SINK f_alerts_nats FROM f_alerts
        WITH (connector = 'nats', servers = '${natsUrl}', stream = '${stream}', subject = '${stream}.alerts',
              duplicate_window_ms = 600000)`);

      // Batch 1: some accounts go over their limits.
      let batch = transactions(0, 120);
      produced.push(...batch);
      await send(brokers, topic, batch);
      await eventually(settled, 60_000, describe);
      const alerting = expected().map((a) => JSON.parse(a).account as number);
      assert.ok(alerting.length >= 3, `only ${alerting.length} alerts: ${expected()}`);

      // One upstream transaction raises two alerting accounts' limits: both alerts go in one step.
      const [raisedA, raisedB] = alerting as [number, number];
      const before = receiver.deduplicated().at(-1)!.body.step;
      await up.query(`BEGIN;
      UPDATE f_accounts SET credit_limit = credit_limit + 1000000 WHERE id = ${raisedA};
      UPDATE f_accounts SET credit_limit = credit_limit + 1000000 WHERE id = ${raisedB};
      COMMIT`);
      limits.set(raisedA, limits.get(raisedA)! + 1_000_000);
      limits.set(raisedB, limits.get(raisedB)! + 1_000_000);
      await eventually(settled, 60_000, describe);
      assert.ok(stepOf(raisedA, 'delete', before) !== undefined);
      assert.equal(stepOf(raisedA, 'delete', before), stepOf(raisedB, 'delete', before));

      // Batch 2: the receiver kills Eddy with SIGKILL on the first delivery of it, after recording
      // it and before answering, so Eddy never learns the step was delivered and sends it again.
      const crashed = served;
      receiver.beforeAnswer = async () => {
        receiver.beforeAnswer = null;
        await kill(crashed.child);
      };
      batch = transactions(1000, 150);
      produced.push(...batch);
      await send(brokers, topic, batch);
      await eventually(
        async () => crashed.child.signalCode !== null,
        60_000,
        async () => `${receiver.requests.length} deliveries, Eddy still running`,
      );
      await c.end().catch(() => {});
      const beforeDown = Math.max(...receiver.requests.map((r) => r.body.step));

      // While Eddy is down: two quiet accounts' limits drop to 1 in one transaction; more spend.
      const quiet = [...limits.keys()].filter(
        (a) => a !== raisedA && a !== raisedB && !expected().some((e) => JSON.parse(e).account === a),
      );
      const [loweredA, loweredB] = quiet as [number, number];
      assert.ok(loweredA !== undefined && loweredB !== undefined, 'two quiet accounts');
      await up.query(`BEGIN;
      UPDATE f_accounts SET credit_limit = 1, holder = holder || ' (watched)' WHERE id IN (${loweredA}, ${loweredB});
      COMMIT`);
      limits.set(loweredA, 1);
      limits.set(loweredB, 1);
      // From here on no spend on the lowered accounts: their alerts come from the limits alone.
      const others = (txns: Txn[]) => txns.filter((t) => t.account !== loweredA && t.account !== loweredB);
      batch = others(transactions(2000, 150));
      produced.push(...batch);
      await send(brokers, topic, batch);

      served = await startServe(dir);
      c = await client(served.pgPort);
      batch = others(transactions(3000, 100));
      produced.push(...batch);
      await send(brokers, topic, batch);
      await eventually(settled, 60_000, describe);
      const lag = async () =>
        JSON.stringify(
          (await c.query('SELECT sink, state, lag FROM pg_catalog.eddy_sinks ORDER BY sink')).rows,
        );
      await eventually(
        async () =>
          (await lag()) ===
          '[{"sink":"f_alerts_hook","state":"running","lag":"0"},{"sink":"f_alerts_nats","state":"running","lag":"0"}]',
        60_000,
        lag,
      );

      // Exactly the expected alerts, after deduplication, at both receivers, and in the view.
      const want = expected();
      assert.deepEqual(apply(receiver.deduplicated().flatMap((r) => r.body.changes)), want);
      const stored = await readStream(natsUrl, stream);
      assert.deepEqual(apply(stored), want);
      assert.equal(new Set(stored.map((m) => m.id)).size, stored.length, 'NATS stored each message id once');
      const view = (await c.query('SELECT account, credit_limit, spent FROM f_alerts')).rows
        .map((r) =>
          JSON.stringify({
            account: Number(r.account),
            credit_limit: Number(r.credit_limit),
            spent: Number(r.spent),
          }),
        )
        .sort();
      assert.deepEqual(view, want);
      // The step cut off by the kill came again, and the deduplication dropped it.
      assert.ok(receiver.requests.length > receiver.deduplicated().length, 'a step was delivered twice');
      // The deduplicated deliveries are one per step, in step order, with no step after the
      // restart missing (each step's key once; steps increase).
      const steps = receiver.deduplicated().map((r) => r.body.step);
      assert.deepEqual(
        steps,
        [...steps].sort((a, b) => a - b),
      );
      // The lowered limits landed together, after the restart: both alerts appear in one step.
      const lowered = stepOf(loweredA, 'insert', -1);
      assert.ok(
        lowered !== undefined && lowered > beforeDown,
        `the lowered accounts alert after the restart (${lowered})`,
      );
      assert.equal(stepOf(loweredB, 'insert', -1), lowered);
      assert.ok(!served.stderr.join('').includes('fraud-secret'));
    } finally {
      await c.end().catch(() => {});
      await kill(served.child);
      rmSync(dir, { recursive: true, force: true });
      await receiver.close();
      await deleteTopic(brokers, topic).catch(() => {});
      await deleteStream(natsUrl, stream).catch(() => {});
      await up
        .query(
          "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'eddy_f_bank' AND NOT active",
        )
        .catch(() => {});
      await up.end();
    }
  },
);
