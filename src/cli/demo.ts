/**
 * @module cli/demo
 * The quick-start demo (`npm start`): an embedded database with an `orders` table and two
 * materialized views, fed a deterministic stream of inserts, updates and deletes, one
 * transaction per step. Every view change is printed as it happens, and the views as tables.
 */
import { Eddy } from '../eddy.ts';
import { formatText } from '../functions/text-io.ts';
import { parseCount } from './command-line.ts';
import type { demoCommand, ParsedCommandLine } from './commands.ts';
import { formatResult } from './table-format.ts';

const setup = `
CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer text NOT NULL,
  region text NOT NULL,
  amount numeric(10,2) NOT NULL,
  status text NOT NULL DEFAULT 'open'
);
CREATE MATERIALIZED VIEW revenue_by_region AS
  SELECT region, count(*) AS orders, sum(amount) AS revenue, max(amount) AS largest
  FROM orders WHERE status <> 'cancelled' GROUP BY region;
CREATE MATERIALIZED VIEW top_customers AS
  SELECT customer, sum(amount) AS spent FROM orders WHERE status <> 'cancelled'
  GROUP BY customer ORDER BY spent DESC, customer LIMIT 3;
`;

const regions = ['north', 'south', 'east', 'west'];
const customers = ['ada', 'grace', 'alan', 'edsger', 'barbara', 'ken', 'dennis', 'margaret'];

/** A tiny deterministic generator, so every run of the demo tells the same story. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The demo's views: each one's changes are printed as they happen, and its rows every few steps. */
const views = ['revenue_by_region', 'top_customers'] as const;

export async function runDemo({ values }: ParsedCommandLine<typeof demoCommand>): Promise<number> {
  const steps = parseCount('--steps', values.steps ?? '12', 1);
  const intervalMs = parseCount('--interval-ms', values['interval-ms'] ?? '400', 0);
  const db = await Eddy.open();
  const out = (s: string): void => {
    process.stdout.write(`${s}\n`);
  };
  out('Eddy demo: a table, two incrementally maintained views, a stream of changes.');
  await db.execute(setup);
  out(setup.trim());
  for (const view of views) {
    db.subscribe(view, (change) => {
      for (const { row, weight } of change.changes) {
        out(
          `  step ${change.step} ${view} ${weight > 0 ? '+' : '-'} ${row.map((v, i) => (v === null ? 'NULL' : formatText(v, change.columns[i]!.type))).join(' | ')}`,
        );
      }
    });
  }
  const random = lcg(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let nextId = 1;
  const open: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const statements: string[] = [];
    const inserts = 2 + Math.floor(random() * 3);
    for (let i = 0; i < inserts; i++) {
      const amount = (5 + random() * 195).toFixed(2);
      statements.push(
        `INSERT INTO orders (id, customer, region, amount) VALUES (${nextId}, '${pick(customers)}', '${pick(regions)}', ${amount});`,
      );
      open.push(nextId++);
    }
    if (open.length > 4 && random() < 0.6) {
      const id = open.splice(Math.floor(random() * open.length), 1)[0]!;
      statements.push(`UPDATE orders SET status = 'cancelled' WHERE id = ${id};`);
    }
    if (open.length > 6 && random() < 0.4) {
      const id = open.splice(Math.floor(random() * open.length), 1)[0]!;
      statements.push(`DELETE FROM orders WHERE id = ${id};`);
    }
    out(`\n-- transaction ${step}: ${statements.length} statements (${inserts} inserts)`);
    await db.execute(`BEGIN; ${statements.join(' ')} COMMIT;`);
    if (step % 4 === 0 || step === steps) {
      for (const view of views) {
        const query = `SELECT * FROM ${view} ORDER BY 2 DESC, 1`;
        out(`\n${query};`);
        const [result] = await db.execute(query);
        out(formatResult(result!));
      }
    }
    if (intervalMs > 0) await new Promise((r) => setTimeout(r, intervalMs));
  }
  await db.close();
  out(
    '\nDone. Try `./eddy sql` for a SQL shell (`npx eddy sql` in an app that installed eddydb), or see the README for the library API.',
  );
  return 0;
}
