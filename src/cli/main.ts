#!/usr/bin/env node
/**
 * @module cli/main
 * The `eddy` command: `demo` (the quick-start pipeline), `run FILE.sql` (execute a script) and
 * `sql` (an interactive shell). Exit codes: 0 success, 1 SQL error, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { EddyError } from '../common/errors.ts';
import { Eddy } from '../eddy.ts';
import { runDemo } from './demo.ts';
import { runShell } from './shell.ts';
import { formatResult } from './table-format.ts';

const usage = `usage: eddy <command>

commands:
  demo [--steps N] [--interval-ms MS]   run the live demo pipeline (what \`npm start\` runs)
  run FILE.sql                          execute a SQL script and print each result
  sql                                   interactive SQL shell
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return runDemo(rest);
    case 'run':
      return runFile(rest[0]);
    case 'sql':
      return runShell();
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(usage);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`eddy: unknown command "${command}"\n\n${usage}`);
      return 2;
  }
}

async function runFile(path: string | undefined): Promise<number> {
  if (!path) {
    process.stderr.write(`eddy run: missing FILE.sql\n\n${usage}`);
    return 2;
  }
  const sql = await readFile(path, 'utf8');
  const db = await Eddy.open();
  try {
    for (const result of await db.execute(sql)) process.stdout.write(`${formatResult(result)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return 1;
  } finally {
    await db.close();
  }
}

export function describeError(err: unknown): string {
  if (err instanceof EddyError) {
    const where = err.position !== undefined ? ` (at character ${err.position})` : '';
    return `ERROR:  ${err.message}${where}\nSQLSTATE: ${err.code}${err.detail ? `\nDETAIL:  ${err.detail}` : ''}${err.hint ? `\nHINT:  ${err.hint}` : ''}`;
  }
  return `ERROR:  ${err instanceof Error ? err.message : String(err)}`;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
