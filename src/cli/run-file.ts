/**
 * @module cli/run-file
 * `eddy run FILE.sql` in-process: statements one at a time with their results; long work is shown
 * as it happens — a progress bar on a terminal (plain progress lines otherwise) for the file's
 * statements and for a materialized view hydrating in the background.
 */

import { readFile } from 'node:fs/promises';
import { EddyError } from '../common/errors.ts';
import { Database } from '../runtime/database.ts';
import { createDataflowMaintainer } from '../runtime/dataflow-maintainer.ts';
import { Session } from '../runtime/session.ts';
import { loadParser } from '../sql/front/index.ts';
import { CommandFailure } from './command-line.ts';
import type { ParsedCommandLine, runCommand } from './commands.ts';
import { formatSqlError, systemErrorReason } from './error-report.ts';
import { remoteExecute } from './remote.ts';
import { formatResult } from './table-format.ts';

/** Statements in a file before their progress is shown at all. */
const progressStatementsMin = 20;

/**
 * `eddy run FILE.sql [--url URL]`: exit code 1 at the first failing statement, whose error is
 * printed with its line in the file, in-process and on a server alike.
 */
export async function runFile({
  values,
  positionals,
}: ParsedCommandLine<typeof runCommand>): Promise<number> {
  const sql = await readScript(positionals[0]!);
  if (values.url) {
    const { results, error } = await remoteExecute(values.url, sql);
    for (const text of results) process.stdout.write(`${text}\n`);
    if (error) process.stderr.write(`${formatSqlError(error, sql)}\n`);
    return error ? 1 : 0;
  }
  try {
    await runSqlFile(sql, process.stdout, process.stderr);
    return 0;
  } catch (err) {
    if (!(err instanceof EddyError)) throw err;
    process.stderr.write(`${formatSqlError(err, sql)}\n`);
    return 1;
  }
}

async function readScript(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CommandFailure(`cannot read "${path}": ${systemErrorReason(err) ?? String(err)}`);
  }
}

/**
 * Runs a script statement by statement, printing each result. An error thrown carries its
 * position in the whole script (not in the statement), as the server reports it.
 */
export async function runSqlFile(
  sql: string,
  out: NodeJS.WritableStream,
  err: NodeJS.WriteStream,
): Promise<void> {
  await loadParser();
  const db = new Database(createDataflowMaintainer);
  const session = new Session(db);
  const statements = db.parse(sql);
  const progress = new Progress(err);
  for (let i = 0; i < statements.length; i++) {
    const stmt = statements[i]!;
    if (statements.length >= progressStatementsMin)
      progress.show(`statement ${i + 1} of ${statements.length}`, (i + 1) / statements.length);
    let results: Awaited<ReturnType<Session['executeWaiting']>>;
    try {
      results = await session.executeWaiting(stmt.text);
    } catch (e) {
      progress.clear();
      if (e instanceof EddyError && e.position !== undefined) e.position += stmt.offset;
      throw e;
    }
    progress.clear();
    for (const r of results) out.write(`${formatResult(r)}\n`);
    await followHydration(db, stmt.text, err);
  }
}

/** After CREATE MATERIALIZED VIEW: shows the view's background hydration until it is ready. */
async function followHydration(db: Database, text: string, stream: NodeJS.WriteStream): Promise<void> {
  const m = /^\s*create\s+materialized\s+view\s+(?:if\s+not\s+exists\s+)?("?)([\w$]+)\1/i.exec(text);
  const relation = m ? db.catalog.relation(m[1] ? m[2]! : m[2]!.toLowerCase()) : undefined;
  const hydration = relation ? db.hydrationOf(relation.id) : undefined;
  if (!relation || !hydration) return;
  const progress = new Progress(stream);
  while (db.hydrationOf(relation.id)) {
    progress.show(
      `hydrating ${relation.name}: ${hydration.done} of ${hydration.total} rows`,
      hydration.done / Math.max(1, hydration.total),
    );
    await Promise.race([hydration.ready, new Promise((r) => setTimeout(r, 200))]);
  }
  progress.clear();
}

/** One progress line: redrawn in place on a terminal, printed at most every 10 % otherwise. */
class Progress {
  private readonly stream: NodeJS.WriteStream;
  private lastDecile = -1;
  private drawn = false;

  constructor(stream: NodeJS.WriteStream) {
    this.stream = stream;
  }

  show(label: string, fraction: number): void {
    const percent = Math.min(100, Math.floor(fraction * 100));
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round((percent / 100) * width);
      this.stream.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(percent).padStart(3)} % ${label}\x1b[K`,
      );
      this.drawn = true;
      return;
    }
    const decile = Math.floor(percent / 10);
    if (decile === this.lastDecile) return;
    this.lastDecile = decile;
    this.stream.write(`progress: ${percent} % ${label}\n`);
  }

  /** Erases a drawn bar before other output; plain lines stay, and so does the last decile. */
  clear(): void {
    if (this.drawn) this.stream.write('\r\x1b[K');
    this.drawn = false;
  }
}
