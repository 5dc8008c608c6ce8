/**
 * @module bench/connectors/kafka-suite
 * `npm run bench -- kafka [--events 1M] [--partitions 4] [--spike] [--budget 512MB] [--record]`:
 * Kafka JSON ingest against the real broker of `npm run services` (EDDY_KAFKA_BROKERS). A topic is
 * pre-filled with small JSON events, then read, in the same run on the same machine, by:
 * - JSON.parse over the same records (the decode ceiling), from strings and from the bytes;
 * - a plain `@platformatic/kafka` consumer counting the records (the transport ceiling);
 * - Eddy: a Kafka source and a GROUP BY view over it, from CREATE to the view counting every
 *   event; the view is then compared with the counts the producer made (exact or the run fails).
 * `--spike` (the "flash flood", 10 M events by default) runs only Eddy, on a data directory under
 * `--budget`, sampling RssAnon and the source's lag every 100 ms: the peak RssAnon must stay
 * under the budget, the lag must fall to 0 and the view must be exact.
 */

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { budgetedProcess } from '../../src/runtime/memory-budget.ts';
import { markdownTable, writeMarkedSection } from '../markdown-table.ts';
import { eventJson } from './kafka-events.ts';

export const KAFKA_USAGE = `usage: npm run bench -- kafka [--events 1M] [--partitions 4] [--spike] [--budget 512MB] [--record]
Needs EDDY_KAFKA_BROKERS (npm run services -- up; eval its env). --spike defaults to 10M events.`;

export interface KafkaBenchOptions {
  readonly events: number;
  readonly partitions: number;
  readonly spike: boolean;
  readonly budget: string;
  readonly record: boolean;
}

export function parseKafkaArgs(args: readonly string[]): KafkaBenchOptions {
  let events: number | undefined;
  let partitions = 4;
  let spike = false;
  let budget = '512MB';
  let record = false;
  for (let i = 0; i < args.length; i++) {
    const flag = args[i];
    if (flag === '--events') events = size(args[++i]);
    else if (flag === '--partitions') partitions = size(args[++i]);
    else if (flag === '--spike') spike = true;
    else if (flag === '--budget') budget = args[++i] ?? '';
    else if (flag === '--record') record = true;
    else throw new Error(`unknown option ${flag}\n${KAFKA_USAGE}`);
  }
  return { events: events ?? (spike ? 10_000_000 : 1_000_000), partitions, spike, budget, record };
}

function size(v: string | undefined): number {
  const m = /^(\d+)([kM]?)$/.exec(v ?? '');
  if (!m || Number(m[1]) === 0) throw new Error(`not a size: ${v}\n${KAFKA_USAGE}`);
  return Number(m[1]) * (m[2] === 'k' ? 1000 : m[2] === 'M' ? 1_000_000 : 1);
}

/** Fills `topic` with events 0..n-1, round-robin over its partitions; answers the bytes sent. */
export async function fillTopic(
  brokers: string,
  topic: string,
  partitions: number,
  n: number,
): Promise<number> {
  const producer = new Producer({ clientId: 'eddy-bench-producer', bootstrapBrokers: [brokers], acks: 1 });
  let bytes = 0;
  try {
    const batch = 20_000;
    const inFlight: Promise<unknown>[] = [];
    for (let from = 0; from < n; from += batch) {
      const messages = [];
      for (let i = from; i < Math.min(n, from + batch); i++) {
        const value = Buffer.from(eventJson(i));
        bytes += value.length;
        messages.push({ topic, partition: i % partitions, value });
      }
      inFlight.push(producer.send({ messages }));
      if (inFlight.length >= 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  } finally {
    await producer.close();
  }
  return bytes;
}

export interface Row {
  readonly reader: string;
  readonly wallMs: number;
  readonly cpuMs: number | null;
  readonly note?: string;
}

export async function runKafkaSuite(options: KafkaBenchOptions, command: string): Promise<void> {
  const brokers = process.env.EDDY_KAFKA_BROKERS;
  if (!brokers) throw new Error(`EDDY_KAFKA_BROKERS is not set. ${KAFKA_USAGE}`);
  const n = options.events;
  const topic = `eddy-bench-${randomBytes(4).toString('hex')}`;
  const admin = new Admin({ clientId: 'eddy-bench-admin', bootstrapBrokers: [brokers] });
  await admin.createTopics({ topics: [topic], partitions: options.partitions, replicas: 1 });
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    const t = performance.now();
    const bytes = await fillTopic(brokers, topic, options.partitions, n);
    const fillMs = performance.now() - t;
    console.log(`produced ${n} events (${Math.round(bytes / 1e6)} MB) in ${Math.round(fillMs)} ms`);
    if (!options.spike) {
      rows.push(...decodeCeiling(Math.min(n, 1_000_000)));
      rows.push(await plainConsumer(brokers, topic, n));
    }
    const eddy = eddyInChild(brokers, topic, n, options);
    rows.push(eddy.row);
    notes.push(...eddy.notes);
  } finally {
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.close();
  }
  const table = markdownTable(
    ['reader', 'events', 'wall s', 'events/s', 'CPU s', 'events per CPU s'],
    'lrrrrr',
    rows.map((r) => {
      const events = r.reader.startsWith('JSON.parse') ? Math.min(n, 1_000_000) : n;
      return [
        r.reader,
        events.toLocaleString('en-US'),
        (r.wallMs / 1000).toFixed(2),
        Math.round((events / r.wallMs) * 1000).toLocaleString('en-US'),
        r.cpuMs === null ? '' : (r.cpuMs / 1000).toFixed(2),
        r.cpuMs === null ? '' : Math.round((events / r.cpuMs) * 1000).toLocaleString('en-US'),
      ];
    }),
  );
  const load = loadavg().map((l) => l.toFixed(1));
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node.js ${process.version}, load average ${load.join(' / ')} (1/5/15 min) at the end`;
  console.log([...table, '', ...notes, '', machine].join('\n'));
  if (options.record) {
    const marker = options.spike ? 'bench:kafka-spike' : 'bench:kafka';
    writeMarkedSection('BENCHMARKS.md', marker, [
      options.spike ? '## Kafka spike (flash flood)' : '## Kafka JSON ingest',
      '',
      `\`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; Kafka from \`npm run services\` on the same machine. ${n.toLocaleString('en-US')} JSON events of about ${Math.round(bytes(n) / n)} bytes over ${options.partitions} partitions, produced before any reader starts. Eddy: \`CREATE SOURCE … WITH (connector = 'kafka')\` and \`SELECT g, count(*), sum(amount) FROM s GROUP BY g\` (100 groups), timed from the CREATE to the view counting every event, then checked against the producer's counts. Eddy runs in a child process of its own; its CPU s is that process's user + system time over the interval, loading the Kafka client included (it loads with the first Kafka source, about 0.6–1 CPU s); the broker's own CPU is not counted.`,
      '',
      ...table,
      '',
      ...notes.map((l) => `- ${l}`),
    ]);
  }
}

