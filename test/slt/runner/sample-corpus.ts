/**
 * @module test/slt/runner/sample-corpus
 * Writes the corpus sample kept in the repository (test/vendor/sqllogictest): every file of the shared
 * corpus with all its non-query records and every K-th query record (0, K, 2K, …), each record copied
 * byte for byte. Running the sample with `--sample 1` runs exactly what `--sample K` runs on the full
 * file; the script checks that before writing.
 *
 *   sh scripts/node.sh test/slt/runner/sample-corpus.ts <corpus folder> <output folder> <K>
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { planFile, runIndices } from './file-plan.ts';
import { parseSlt, type SltRecord } from './parser.ts';

/** The records' text, blank-line separated blocks, keeping only every `every`-th query block. */
function sampleText(text: string, every: number): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const blocks = text.split(/\r?\n(?:[ \t]*\r?\n)+/);
  let queryIndex = 0;
  const kept = blocks.filter((block) => {
    if (!isQueryBlock(block)) return true;
    return queryIndex++ % every === 0;
  });
  return kept.join(eol + eol).replace(/(\r?\n)*$/, eol);
}

/** A block whose first line after comments and conditions is `query <types>` (not `query error`). */
function isQueryBlock(block: string): boolean {
  for (const raw of block.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || /^(skipif|onlyif)\s/.test(line)) continue;
    return /^query\s/.test(line) && !/^query\s+error\b/.test(line);
  }
  return false;
}

/** The records a plan runs or skips, without their lines (which the sample renumbers). */
function plannedRecords(file: string, records: readonly SltRecord[], sample: number): unknown[] {
  const plan = planFile(file, records, sample);
  const strip = ({ line: _line, ...rest }: SltRecord) => rest;
  return [...plan.state.keys()].sort((a, b) => a - b).map((i) => [plan.state.get(i), strip(records[i])]);
}

function testFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test') && statSync(join(folder, name)).isFile())
    .sort();
}

function main(): void {
  const [corpus, output, everyText] = process.argv.slice(2);
  const every = Number(everyText);
  if (corpus === undefined || output === undefined || !Number.isInteger(every) || every < 1) {
    console.error('usage: sample-corpus.ts <corpus folder> <output folder> <K>');
    process.exitCode = 2;
    return;
  }
  let bytes = 0;
  let runs = 0;
  for (const name of testFiles(corpus)) {
    const text = readFileSync(join(corpus, name), 'utf8');
    const sampled = sampleText(text, every);
    const full = plannedRecords(name, parseSlt(text, name), every);
    const kept = plannedRecords(name, parseSlt(sampled, name), 1);
    if (!isDeepStrictEqual(full, kept))
      throw new Error(`${name}: the sample does not run what --sample ${every} runs`);
    const target = join(output, name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, sampled);
    bytes += Buffer.byteLength(sampled);
    runs += runIndices(planFile(name, parseSlt(sampled, name), 1)).length;
    console.log(`${relative(process.cwd(), target)}: ${kept.length} records`);
  }
  console.log(`sample: ${bytes} bytes, ${runs} records run`);
}

main();
