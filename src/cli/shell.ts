/**
 * @module cli/shell
 * `eddy sql`: an interactive shell over an in-process database. Statements end with `;` and may
 * span lines; `\d` lists relations, `\d name` describes one, `\q` quits. History is kept for the
 * session by readline.
 */
import { createInterface } from 'node:readline/promises';
import { typeName } from '../common/types.ts';
import { Eddy } from '../eddy.ts';
import { describeError } from './main.ts';
import { remoteExecute } from './remote.ts';
import { formatResult } from './table-format.ts';

export async function runShell(url?: string): Promise<number> {
  const db = url ? null : await Eddy.open();
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  let buffer = '';
  process.stdout.write('eddy interactive shell. End statements with ";". \\d lists relations, \\q quits.\n');
  rl.setPrompt('eddy=> ');
  rl.prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (buffer === '' && trimmed.startsWith('\\')) {
      if (trimmed === '\\q') break;
      if (db) await metaCommand(db, trimmed);
      else process.stdout.write(`${(await remoteExecute(url!, describeQuery(trimmed))).text}\n`);
    } else {
      buffer += `${line}\n`;
      if (trimmed.endsWith(';')) {
        try {
          if (db) for (const r of await db.execute(buffer)) process.stdout.write(`${formatResult(r)}\n`);
          else process.stdout.write(`${(await remoteExecute(url!, buffer)).text}\n`);
        } catch (err) {
          process.stdout.write(`${describeError(err)}\n`);
        }
        buffer = '';
      }
    }
    rl.setPrompt(buffer === '' ? 'eddy=> ' : 'eddy-> ');
    rl.prompt();
  }
  rl.close();
  await db?.close();
  return 0;
}

async function metaCommand(db: Eddy, command: string): Promise<void> {
  const [name, arg] = command.split(/\s+/);
  if (name !== '\\d') {
    process.stdout.write(`invalid command ${name}\n`);
    return;
  }
  const relations = db.relations();
  if (!arg) {
    const rows = relations.map(
      (r) => `${r.name.padEnd(24)} ${r.kind === 'materializedView' ? 'materialized view' : r.kind}`,
    );
    process.stdout.write(`${rows.length ? rows.join('\n') : 'Did not find any relations.'}\n`);
    return;
  }
  const relation = relations.find((r) => r.name === arg);
  if (!relation) {
    process.stdout.write(`Did not find any relation named "${arg}".\n`);
    return;
  }
  const lines = relation.columns.map(
    (c) => `${c.name.padEnd(24)} ${typeName(c.type).padEnd(28)} ${c.nullable ? '' : 'not null'}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `\d` and `\d name` against a server, through its information_schema. */
function describeQuery(command: string): string {
  const [, arg] = command.split(/\s+/);
  if (!arg)
    return "SELECT table_name AS name, table_type AS kind FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1";
  return `SELECT column_name AS column, data_type AS type, is_nullable AS nullable FROM information_schema.columns WHERE table_name = '${arg.replaceAll("'", "''")}' ORDER BY ordinal_position`;
}
