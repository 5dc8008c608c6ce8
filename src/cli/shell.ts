/**
 * @module cli/shell
 * `eddy sql [--url URL]`: a SQL shell over an in-process database or a server. Statements end
 * with `;` and may span lines; `\d` lists relations, `\d name` describes one, `\g` sends what is
 * typed so far, `\q` quits; a meta-command may follow SQL on a line (cli/shell-input). `\d` and
 * `\d name` are catalog queries, so they answer the same in-process and over `--url`. Input
 * may be piped: then no banner or prompt is printed, and the shell ends with its input. Errors go
 * to stderr, as psql prints them.
 */
import { createInterface } from 'node:readline/promises';
import { EddyError } from '../common/errors.ts';
import type { Eddy } from '../eddy.ts';
import type { ParsedCommandLine, sqlCommand } from './commands.ts';
import { formatSqlError, type SqlErrorFields } from './error-report.ts';
import { remoteExecute } from './remote.ts';
import { initialScanState, scanLine } from './shell-input.ts';
import { formatResult } from './table-format.ts';

/** Runs a script; resolves to each result as text and the error that stopped it, if any. */
type Executor = (sql: string) => Promise<{ results: string[]; error?: SqlErrorFields }>;

export async function runShell({ values }: ParsedCommandLine<typeof sqlCommand>): Promise<number> {
  const url = values.url;
  const db = url ? undefined : await openInProcess();
  const execute: Executor = db ? (sql) => executeInProcess(db, sql) : (sql) => remoteExecute(url!, sql);
  const interactive = process.stdin.isTTY === true;
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: interactive });
  // Piped input can end while a statement is still running: the prompt must not be redrawn then.
  let inputOpen = true;
  rl.once('close', () => {
    inputOpen = false;
  });
  const prompt = (continuing: boolean): void => {
    if (!interactive || !inputOpen) return;
    rl.setPrompt(continuing ? 'eddy-> ' : 'eddy=> ');
    rl.prompt();
  };
  const show = async (sql: string): Promise<void> => {
    const { results, error } = await execute(sql);
    for (const text of results) process.stdout.write(`${text}\n`);
    if (error) process.stderr.write(`${formatSqlError(error, sql)}\n`);
  };
  if (interactive)
    process.stdout.write(
      'eddy interactive shell. End statements with ";". \\d lists relations, \\q quits.\n',
    );
  let buffer = '';
  let scan = initialScanState;
  prompt(false);
  try {
    for await (const line of rl) {
      const scanned = scanLine(buffer, line, scan);
      for (const statement of scanned.complete) await show(statement);
      buffer = scanned.pending;
      scan = scanned.state;
      if (scanned.meta !== null) {
        if (scanned.meta === '\\q') break;
        if (scanned.meta === '\\g' || scanned.meta === '\\g;') {
          if (buffer.trim() !== '') await show(buffer);
          buffer = '';
        } else await metaCommand(scanned.meta, execute);
      }
      prompt(buffer !== '');
    }
    if (buffer.trim() !== '') await show(buffer);
  } finally {
    rl.close();
    await db?.close();
  }
  return 0;
}

/** The engine is loaded only for an in-process shell. */
async function openInProcess(): Promise<Eddy> {
  const { Eddy } = await import('../eddy.ts');
  return Eddy.open();
}

async function executeInProcess(
  db: Eddy,
  sql: string,
): Promise<{ results: string[]; error?: SqlErrorFields }> {
  try {
    return { results: (await db.execute(sql)).map(formatResult) };
  } catch (err) {
    if (err instanceof EddyError) return { results: [], error: err };
    throw err;
  }
}

async function metaCommand(command: string, execute: Executor): Promise<void> {
  const [name, arg] = command.split(/\s+/);
  if (name !== '\\d') {
    process.stdout.write(`invalid command ${name}\n`);
    return;
  }
  const query = arg ? describeQuery(arg) : listQuery;
  const { results, error } = await execute(query);
  if (error) process.stderr.write(`${formatSqlError(error)}\n`);
  else if (results[0]?.endsWith('(0 rows)'))
    process.stdout.write(
      arg ? `Did not find any relation named "${arg}".\n` : 'Did not find any relations.\n',
    );
  else process.stdout.write(`${results.join('\n')}\n`);
}

/** `\d`: tables, views and materialized views, as psql lists them. */
const listQuery = `SELECT c.relname AS "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' END AS "Type"
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm') ORDER BY 1`;

/** `\d name`: the relation's columns, types, nullability and defaults, as psql's `\d` shows them. */
function describeQuery(name: string): string {
  return `SELECT a.attname AS "Column", format_type(a.atttypid, a.atttypmod) AS "Type",
  CASE WHEN a.attnotnull THEN 'not null' ELSE '' END AS "Nullable",
  coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS "Default"
FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = 'public' AND c.relname = '${name.replaceAll("'", "''")}' AND a.attnum > 0
ORDER BY a.attnum`;
}
