/**
 * @module bench/serve/writer-child
 * The writer process: inserts `rowsPerSec` rows a second as multi-row INSERTs of `batchRows` rows
 * on a fixed schedule through node-postgres, catching up without sleeping when it falls behind.
 * Prints `progress <rows>` every 100 ms and, after SIGTERM, one `result <json>` line.
 */
import pg from 'pg';
import { EventSource, insertText } from './serve-schema.ts';
import { WRITER_PROGRESS, WRITER_RESULT, type WriterReport, type WriterSpec } from './writer.ts';

const progressIntervalMs = 100;

async function main(spec: WriterSpec): Promise<void> {
  const client = new pg.Client({
    host: spec.host,
    port: spec.port,
    user: spec.user,
    database: spec.database,
  });
  await client.connect();
  const source = new EventSource(spec.firstId, spec.users, spec.seed);
  const query = {
    name: 'writer_insert',
    text: insertText(spec.batchRows),
    values: new Array<number>(3 * spec.batchRows),
  };
  const intervalMs = (1000 * spec.batchRows) / spec.rowsPerSec;
  const latenciesMs: number[] = [];
  let rows = 0;
  let stopping = false;
  process.once('SIGTERM', () => (stopping = true));
  const progress = setInterval(() => process.stdout.write(`${WRITER_PROGRESS}${rows}\n`), progressIntervalMs);
  const start = performance.now();
  let due = start;
  while (!stopping) {
    source.fill(query.values);
    const sent = performance.now();
    await client.query(query);
    latenciesMs.push(performance.now() - sent);
    rows += spec.batchRows;
    due += intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(progress);
  await client.end();
  latenciesMs.sort((a, b) => a - b);
  const at = (q: number) =>
    latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(q * latenciesMs.length))] ?? 0;
  const report: WriterReport = {
    rows,
    seconds,
    insertP50Ms: at(0.5),
    insertP99Ms: at(0.99),
    insertMaxMs: latenciesMs[latenciesMs.length - 1] ?? 0,
  };
  process.stdout.write(`${WRITER_PROGRESS}${rows}\n${WRITER_RESULT}${JSON.stringify(report)}\n`);
}

try {
  await main(JSON.parse(process.argv[2] ?? '{}') as WriterSpec);
} catch (e) {
  process.stderr.write(`writer: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
}
