/**
 * @module bench/adhoc/beside-pauses
 * What a long ad-hoc query costs everyone else on the event loop, measured in-process as the
 * longest gap a 1 ms ticker sees while it runs (every pause, whatever its cause: an unsliced
 * copy, a fold, a garbage collection), and the server's heap while a big result streams:
 *   sh scripts/node.sh bench/adhoc/beside-pauses.ts [checkout root, default this one]
 *      [--rows N] [--window-rows W] [--stream-rows S]
 * Shapes: `count(*)` over a table of N rows (default 5 M; the snapshot it reads), a running sum
 * over W rows (default 1 M; the window fold, quadratic before, so give a checkout of main a small
 * W), and `SELECT *` of S generated rows (default 20 M) over the wire, read by a client that keeps nothing
 * (the heap's peak over its start). Pointing it at another checkout (an export of main) compares
 * before and after.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const tableRows = option('--rows', 5_000_000);
const windowRows = option('--window-rows', 1_000_000);
const streamRows = option('--stream-rows', 20_000_000);
const root =
  args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--')) ??
  fileURLToPath(new URL('../../', import.meta.url));
const { Database } = (await import(
  `${root}/src/runtime/database.ts`
)) as typeof import('../../src/runtime/database.ts');
const { createDataflowMaintainer } = (await import(
  `${root}/src/runtime/dataflow-maintainer.ts`
)) as typeof import('../../src/runtime/dataflow-maintainer.ts');
const { startPgServer } = (await import(
  `${root}/src/server/pgwire/index.ts`
)) as typeof import('../../src/server/pgwire/index.ts');
const { loadParser } = (await import(
  `${root}/src/sql/front/index.ts`
)) as typeof import('../../src/sql/front/index.ts');

await loadParser();
const db = new Database(createDataflowMaintainer);
const server = await startPgServer({ host: '127.0.0.1', port: 0, db });
const port = server.address().port;
const client = new pg.Client({ host: '127.0.0.1', port, user: 'eddy', database: 'eddy' });
await client.connect();

/** Runs `sql` (its rows counted, never kept) while a 1 ms ticker records the event loop's gaps. */
async function measure(
  sql: string,
): Promise<{ ms: number; maxGapMs: number; rows: number; heapPeakMb: number; outcome: string }> {
  const heapStart = process.memoryUsage().heapUsed;
  let heapPeak = heapStart;
  let last = performance.now();
  let maxGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  }, 1);
  const start = performance.now();
  let rows = 0;
  const query = new pg.Query(sql);
  query.on('row', () => {
    rows++;
  });
  const outcome = await new Promise<string>((resolve) => {
    query.on('end', () => resolve('answered'));
    query.on('error', (e: Error & { code?: string }) => resolve(e.code ?? 'error'));
    client.query(query);
  });
  const ms = performance.now() - start;
  clearInterval(ticker);
  return { ms, maxGapMs: maxGap, rows, heapPeakMb: (heapPeak - heapStart) / 2 ** 20, outcome };
}

await client.query('CREATE TABLE big (id integer, v integer)');
for (let from = 1; from <= tableRows; from += 1_000_000) {
  const to = Math.min(tableRows, from + 999_999);
  await client.query(`INSERT INTO big SELECT g, g % 1000 FROM generate_series(${from}, ${to}) g`);
}
const shapes = [
  `SELECT count(*) FROM big`,
  `SELECT max(s) FROM (SELECT sum(g) OVER (ORDER BY g) AS s FROM generate_series(1, ${windowRows}) g) x`,
  `SELECT * FROM generate_series(1, ${streamRows})`,
];
console.log(`checkout ${root}; table of ${tableRows} rows`);
for (const sql of shapes) {
  const r = await measure(sql);
  console.log(
    `${sql}: ${r.outcome} in ${r.ms.toFixed(0)} ms, ${r.rows} rows; longest event-loop gap ${r.maxGapMs.toFixed(1)} ms; heap peak +${r.heapPeakMb.toFixed(0)} MB`,
  );
}
await client.end();
await server.close();
