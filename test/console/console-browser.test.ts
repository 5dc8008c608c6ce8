/**
 * @module test/console/console-browser
 * The console in a real browser (headless Chromium via playwright-core) against a real
 * `eddy serve`, writes made over the PostgreSQL protocol (`pg`): SQL run from the editor, an
 * error's SQLSTATE and position marked, name completion, a live view receiving a row and its
 * chart moving, a reload that resumes without a gap, the dataflow counters and state bytes moving,
 * the overview, and on every page axe-core's check (no critical violations) and a keyboard walk
 * that reaches every control. The page must log no error (a CSP violation included).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  axeViolations,
  browserSkipReason,
  collectPageErrors,
  type EddyProcess,
  ensureConsoleBuilt,
  type PageDocument,
  startEddyAndChromium,
  unreachableByKeyboard,
} from './console-harness.ts';

declare const document: PageDocument;

/** Generous bound on waiting for something the server pushes or the page polls. */
const waitMs = 20_000;
const skip = browserSkipReason();

describe('console in Chromium', { skip }, () => {
  let eddy: EddyProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  before(async () => {
    ensureConsoleBuilt();
    [eddy, browser] = await startEddyAndChromium();
    const db = await eddy.client();
    await db.query(`CREATE TABLE orders (id int PRIMARY KEY, region text, amount int, at timestamp)`);
    await db.query(
      `CREATE MATERIALIZED VIEW by_region AS SELECT region, sum(amount) AS total, count(*) AS n FROM orders GROUP BY region`,
    );
    await db.query(
      `CREATE MATERIALIZED VIEW per_minute AS SELECT date_trunc('minute', at) AS minute, sum(amount) AS total FROM orders GROUP BY 1`,
    );
    await db.query(
      `INSERT INTO orders VALUES (1, 'north', 10, '2026-01-01 10:00:00'), (2, 'south', 5, '2026-01-01 10:01:00')`,
    );
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    errors = collectPageErrors(page);
  });

  after(async () => {
    await browser?.close();
    await eddy?.stop();
  });

  async function checkAccessible(name: string): Promise<void> {
    const violations = await axeViolations(page);
    const critical = violations.filter((v) => v.impact === 'critical');
    assert.deepEqual(critical, [], `${name}: critical accessibility violations`);
    assert.deepEqual(await unreachableByKeyboard(page), [], `${name}: controls Tab never reaches`);
  }

  test('the SQL editor runs a statement (Ctrl+Enter) and shows its rows', async () => {
    await page.goto(`${eddy.base}/#/sql`);
    const editor = page.getByRole('textbox', { name: 'SQL' });
    await editor.fill('SELECT region, total FROM by_region ORDER BY region');
    await editor.press('Control+Enter');
    const table = page.locator('.result table');
    await table.getByRole('cell', { name: 'north' }).waitFor({ timeout: waitMs });
    assert.equal(await table.locator('tbody tr').count(), 2);
    await checkAccessible('SQL editor');
  });

  test('an error shows its SQLSTATE and marks its position in the editor', async () => {
    const editor = page.getByRole('textbox', { name: 'SQL' });
    await editor.fill('SELECT * FROM nosuch_table');
    await page.getByRole('button', { name: 'Run' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: waitMs });
    assert.equal(await alert.locator('.sqlstate').textContent(), '42P01');
    assert.match((await alert.textContent()) ?? '', /at character 15/);
    assert.equal(await page.locator('.editor .error-mark').textContent(), 'nosuch_table');
    // The browser logs the failed request itself; nothing else may have been logged.
    assert.ok(errors.length > 0 && errors.every((e) => /\/sql$| 404 /.test(e)), errors.join('\n'));
    errors.length = 0;
  });

  test('completion offers catalog names and Tab takes one; history keeps what ran', async () => {
    const editor = page.getByRole('textbox', { name: 'SQL' });
    await editor.fill('');
    // Focus leaving the editor and coming straight back (a keyboard walk does this) must not
    // close the list offered after the return, however long the user takes to press Tab.
    await page.evaluate(() => {
      const area = document.querySelector('textarea')!;
      area.blur();
      area.focus();
    });
    await editor.pressSequentially('SELECT * FROM by_r');
    const offered = page.getByRole('list', { name: 'Completions' });
    await offered.getByRole('button', { name: 'by_region' }).waitFor({ timeout: waitMs });
    await page.waitForTimeout(300);
    await editor.press('Tab');
    assert.equal(await editor.inputValue(), 'SELECT * FROM by_region');
    await page.locator('summary', { hasText: 'History' }).click();
    const history = await page.locator('.history li').allTextContents();
    assert.ok(history.includes('SELECT * FROM nosuch_table'), JSON.stringify(history));
  });

  test('the live view shows a row after an INSERT over the PostgreSQL protocol, and its bar chart moves', async () => {
    await page.goto(`${eddy.base}/#/object/by_region/live`);
    const rows = page.locator('table.live-rows tbody tr');
    await rows.filter({ hasText: 'north' }).waitFor({ timeout: waitMs });
    const chart = page.locator('figure.chart');
    assert.equal(await chart.getAttribute('data-points'), '2');
    const db = await eddy.client();
    await db.query(`INSERT INTO orders VALUES (3, 'west', 7, '2026-01-01 10:02:00')`);
    const west = rows.filter({ hasText: 'west' });
    await west.waitFor({ timeout: waitMs });
    assert.equal(await west.getAttribute('class'), 'inserted');
    await page.waitForFunction(
      () => document.querySelector('figure.chart')?.getAttribute('data-points') === '3',
      null,
      {
        timeout: waitMs,
      },
    );
    await checkAccessible('live view');
  });

  test('a line chart over a time column updates live', async () => {
    await page.goto(`${eddy.base}/#/object/per_minute/live`);
    const chart = page.locator('figure.chart');
    await page.waitForFunction(
      () => document.querySelector('figure.chart')?.getAttribute('data-points') === '3',
      null,
      {
        timeout: waitMs,
      },
    );
    assert.match((await chart.locator('figcaption').textContent()) ?? '', /total over minute/);
    const db = await eddy.client();
    await db.query(`INSERT INTO orders VALUES (4, 'east', 3, '2026-01-01 10:03:30')`);
    await page.waitForFunction(
      () => document.querySelector('figure.chart')?.getAttribute('data-points') === '4',
      null,
      {
        timeout: waitMs,
      },
    );
    assert.ok((await chart.locator('polyline').getAttribute('points'))!.split(' ').length === 4);
  });

  test('a reload resumes the subscription after the last step seen: writes made meanwhile all arrive', async () => {
    await page.goto(`${eddy.base}/#/object/by_region/live`);
    await page.locator('table.live-rows tbody tr', { hasText: 'west' }).waitFor({ timeout: waitMs });
    const seen = Number(await page.locator('.live-step').getAttribute('data-step'));
    assert.ok(seen > 0);
    const db = await eddy.client();
    // The reloaded page's subscription is held back until two more steps have committed.
    await page.route('**/subscribe/**', async (route) => {
      await db.query(`INSERT INTO orders VALUES (5, 'west', 1, '2026-01-01 10:04:00')`);
      await db.query(`INSERT INTO orders VALUES (6, 'up', 2, '2026-01-01 10:05:00')`);
      await route.continue();
    });
    await page.reload();
    await page.locator(`.step-log li[data-step="${seen + 2}"]`).waitFor({ timeout: waitMs });
    await page.unroute('**/subscribe/**');
    const log = await page
      .locator('.step-log li')
      .evaluateAll((items) =>
        items.map((li) => `${li.getAttribute('data-kind')}:${li.getAttribute('data-step')}`),
      );
    assert.deepEqual(log.slice(0, 3), [`changes:${seen + 2}`, `changes:${seen + 1}`, `resumed:${seen}`]);
    assert.ok(!log.some((e) => /^(snapshot|resync):/.test(e) && Number(e.split(':')[1]) > seen), log.join());
    const west = page.locator('table.live-rows tbody tr:not(.deleted)', { hasText: 'west' });
    assert.match((await west.textContent()) ?? '', /west\s*8\s*2/);
    await page.locator('table.live-rows tbody tr', { hasText: 'up' }).waitFor({ timeout: waitMs });
  });

  test('pause holds the page while changes go on arriving; resume shows them', async () => {
    const pause = page.getByRole('button', { name: 'Pause' });
    await pause.click();
    const db = await eddy.client();
    await db.query(`INSERT INTO orders VALUES (7, 'paused', 1, '2026-01-01 10:06:00')`);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await page.locator('table.live-rows tbody tr', { hasText: 'paused' }).count(), 0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.locator('table.live-rows tbody tr', { hasText: 'paused' }).waitFor({ timeout: waitMs });
  });

  test('the dataflow graph shows the operators and their counters move', async () => {
    await page.goto(`${eddy.base}/#/object/by_region/dataflow`);
    const aggregate = page.locator('table.operators tbody tr', { hasText: 'AggregateOp' });
    await aggregate.waitFor({ timeout: waitMs });
    assert.ok((await page.locator('svg.graph g.node').count()) >= 2);
    const rowsIn = Number(await aggregate.locator('.rows-in').textContent());
    const db = await eddy.client();
    let id = 100;
    const writer = setInterval(() => {
      void db.query(`INSERT INTO orders VALUES (${id++}, 'north', 1, now()::timestamp)`).catch(() => {});
    }, 150);
    try {
      await page.waitForFunction(
        (before) => {
          const row = [...document.querySelectorAll('table.operators tbody tr')].find((r) =>
            r.textContent?.includes('AggregateOp'),
          );
          const cells = row?.querySelectorAll('td');
          return cells && Number(cells[3]!.textContent) > before && Number(cells[5]!.textContent) > 0;
        },
        rowsIn,
        { timeout: waitMs },
      );
    } finally {
      clearInterval(writer);
    }
    // State bytes show in human units, in the table and on the graph, and follow the state.
    const bytesCell = aggregate.locator('.state-bytes');
    const bytesBefore = (await bytesCell.textContent()) ?? '';
    assert.match(bytesBefore, /^≈ \d+(\.\d)? (B|KiB|MiB)$/);
    assert.match(
      (await page.locator('svg.graph g.node[data-operator="AggregateOp"] text.state').textContent()) ?? '',
      /^state \d+ · ≈ /,
    );
    await db.query(
      `INSERT INTO orders SELECT 10000 + i, 'region ' || i, i, now()::timestamp FROM generate_series(1, 500) AS i`,
    );
    await page.waitForFunction(
      (before) => {
        const row = [...document.querySelectorAll('table.operators tbody tr')].find((r) =>
          r.textContent?.includes('AggregateOp'),
        );
        const text = row?.querySelector('.state-bytes')?.textContent;
        return text !== undefined && text !== before;
      },
      bytesBefore,
      { timeout: waitMs },
    );
    await page.getByText('Plan (EXPLAIN)').click();
    await page.locator('details.explain pre', { hasText: 'Aggregate GROUP BY' }).waitFor({ timeout: waitMs });
    await checkAccessible('dataflow');
  });

  test('the overview charts steps and rows per second and the latency', async () => {
    await page.goto(`${eddy.base}/#/`);
    const step = page.locator('.figure-step');
    await step.waitFor({ timeout: waitMs });
    const before = Number(await step.textContent());
    const db = await eddy.client();
    await db.query(`INSERT INTO orders VALUES (9000, 'north', 1, now()::timestamp)`);
    await page.waitForFunction(
      (b) => Number(document.querySelector('.figure-step')?.textContent) > b,
      before,
      {
        timeout: waitMs,
      },
    );
    await page.waitForFunction(
      () => Number(document.querySelector('figure.chart')?.getAttribute('data-points')) >= 2,
      null,
      { timeout: waitMs },
    );
    assert.match((await page.locator('.state-bytes').textContent()) ?? '', /^≈ \d+(\.\d)? (B|KiB|MiB)$/);
    await checkAccessible('overview');
  });

  test('the object detail lists columns, SQL, dependencies and row count; the list links every object', async () => {
    await page.goto(`${eddy.base}/#/object/orders/detail`);
    await page.locator('.row-count').waitFor({ timeout: waitMs });
    assert.match((await page.locator('pre.sql').textContent()) ?? '', /CREATE TABLE orders/);
    const readBy = page.getByRole('list', { name: 'Read by' });
    assert.deepEqual(await readBy.getByRole('link').allTextContents(), ['by_region', 'per_minute']);
    const nav = page.getByRole('navigation', { name: 'Catalog' });
    for (const name of ['orders', 'by_region', 'per_minute'])
      await nav.getByRole('link', { name }).first().waitFor();
    await checkAccessible('object detail');
    assert.deepEqual(errors, []);
  });
});

