/**
 * @module bench/regex/regex-suite
 * `npm run bench -- regex [--rows 100000]`: the regex engines (src/functions/regex-engines.ts) on
 * ordinary patterns over many rows and on catastrophic shapes. "before" is V8's RegExp for every
 * pattern (what Eddy ran until issue 9: same source, no routing); "now" is the routed engine;
 * "RE2" is re2js for every pattern RE2 can express (the alternative to routing).
 * CPU time (process.cpuUsage), since the machine may be shared. Prints a Markdown table.
 */
import { compilePattern, type RegexEngineName } from '../../src/functions/regex-engines.ts';

export const REGEX_USAGE = 'usage: npm run bench -- regex [--rows 100000]';

export function parseRegexArgs(args: readonly string[]): { rows: number } {
  let rows = 100_000;
  for (let i = 0; i < args.length; i += 2) {
    if (args[i] === '--rows') rows = Number(args[i + 1]);
    else throw new Error(REGEX_USAGE);
  }
  if (!Number.isInteger(rows) || rows <= 0) throw new Error(REGEX_USAGE);
  return { rows };
}

/** Ordinary patterns, with the PostgreSQL option letters they run under. */
const ORDINARY: [string, string][] = [
  ['^user1', ''],
  ['[0-9]+', ''],
  ['foo|bar', ''],
  ['ORDERED', 'i'],
  ['\\mcat\\M', ''],
  ['^\\w+ ordered \\d+', ''],
  ['items at (\\d+)-(\\d+)', ''],
  ['^(?:.*items.*)$', ''],
  ['(\\w+) \\1', ''],
];

function cpuMs(work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

function texts(rows: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    out.push(
      `user${i} ordered ${i % 97} items at 2024-0${(i % 9) + 1}-1${i % 10} the cat ${i % 13 === 0 ? 'foo' : 'baz'}`,
    );
  }
  return out;
}

/** Keeps results alive, so no run can be optimised away. */
let sink = 0;

/** `test` then `exec` over every row, best of three runs each (ms). */
function measure(
  pattern: string,
  flags: string,
  engine: RegexEngineName | undefined,
  rows: string[],
): [number, number] {
  const re = compilePattern(pattern, flags, engine);
  let test = Infinity;
  let exec = Infinity;
  for (let run = 0; run < 3; run++) {
    test = Math.min(
      test,
      cpuMs(() => {
        for (const s of rows) if (re.test(s)) sink++;
      }),
    );
    exec = Math.min(
      exec,
      cpuMs(() => {
        for (const s of rows) sink += re.exec(s, 0)?.group(re.groupCount)?.length ?? 0;
      }),
    );
  }
  return [test, exec];
}

function ms(x: number): string {
  return x.toFixed(0);
}

function ordinaryTable(rows: number): string[] {
  const data = texts(rows);
  const lines = [
    '| pattern | engine now | `~` before | `~` now | `~` RE2 | match before | match now | match RE2 |',
    '| --- | --- | --: | --: | --: | --: | --: | --: |',
  ];
  for (const [pattern, flags] of ORDINARY) {
    const engine = compilePattern(pattern, flags).engine;
    const [testBefore, execBefore] = measure(pattern, flags, 'v8', data);
    const [testNow, execNow] = measure(pattern, flags, undefined, data);
    const [testRe2, execRe2] = measure(pattern, flags, engine === 'backtrack' ? 'backtrack' : 're2', data);
    const shown = `\`${pattern.replaceAll('|', '\\|')}\`${flags === '' ? '' : ` (${flags})`}`;
    lines.push(
      `| ${shown} | ${engine} | ${ms(testBefore)} | ${ms(testNow)} | ${ms(testRe2)} | ${ms(execBefore)} | ${ms(execNow)} | ${ms(execRe2)} |`,
    );
  }
  return lines;
}

/**
 * Catastrophic shapes: [pattern, text of length about n]. The texts hold the literal the pattern
 * ends with (after a character that stops the run), so RE2 cannot reject them on that literal's
 * absence alone and runs its automaton over the whole text.
 */
const CATASTROPHIC: [string, (n: number) => string][] = [
  ['(a+)+b', (n) => `${'a'.repeat(n)}!b`],
  ['(a|a)*b', (n) => `${'a'.repeat(n)}!b`],
  ['(a*)*b', (n) => `${'a'.repeat(n)}!b`],
  ['(x+x+)+y', (n) => `${'x'.repeat(n)}!y`],
  ['(a{1,10}){1,10}b', (n) => `${'a'.repeat(n)}!b`],
  ['\\d+$', (n) => `${'1'.repeat(n)}!`],
  ['^(a+)+b\\1$', (n) => `${'a'.repeat(n >> 1)}b${'a'.repeat((n >> 1) + 1)}`],
  ['(\\w+)\\s\\1', (n) => `${'x'.repeat(n)} ab ab`],
];

/**
 * Today's engine on growing texts until one run passes `capMs` (or all runs together pass ten
 * times that): the last size and its time. Exponential shapes double per character, so the size
 * grows gently once a run is noticeable.
 */
function v8Growth(pattern: string, text: (n: number) => string, capMs: number): string {
  const re = compilePattern(pattern, '', 'v8');
  let n = 8;
  let last = 0;
  let total = 0;
  for (;;) {
    const s = text(n);
    last = cpuMs(() => re.test(s));
    total += last;
    if (last > capMs || total > 10 * capMs || n >= 50_000) break;
    n = Math.min(50_000, last > 50 ? n + Math.ceil(n / 20) : Math.ceil(n * (last < 1 ? 1.5 : 1.1)) + 1);
  }
  return n >= 50_000 ? `${last.toFixed(0)} ms` : `${last.toFixed(0)} ms at n = ${n}, stopped`;
}

function catastrophicTable(): string[] {
  const lines = [
    '| pattern | engine now | before: V8 (growing n, capped at 2 s) | now, n = 50,000 (ms) |',
    '| --- | --- | --- | --: |',
  ];
  for (const [pattern, text] of CATASTROPHIC) {
    const now = compilePattern(pattern, '');
    const s = text(50_000);
    let outcome = '';
    const ms = cpuMs(() => {
      try {
        outcome = String(now.test(s));
      } catch (e) {
        outcome = (e as { code?: string }).code ?? 'error';
      }
    });
    lines.push(
      `| \`${pattern.replaceAll('|', '\\|')}\` | ${now.engine} | ${v8Growth(pattern, text, 2000)} | ${ms.toFixed(1)} (${outcome}) |`,
    );
  }
  return lines;
}

export function runRegexSuite(options: { rows: number }): void {
  console.log(`Ordinary patterns over ${options.rows} rows (best of 3, CPU ms):\n`);
  console.log(ordinaryTable(options.rows).join('\n'));
  console.log('\nCatastrophic shapes (CPU ms):\n');
  console.log(catastrophicTable().join('\n'));
  if (sink < 0) console.log(sink);
}
