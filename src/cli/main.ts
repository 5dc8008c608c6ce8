#!/usr/bin/env -S node --liftoff-only
/**
 * @module cli/main
 * The `eddy` command: looks the command up in the table below, parses its flags (commands.ts)
 * and only then loads the command's code. Exit codes: 0 success, 1 failure (a SQL error, a
 * missing file, a port in use…), 2 usage mistake. Failures print one clear line, never a stack.
 *
 * `--liftoff-only` (in the line above, and in ./eddy): V8 otherwise recompiles
 * the SQL parser's WebAssembly with its optimizing tier as soon as it is called a few times,
 * which takes ~500 MB for a moment; the baseline code parses about as fast (BENCHMARKS.md).
 */
import { type CommandSpec, commandHelp, commandSynopsis, parseCommandLine } from './command-line.ts';
import {
  consoleCommand,
  demoCommand,
  type ParsedCommandLine,
  runCommand,
  serveCommand,
  sqlCommand,
  statusCommand,
} from './commands.ts';
import { describeFailure, exitCodeOf } from './error-report.ts';

interface Command {
  readonly spec: CommandSpec;
  /** Loads the command's code and runs it with its parsed arguments; resolves to the exit code. */
  run(parsed: ParsedCommandLine<CommandSpec>): Promise<number>;
}

/** Ties a command's options table to its code, so the code sees its flags' types. */
function command<S extends CommandSpec>(
  spec: S,
  load: () => Promise<(parsed: ParsedCommandLine<S>) => Promise<number>>,
): Command {
  return { spec, run: async (parsed) => (await load())(parsed as ParsedCommandLine<S>) };
}

const commands: readonly Command[] = [
  command(serveCommand, async () => (await import('./serve.ts')).runServe),
  command(runCommand, async () => (await import('./run-file.ts')).runFile),
  command(sqlCommand, async () => (await import('./shell.ts')).runShell),
  command(statusCommand, async () => (await import('./remote.ts')).runStatus),
  command(consoleCommand, async () => (await import('./console.ts')).runConsole),
  command(demoCommand, async () => (await import('./demo.ts')).runDemo),
];

function usage(): string {
  const synopses = commands.map((c) => `  eddy ${commandSynopsis(c.spec)}`);
  const summaries = commands.map((c) => `  ${c.spec.name.padEnd(8)}${c.spec.summary.split('\n')[0]}`);
  return [
    'usage: eddy <command> [options]',
    '',
    'commands:',
    ...summaries,
    '',
    ...synopses,
    '',
    '`eddy <command> --help` describes a command and its options. Exit codes: 0 done, 1 failed,',
    '2 a mistake on the command line. EDDY_DEBUG=1 adds the stack trace to an internal error.',
    '',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((c) => c.spec.name === rest[0]) : undefined;
    process.stdout.write(topic ? commandHelp(topic.spec) : usage());
    return 0;
  }
  const found = commands.find((c) => c.spec.name === name);
  if (!found) {
    process.stderr.write(`eddy: unknown command "${name}" (see eddy --help)\n`);
    return 2;
  }
  try {
    const parsed = parseCommandLine(found.spec, rest);
    if (!parsed) {
      process.stdout.write(commandHelp(found.spec));
      return 0;
    }
    return await found.run(parsed);
  } catch (err) {
    process.stderr.write(`${describeFailure(name, err)}\n`);
    return exitCodeOf(err);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`${describeFailure('', err)}\n`);
    process.exitCode = 1;
  },
);
