/**
 * @module bench/connectors/nats-suite
 * `npm run bench -- nats [--messages 200000] [--record]`: NATS JetStream ingest against the real
 * nats-server of `npm run services` (EDDY_NATS_URL). One stream is filled with small JSON
 * messages, then read four ways on the same machine in the same run:
 * - JSON.parse of the same payloads (the decode ceiling);
 * - the client's ordered consumer alone (no acks: what the source reads through);
 * - a durable pull consumer acknowledging each message, max_ack_pending 1,000 (an ack-limited
 *   reader, for comparison);
 * - Eddy: `CREATE SOURCE … WITH (connector = 'nats')` and a GROUP BY view over it in the
 *   library (in memory), from the CREATE to the view counting every message.
 * With `--record`, writes its section of BENCHMARKS.md.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Eddy } from '../../src/eddy.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';

export const NATS_USAGE = 'usage: npm run bench -- nats [--messages 200000] [--record] (needs EDDY_NATS_URL)';

export function parseNatsArgs(args: readonly string[]): { messages: number; record: boolean } {
  let messages = 200_000;
  let record = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--messages') messages = Number(args[++i]);
    else if (args[i] === '--record') record = true;
    else throw new Error(NATS_USAGE);
  }
  if (!Number.isInteger(messages) || messages <= 0) throw new Error(NATS_USAGE);
  return { messages, record };
}

interface Result {
  readonly reader: string;
  readonly ms: number;
}

export async function runNatsSuite(options: { messages: number; record: boolean }): Promise<void> {
  const url = process.env.EDDY_NATS_URL;
  if (!url) throw new Error(`EDDY_NATS_URL is not set. ${NATS_USAGE}`);
  const n = options.messages;
  const stream = `eddy_bench_${randomBytes(4).toString('hex')}`;
  const payloads = Array.from({ length: n }, (_, i) =>
    JSON.stringify({ id: i, g: i % 100, amount: (i * 7) % 1000, name: `user${i % 5000}` }),
  );
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  const results: Result[] = [];
  try {
    const js = jetstream(nc);
    const started = performance.now();
    for (let from = 0; from < n; from += 2000)
      await Promise.all(payloads.slice(from, from + 2000).map((p) => js.publish(`${stream}.e`, p)));
    console.log(`published ${n} messages in ${Math.round(performance.now() - started)} ms`);

    let t = performance.now();
    let sum = 0;
    for (const p of payloads) sum += (JSON.parse(p) as { g: number }).g;
    results.push({ reader: 'JSON.parse of the payloads (decode ceiling)', ms: performance.now() - t });
    if (sum < 0) console.log(sum);

    t = performance.now();
    const ordered = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.All });
    await drain(await ordered.consume({ max_messages: 10_000 }), n, false);
    results.push({ reader: 'client: ordered consumer, no acks', ms: performance.now() - t });

    await jsm.consumers.add(stream, {
      durable_name: 'acked',
      ack_policy: AckPolicy.Explicit,
      max_ack_pending: 1000,
    });
    t = performance.now();
    const acked = await js.consumers.get(stream, 'acked');
    await drain(await acked.consume({ max_messages: 1000 }), n, true);
    results.push({
      reader: 'client: durable consumer, ack each, max_ack_pending 1000',
      ms: performance.now() - t,
    });

    const eddy = await Eddy.open();
    try {
      t = performance.now();
      await eddy.execute(
        `CREATE SOURCE s (id bigint NOT NULL, g int, amount int, name text)
           WITH (connector = 'nats', servers = '${url}', stream = '${stream}');
         CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n, sum(amount) AS total FROM s GROUP BY g`,
      );
      for (;;) {
        const counted = (await eddy.query('SELECT coalesce(sum(n), 0)::bigint FROM v')).rows[0]![0];
        if (Number(counted) >= n) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      results.push({ reader: 'Eddy: NATS source → GROUP BY view (in memory)', ms: performance.now() - t });
    } finally {
      await eddy.close();
    }
  } finally {
    await jsm.streams.delete(stream).catch(() => {});
    await nc.close();
  }
  const rows = results.map((r) => [
    r.reader,
    String(Math.round(r.ms)),
    Math.round((n / r.ms) * 1000).toLocaleString('en-US'),
  ]);
  const table = markdownTable(['reader', 'ms', 'messages/s'], 'lrr', rows);
  console.log(table.join('\n'));
  if (options.record) {
    const load = loadavg()[0]!.toFixed(1);
    writeMarkedSection('BENCHMARKS.md', 'bench:nats', [
      '## NATS JetStream ingest',
      '',
      `\`npm run bench -- nats --messages ${n}\`, measured on ${new Date().toISOString().slice(0, 10)} on this machine (${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, load average ${load} when it ended), against nats-server from \`npm run services\`. One stream of ${n.toLocaleString('en-US')} small JSON messages (about ${Math.round(payloads.reduce((a, p) => a + p.length, 0) / n)} bytes), read in the same run by each reader from the first message. The source reads through an ordered consumer: no acknowledgements, so no ack limit (max_ack_pending) caps what is in flight between Eddy's steps; its positions are Eddy's own (docs/connectors.md).`,
      '',
      ...table,
    ]);
  }
}

async function drain(
  messages: AsyncIterable<{ ack(): void }> & { close(): Promise<unknown> },
  n: number,
  ack: boolean,
): Promise<void> {
  let seen = 0;
  for await (const m of messages) {
    if (ack) m.ack();
    if (++seen >= n) break;
  }
  await messages.close();
}
