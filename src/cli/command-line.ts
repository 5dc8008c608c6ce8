/**
 * @module cli/command-line
 * Parsing one command's arguments against its options table (`commands.ts`), the `--help` text
 * drawn from the same table, and `UsageError`: every ordinary mistake on the command line
 * becomes one line naming the command and the flag, never a stack trace.
 */
import { type ParseArgsOptionDescriptor, parseArgs } from 'node:util';

/** One flag: node:util's descriptor plus what `--help` shows. */
export type CliOption = ParseArgsOptionDescriptor & {
  readonly help: string;
  /** Placeholder for the value in `--help` (`N`, `FILE`…); string options only. */
  readonly value?: string;
};

export type CliOptions = Readonly<Record<string, CliOption>>;

/** What `--help` and argument parsing know about one command. */
export interface CommandSpec<O extends CliOptions = CliOptions> {
  readonly name: string;
  readonly summary: string;
  /** Positional arguments as `--help` shows them (`FILE.sql`); none when absent. */
  readonly positionals?: { readonly synopsis: string; readonly min: number; readonly max: number };
  readonly options: O;
}

/** A mistake on the command line (exit code 2), printed as one line with the command's name. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An operational failure the command explains in one line (exit code 1): a server unreachable… */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

const helpOption = { help: { type: 'boolean', short: 'h', help: 'show this help' } } as const;

/**
 * Parses `argv` against the command's options. Returns undefined when `--help` was asked for
 * (the caller prints `commandHelp`). Unknown flags, missing values and extra arguments throw
 * `UsageError`.
 */
export function parseCommandLine<O extends CliOptions>(spec: CommandSpec<O>, argv: readonly string[]) {
  const options = { ...spec.options, ...helpOption };
  let parsed: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseFailure(err));
  }
  if ((parsed.values as Record<string, unknown>).help === true) return undefined;
  const { min = 0, max = 0 } = spec.positionals ?? {};
  if (parsed.positionals.length > max)
    throw new UsageError(`unexpected argument "${parsed.positionals[max]}"`);
  if (parsed.positionals.length < min) throw new UsageError(`missing ${spec.positionals!.synopsis}`);
  return parsed;
}

/** node:util's messages are long and suggest `--`; say the same thing in one short line. */
function describeParseFailure(err: unknown): string {
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
  const flag = quoted.split(' ')[0];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option "${flag}"`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return message.includes('argument missing') ? `${flag} needs a value` : `${flag} takes no value`;
    default:
      return message;
  }
}

/** A port number 0–65535 (0 lets the system choose) from a flag's text. */
export function parsePort(flag: string, text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535))
    throw new UsageError(`${flag} wants a port number from 0 to 65535, got "${text}"`);
  return port;
}

/** A whole number within bounds from a flag's text. */
export function parseCount(flag: string, text: string, min: number): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && Number.isSafeInteger(n)))
    throw new UsageError(`${flag} wants a whole number of at least ${min}, got "${text}"`);
  return n;
}

/** `eddy NAME --help`: the synopsis, the summary and every flag with its default. */
export function commandHelp(spec: CommandSpec): string {
  const lines = [`usage: eddy ${commandSynopsis(spec)}`, '', spec.summary, '', 'options:'];
  const rows = Object.entries({ ...spec.options, ...helpOption }).map(([name, o]) => {
    const option = o as CliOption;
    const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.type === 'string' ? ` ${option.value ?? 'VALUE'}` : ''}`;
    const extras = [
      option.multiple ? 'repeatable' : '',
      option.default !== undefined ? `default ${String(option.default)}` : '',
    ].filter(Boolean);
    return [flag, `${option.help}${extras.length ? ` (${extras.join('; ')})` : ''}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  for (const [flag, help] of rows) lines.push(`  ${flag.padEnd(width)}  ${help}`);
  return `${lines.join('\n')}\n`;
}

/** `run FILE.sql [--url URL]`: the command, its positionals and its value flags. */
export function commandSynopsis(spec: CommandSpec): string {
  const flags = Object.entries(spec.options).map(([name, o]) => {
    const flag = `--${name}${o.type === 'string' ? ` ${o.value ?? 'VALUE'}` : ''}`;
    return `[${flag}]${o.multiple ? '…' : ''}`;
  });
  return [spec.name, spec.positionals?.synopsis, ...flags].filter(Boolean).join(' ');
}