function bytes(n: number): number {
  let total = 0;
  const step = Math.max(1, Math.floor(n / 1000));
  for (let i = 0; i < n; i += step) total += eventJson(i).length * step;
  return total;
}

/** JSON.parse over the same records: from strings, and from their UTF-8 bytes. */
function decodeCeiling(n: number): Row[] {
  const strings = Array.from({ length: n }, (_, i) => eventJson(i));
  const buffers = strings.map((s) => Buffer.from(s));
  let sum = 0;
  const time = (reader: string, f: () => void): Row => {
    const cpu = process.cpuUsage();
    const t = performance.now();
    f();
    const used = process.cpuUsage(cpu);
    return { reader, wallMs: performance.now() - t, cpuMs: (used.user + used.system) / 1000 };
  };
  const fromStrings = time('JSON.parse of the records as strings (decode ceiling)', () => {
    for (const s of strings) sum += (JSON.parse(s) as { g: number }).g;
  });
  const fromBytes = time('JSON.parse of the records from bytes (utf-8 decode + parse)', () => {
    for (const b of buffers) sum += (JSON.parse(b.toString('utf8')) as { g: number }).g;
  });
  if (sum < 0) console.log(sum);
  return [fromStrings, fromBytes];
}

/** A plain consumer of the same client library: every record from the earliest, counted. */
async function plainConsumer(brokers: string, topic: string, n: number): Promise<Row> {
  const consumer = new Consumer({
    clientId: 'eddy-bench-plain',
    groupId: `eddy-bench-plain-${randomBytes(4).toString('hex')}`,
    bootstrapBrokers: [brokers],
    maxBytes: 16 << 20,
    maxWaitTime: 200,
    autocommit: false,
  });
  // Timed from its first record: joining the group waits out Kafka's initial rebalance delay (3 s).
  let cpu = process.cpuUsage();
  let t = 0;
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest' });
    let seen = 0;
    let bytes = 0;
    for await (const message of stream) {
      if (seen === 0) {
        cpu = process.cpuUsage();
        t = performance.now();
      }
      bytes += (message.value as Buffer | undefined)?.length ?? 0;
      if (++seen >= n) break;
    }
    const used = process.cpuUsage(cpu);
    const wallMs = performance.now() - t;
    await stream.close();
    if (bytes === 0) throw new Error('the plain consumer read no bytes');
    return {
      reader: 'plain @platformatic/kafka consumer (transport ceiling), from its first record',
      wallMs,
      cpuMs: (used.user + used.system) / 1000,
    };
  } finally {
    await consumer.close(true);
  }
}

const child = fileURLToPath(new URL('./kafka-child.ts', import.meta.url));

/**
 * Eddy's case in a process of its own (bench/connectors/kafka-child.ts), so that its RssAnon and
 * CPU time hold no producer's or other reader's garbage; under `--spike` with the budgeted
 * process's flags, as `./eddy --memory-budget` runs.
 */
function eddyInChild(
  brokers: string,
  topic: string,
  n: number,
  options: KafkaBenchOptions,
): { row: Row; notes: string[] } {
  const flags = options.spike ? budgetedProcess.nodeFlags : [];
  const out = spawnSync(
    process.execPath,
    [...flags, child, brokers, topic, String(n), options.spike ? options.budget : ''],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: { ...process.env, ...(options.spike ? budgetedProcess.env : {}) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  if (out.status !== 0) throw new Error(`the Eddy case failed (exit ${out.status})`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as { row: Row; notes: string[] };
}
