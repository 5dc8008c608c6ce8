/**
 * @module bench/adhoc/adhoc-eval
 * CPU time of the one-shot evaluator on a few ad-hoc query shapes (scan + filter, group by,
 * sort, equi-join, count over generate_series), through the library, median of 5 runs each:
 *   sh scripts/node.sh bench/adhoc/adhoc-eval.ts [checkout root, default this one]
 * Pointing it at another checkout (e.g. an export of main) compares before and after.
 */
import { fileURLToPath } from 'node:url';

const root = process.argv[2] ?? fileURLToPath(new URL('../../', import.meta.url));
const { Eddy } = (await import(`${root}/src/index.ts`)) as typeof import('../../src/index.ts');

const rows = 200_000;
const joinRows = 2_000;
const queries: Record<string, string> = {
  'scan + filter': 'SELECT count(*) FROM t WHERE v % 7 = 3',
  'group by': 'SELECT g, sum(v) FROM t GROUP BY g',
  'order by + limit': 'SELECT id FROM t ORDER BY v DESC, id LIMIT 10',
  'equi-join 2k × 2k': 'SELECT count(*) FROM j1 JOIN j2 ON j1.k = j2.k',
  'generate_series 1M': 'SELECT count(*) FROM generate_series(1, 1000000)',
};

const db = await Eddy.open();
await db.execute('CREATE TABLE t (id integer PRIMARY KEY, g integer, v integer)');
await db.execute(`INSERT INTO t SELECT i, i % 100, (i * 7919) % 10007 FROM generate_series(1, ${rows}) i`);
for (const name of ['j1', 'j2']) {
  await db.execute(`CREATE TABLE ${name} (id integer PRIMARY KEY, k integer)`);
  await db.execute(`INSERT INTO ${name} SELECT i, i % 500 FROM generate_series(1, ${joinRows}) i`);
}
for (const [name, sql] of Object.entries(queries)) {
  const cpuMs: number[] = [];
  for (let run = 0; run < 5; run++) {
    const before = process.cpuUsage();
    await db.query(sql);
    const used = process.cpuUsage(before);
    cpuMs.push((used.user + used.system) / 1000);
  }
  cpuMs.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(20)} median CPU ${cpuMs[2]!.toFixed(0).padStart(6)} ms (min ${cpuMs[0]!.toFixed(0)})`,
  );
}
await db.close();
