/**
 * @module scripts/screenshots
 * `npm run screenshots`: pictures of each console page for docs/console/ (linked from the
 * README). Starts a real `eddy serve`, creates a small pipeline (orders by region and by minute),
 * keeps writing to it over the PostgreSQL protocol, and photographs each page in Chromium.
 * Not part of the tests, which leave the tree as they found it.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureConsoleBuilt, launchChromium, repoRoot, startEddy } from '../test/console/console-harness.ts';

const outDir = join(repoRoot, 'docs/console');
const regions = ['north', 'south', 'east', 'west', 'central'];

ensureConsoleBuilt();
mkdirSync(outDir, { recursive: true });
const eddy = await startEddy();
const browser = await launchChromium();
try {
  const db = await eddy.client();
  await db.query(
    'CREATE TABLE orders (id int PRIMARY KEY, region text NOT NULL, amount numeric(10,2), at timestamp)',
  );
  await db.query(
    'CREATE MATERIALIZED VIEW revenue_by_region AS SELECT region, sum(amount) AS revenue, count(*) AS orders FROM orders GROUP BY region',
  );
  await db.query(
    "CREATE MATERIALIZED VIEW revenue_per_minute AS SELECT date_trunc('minute', at) AS minute, sum(amount) AS revenue FROM orders GROUP BY 1",
  );
  await db.query(
    'CREATE MATERIALIZED VIEW top_orders AS SELECT o.id, o.region, o.amount FROM orders o WHERE o.amount > 90',
  );
  let id = 0;
  const start = Date.UTC(2026, 0, 1, 9, 0, 0);
  const write = async (n: number) => {
    const values: string[] = [];
    for (let i = 0; i < n; i++) {
      id++;
      const at = new Date(start + id * 9_000).toISOString().replace('T', ' ').slice(0, 19);
      values.push(`(${id}, '${regions[id % regions.length]}', ${((id * 37) % 100) + 0.5}, '${at}')`);
    }
    await db.query(`INSERT INTO orders VALUES ${values.join(', ')}`);
  };
  await write(120);
  const writer = setInterval(() => void write(3).catch(() => {}), 250);
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const shoot = async (hash: string, name: string, ready: (p: Page) => Promise<unknown>, height = 800) => {
    await page.setViewportSize({ width: 1280, height });
    await page.goto(`${eddy.base}/#${hash}`);
    await ready(page);
    await page.waitForTimeout(3500);
    await page.screenshot({ path: join(outDir, `${name}.png`) });
    process.stdout.write(`wrote docs/console/${name}.png\n`);
  };
  await shoot('/', 'overview', (p) => p.locator('.figure-step').waitFor());
  await shoot('/object/revenue_by_region/live', 'live-view', (p) => p.locator('figure.chart').waitFor());
  await shoot('/object/revenue_per_minute/live', 'live-chart', (p) => p.locator('figure.chart').waitFor());
  // Taller: the graph, the operator table (state entries and bytes) and the plan opened.
  await shoot(
    '/object/revenue_by_region/dataflow',
    'dataflow',
    async (p) => {
      await p.locator('svg.graph').waitFor();
      await p.getByText('Plan (EXPLAIN)').click();
      await p.locator('details.explain pre').waitFor();
    },
    1040,
  );
  await shoot('/object/orders/detail', 'object-detail', (p) => p.locator('.row-count').waitFor());
  clearInterval(writer);
  await shoot('/sql', 'sql-editor', async (p) => {
    const editor = p.getByRole('textbox', { name: 'SQL' });
    await editor.fill('SELECT region, revenue, orders\nFROM revenue_by_region\nORDER BY revenue DESC;');
    await editor.press('Control+Enter');
    await p.locator('.result table').waitFor();
  });
} finally {
  await browser.close();
  await eddy.stop();
}
