/**
 * @module test/console/console-harness
 * What the console's browser tests, its screenshots and its benchmark share: a real `eddy serve`
 * as a child process on free loopback ports, Debian's Chromium driven headless by playwright-core,
 * a PostgreSQL client (`pg`) for writes, axe-core's accessibility check and a keyboard walk.
 * Without Chromium the tests skip with a reason, except in CI (CI=true), where they fail.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Where Chromium is: $EDDY_CHROMIUM, else the first of Debian's and others' names on PATH. */
export function chromiumPath(): string | undefined {
  if (process.env.EDDY_CHROMIUM) return process.env.EDDY_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * The reason to skip the browser tests, or false to run them. In CI a missing browser fails the
 * run (the CI script installs it), so a broken install cannot pass as skipped.
 */
export function browserSkipReason(): string | false {
  if (chromiumPath()) return false;
  const reason = 'Chromium is not installed (apt-get install chromium, or set EDDY_CHROMIUM)';
  if (process.env.CI === 'true') throw new Error(`CI=true: ${reason}`);
  return reason;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox; the pages are our own.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}

/** Builds the console when dist/console is missing or older than a file of console/. */
export function ensureConsoleBuilt(): void {
  const index = join(repoRoot, 'dist/console/index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const newest = (dir: string): number =>
    Math.max(
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs,
      ),
    );
  if (built > newest(join(repoRoot, 'console'))) return;
  execFileSync(
    'sh',
    ['scripts/node.sh', 'node_modules/vite/bin/vite.js', 'build', '--config', 'console/vite.config.ts'],
    { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

export interface EddyProcess {
  readonly base: string;
  readonly pgPort: number;
  /** A connected PostgreSQL client (close it, or `stop` does). */
  client(): Promise<pg.Client>;
  stop(): Promise<void>;
}

const servingLine = /serving PostgreSQL on [^:]+:(\d+) .* and HTTP on (\S+)/;

/** `./eddy serve` on free loopback ports, with `users` as --user NAME:PASSWORD. */
export async function startEddy(
  users: readonly { name: string; password: string }[] = [],
): Promise<EddyProcess> {
  const args = ['eddy', 'serve', '--pg-port', '0', '--http-port', '0'];
  for (const u of users) args.push('--user', `${u.name}:${u.password}`);
  const child = spawn('sh', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const match = await new Promise<RegExpExecArray>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = servingLine.exec(out);
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`eddy serve exited (${code}) before serving: ${out}`)));
  });
  const pgPort = Number(match[1]);
  const clients: pg.Client[] = [];
  const user = users[0];
  return {
    base: match[2]!,
    pgPort,
    async client() {
      const c = new pg.Client({
        host: '127.0.0.1',
        port: pgPort,
        user: user?.name ?? 'eddy',
        password: user?.password,
        database: 'eddy',
      });
      await c.connect();
      clients.push(c);
      return c;
    },
    async stop() {
      await Promise.allSettled(clients.map((c) => c.end()));
      await stopChild(child);
    },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Errors the page logged (uncaught exceptions, CSP violations, failed loads), for tests to check. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return errors;
}

/**
 * The little of the DOM that functions run in the page use: the tests' TypeScript has Node's
 * types, not the DOM library (a file declares `declare const document: PageDocument;`).
 */
export interface PageElement {
  readonly tagName: string;
  readonly textContent: string | null;
  readonly tabIndex: number;
  readonly dataset: Record<string, string | undefined>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
  checkVisibility(options: Record<string, boolean>): boolean;
  blur(): void;
  focus(): void;
}
export interface PageDocument {
  readonly activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement> & ArrayLike<PageElement>;
}
declare const document: PageDocument;

const axeSource = readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: number;
}

/** axe-core's check of the page as it is (run through the debugger protocol, so the page's CSP holds). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeRawViolation[] }> } }).axe;
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.length,
    }));
  });
}

interface AxeRawViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: unknown[];
}

/**
 * Presses Tab until focus comes back round and returns the visible controls it never reached
 * (each described by its tag and text): empty when every control is reachable by keyboard.
 */
export async function unreachableByKeyboard(page: Page, maxTabs = 400): Promise<string[]> {
  const controls = await page.evaluate(() => {
    const selector =
      'a[href], button:not([disabled]), textarea, input, select, summary, [tabindex]:not([tabindex="-1"])';
    let n = 0;
    const out: string[] = [];
    for (const el of document.querySelectorAll(selector)) {
      if (el.tabIndex < 0 || !el.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true }))
        continue;
      el.dataset.kb = String(++n);
      out.push(el.dataset.kb);
    }
    document.activeElement?.blur();
    return out;
  });
  const reached = new Set<string>();
  for (let i = 0; i < maxTabs && reached.size < controls.length; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.dataset.kb ?? '');
    if (id) reached.add(id);
  }
  const missing = controls.filter((id) => !reached.has(id));
  return page.evaluate(
    (ids) =>
      ids.map((id) => {
        const el = document.querySelector(`[data-kb="${id}"]`)!;
        return `<${el.tagName.toLowerCase()}> ${el.textContent?.trim().slice(0, 40) ?? ''}`;
      }),
    missing,
  );
}
