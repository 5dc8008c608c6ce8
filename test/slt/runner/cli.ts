/**
 * @module test/slt/runner/cli
 * `npm run slt -- [options] <files or folders…>`: runs sqllogictest files against Eddy (or PostgreSQL)
 * in ad-hoc and/or incremental mode. The last line printed is always the tally, `slt: P passed, …`.
 *
 * Decisions (details in README.md): the engine answers to `postgresql` in skipif/onlyif; statements
 * count as records; `--sample K` keeps query records 0, K, 2K, … of each file. Incremental mode puts
 * each query, as written (ORDER BY kept, order ignored), in a materialized view with generated column
 * names created before any row; views compare as multisets, `nosort` ones sorted; a hashed `nosort`
 * result is checked via the ad-hoc query; a non-SELECT query is checked ad hoc; a view that cannot be
 * created, or whose presence breaks the feed, fails its own record only.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { runAdhoc } from './adhoc.ts';
import { type EngineKind, engineFactory } from './engine.ts';
import { planFile } from './file-plan.ts';
import { emptyStats, type IncrementalStats, runIncremental } from './incremental.ts';
import { formatFailure, type Mode, summaryLine, type Tally, tallyFile, type Verdicts } from './outcome.ts';
import { engineNames, parseSlt } from './parser.ts';

const usage =
  'usage: npm run slt -- [--mode adhoc|incremental|both] [--sample K] [--seed N] [--engine eddy|postgres]\n' +
  '                      [--pg-url URL] [--verbose] [--failures FILE] <files or folders…>';

interface Options {
  readonly modes: readonly Mode[];
  readonly sample: number;
  readonly seed: number;
  readonly engine: EngineKind;
  readonly pgUrl: string | undefined;
  readonly verbose: boolean;
  readonly failures: string | undefined;
  readonly paths: readonly string[];
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mode: { type: 'string', default: 'adhoc' },
      sample: { type: 'string', default: '1' },
      seed: { type: 'string', default: '1' },
      engine: { type: 'string', default: 'eddy' },
      'pg-url': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      failures: { type: 'string' },
    },
  });
  const modes: Record<string, readonly Mode[]> = {
    adhoc: ['adhoc'],
    incremental: ['incremental'],
    both: ['adhoc', 'incremental'],
  };
  const sample = Number(values.sample);
  const seed = Number(values.seed);
  if (!(values.mode in modes)) throw new UsageError(`unknown mode: ${values.mode}`);
  if (!Number.isInteger(sample) || sample < 1) throw new UsageError(`--sample needs a positive integer`);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed needs an integer`);
  if (values.engine !== 'eddy' && values.engine !== 'postgres')
    throw new UsageError(`unknown engine: ${values.engine}`);
  if (positionals.length === 0) throw new UsageError('no files given');
  return {
    modes: modes[values.mode],
    sample,
    seed,
    engine: values.engine,
    pgUrl: values['pg-url'],
    verbose: values.verbose,
    failures: values.failures,
    paths: positionals,
  };
}

class UsageError extends Error {}

/** Test files under the given paths, folders walked recursively, `slt_good_2` before `slt_good_10`. */
function collectFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const collator = new Intl.Collator('en', { numeric: true });
  const walk = (path: string): void => {
    if (!statSync(path).isDirectory()) {
      out.push(path);
      return;
    }
    const entries = readdirSync(path, { withFileTypes: true }).sort((a, b) =>
      collator.compare(a.name, b.name),
    );
    for (const e of entries) {
      if (e.isDirectory()) walk(join(path, e.name));
      else if (e.name.endsWith('.test') || e.name.endsWith('.slt')) out.push(join(path, e.name));
    }
  };
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(missingPathMessage(p));
    walk(p);
  }
  return out;
}

/** Says where the corpus lives when a path is missing: a fresh clone has only the vendored sample. */
function missingPathMessage(path: string): string {
  if (!path.includes(join('shared', 'conformance'))) return `no such file or folder: ${path}`;
  return (
    `no such file or folder: ${path}\n` +
    'The full sqllogictest corpus is not part of the repository; it is read from ../shared/conformance\n' +
    'where that folder is checked out beside it. A sample of it is vendored: npm run slt -- test/vendor/sqllogictest'
  );
}

function describeStats(s: IncrementalStats): string {
  const reruns = s.reruns === 0 ? '' : `, ${s.reruns} re-runs to isolate feed failures`;
  const unformatted =
    s.undefinedOracle === 0 ? '' : `, ${s.undefinedOracle} skipped as the rows could not be formatted`;
  return `${s.views} views, ${s.steps} steps, ${s.comparisons} comparisons, ${s.sameErrors} where the query and the view raised the same SQLSTATE${unformatted}${reruns}`;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const factory = await engineFactory(options.engine, { pgUrl: options.pgUrl });
  const tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  if (options.failures !== undefined) writeFileSync(options.failures, '');
  for (const path of collectFiles(options.paths)) {
    const file = relative(process.cwd(), path) || path;
    const plan = planFile(
      file,
      parseSlt(readFileSync(path, 'utf8'), file),
      options.sample,
      engineNames(options.engine),
    );
    const results: { mode: Mode; verdicts: Verdicts }[] = [];
    const times: string[] = [];
    for (const mode of options.modes) {
      const started = performance.now();
      const stats = emptyStats();
      const verdicts =
        mode === 'adhoc'
          ? await runAdhoc(plan, factory)
          : await runIncremental(plan, factory, { seed: options.seed }, stats);
      results.push({ mode, verdicts });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      times.push(mode === 'adhoc' ? `adhoc ${seconds}s` : `incremental ${seconds}s: ${describeStats(stats)}`);
    }
    const fileTally: Tally = { passed: 0, failed: 0, skipped: 0 };
    const failures = tallyFile(plan, results, fileTally);
    tally.passed += fileTally.passed;
    tally.failed += fileTally.failed;
    tally.skipped += fileTally.skipped;
    const text = failures.map(formatFailure).join('\n');
    if (options.verbose && text !== '') process.stdout.write(`${text}\n`);
    if (options.failures !== undefined && text !== '') appendFileSync(options.failures, `${text}\n`);
    process.stderr.write(`${file}: ${summaryLine(fileTally).slice(5)} (${times.join(', ')})\n`);
  }
  console.log(summaryLine(tally));
  return tally.failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) console.error(`${error.message}\n${usage}`);
    else console.error(error);
    process.exitCode = 2;
  },
);