describe('console with --user: login by session cookie', { skip }, () => {
  let eddy: EddyProcess;
  let browser: Browser;

  before(async () => {
    ensureConsoleBuilt();
    [eddy, browser] = await startEddyAndChromium([{ name: 'ann', password: 's3cret' }]);
    const db = await eddy.client();
    await db.query('CREATE TABLE t (id int PRIMARY KEY, v text)');
    await db.query('CREATE MATERIALIZED VIEW mv AS SELECT v, count(*) AS n FROM t GROUP BY v');
  });

  after(async () => {
    await browser?.close();
    await eddy?.stop();
  });

  test('the page asks for a login, refuses a wrong password, then runs SQL and subscribes with the cookie', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${eddy.base}/#/object/mv/live`);
    await page.getByRole('textbox', { name: 'User' }).fill('ann');
    await page.getByLabel('Password').fill('wrong');
    await page.getByRole('button', { name: 'Log in' }).click();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /28P01/);
    const violations = await axeViolations(page);
    assert.deepEqual(
      violations.filter((v) => v.impact === 'critical'),
      [],
    );
    await page.getByLabel('Password').fill('s3cret');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('.badge.ok', { hasText: 'connected' }).waitFor({ timeout: waitMs });
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'eddy_session');
    assert.ok(session?.httpOnly, 'the session cookie is HttpOnly');
    const db = await eddy.client();
    await db.query(`INSERT INTO t VALUES (1, 'hello')`);
    await page.locator('table.live-rows tbody tr', { hasText: 'hello' }).waitFor({ timeout: waitMs });
    // Without the cookie the API still refuses.
    assert.equal((await fetch(`${eddy.base}/catalog`)).status, 401);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor({ timeout: waitMs });
    assert.equal(
      await page.evaluate(
        async () => (await fetch('/catalog', { headers: { 'X-Eddy-Console': '1' } })).status,
      ),
      401,
    );
  });
});
