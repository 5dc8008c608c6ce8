#!/usr/bin/env node
/**
 * @module cli/main
 * The `eddy` command: `demo` (the quick-start pipeline), `run FILE.sql` (execute a script) and
 * `sql` (an interactive shell). Exit codes: 0 success, 1 SQL error, 2 usage error.
 */
import { readFile } from 'node:fs/promises';
import { EddyError } from '../common/errors.ts';
import { runDemo } from './demo.ts';
import { remoteExecute, remoteStatus } from './remote.ts';
import { runSqlFile } from './run-file.ts';
import { runServe } from './serve.ts';
import { runShell } from './shell.ts';
import { formatResult } from './table-format.ts';

const usage = `usage: eddy <command>

commands:
  serve [--host H] [--pg-port N] [--http-port N] [--user NAME:PASSWORD] [--tls-cert F --tls-key F]
                                        serve the PostgreSQL wire protocol (default port 6875) and HTTP (6876)
  demo [--steps N] [--interval-ms MS]   run the live demo pipeline (what \`npm start\` runs)
  run FILE.sql                          execute a SQL script and print each result
  sql                                   interactive SQL shell
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'demo':
      return runDemo(rest);
    case 'serve':
      return runServe(rest);
    case 'run':
      return runFile(
        rest.find((a, i) => !a.startsWith('--') && rest[i - 1] !== '--url'),
        option(rest, '--url'),
      );
    case 'sql':
      return runShell(option(rest, '--url'));
    case 'status': {
      const status = await remoteStatus(option(rest, '--url') ?? 'http://127.0.0.1:6876');
      process.stdout.write(`${status.text}\n`);
      return status.failed ? 1 : 0;
    }
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

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function runFile(path: string | undefined, url: string | undefined): Promise<number> {
  if (!path) {
    process.stderr.write(`eddy run: missing FILE.sql\n\n${usage}`);
    return 2;
  }
  const sql = await readFile(path, 'utf8');
  if (url) {
    const result = await remoteExecute(url, sql);
    (result.failed ? process.stderr : process.stdout).write(`${result.text}\n`);
    return result.failed ? 1 : 0;
  }
  try {
    await runSqlFile(sql, process.stdout, process.stderr);
    return 0;
  } catch (err) {
    process.stderr.write(`${describeError(err)}\n`);
    return 1;
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
