/**
 * @module test/slt/runner/outcome
 * Per-record verdicts, their merge across modes, the tally and the failure report. A record is one
 * verdict per mode; `both` passes a record only when each mode passed it.
 */
import type { FilePlan } from './file-plan.ts';

export type Mode = 'adhoc' | 'incremental';

export interface Failure {
  readonly file: string;
  readonly line: number;
  readonly mode: Mode;
  readonly sql: string;
  readonly expected: string;
  /** What came back instead, or the error (SQLSTATE and message). */
  readonly got: string;
  /** Where it happened, e.g. which feed step of incremental mode. */
  readonly note?: string;
}

export type Verdict = { readonly status: 'pass' } | { readonly status: 'fail'; readonly failure: Failure };

/** Verdicts by record index, for the records a mode ran. */
export type Verdicts = Map<number, Verdict>;

export const pass: Verdict = Object.freeze({ status: 'pass' });

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Adds a file's verdicts to the tally and returns the failures, in file order. */
export function tallyFile(
  plan: FilePlan,
  modes: readonly { mode: Mode; verdicts: Verdicts }[],
  tally: Tally,
): Failure[] {
  const failures: Failure[] = [];
  for (const [i, state] of plan.state) {
    if (state === 'skip') {
      tally.skipped++;
      continue;
    }
    let ok = true;
    for (const { mode, verdicts } of modes) {
      const v = verdicts.get(i);
      if (v === undefined) {
        ok = false;
        const r = plan.records[i];
        failures.push(failureAt(plan.file, r.line, mode, '', '(a verdict)', '(the record did not run)'));
      } else if (v.status === 'fail') {
        ok = false;
        failures.push(v.failure);
      }
    }
    if (ok) tally.passed++;
    else tally.failed++;
  }
  return failures;
}

export function failureAt(
  file: string,
  line: number,
  mode: Mode,
  sql: string,
  expected: string,
  got: string,
  note?: string,
): Failure {
  return note === undefined
    ? { file, line, mode, sql, expected, got }
    : { file, line, mode, sql, expected, got, note };
}

export function fail(failure: Failure): Verdict {
  return { status: 'fail', failure };
}

/** A failure as a text block for `--verbose` and `--failures`. */
export function formatFailure(f: Failure): string {
  const lines = [`=== ${f.file}:${f.line} [${f.mode}]${f.note === undefined ? '' : ` ${f.note}`}`];
  lines.push('sql:', indent(f.sql), 'expected:', indent(f.expected), 'got:', indent(f.got), '');
  return lines.join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

export function summaryLine(t: Tally): string {
  return `slt: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
}
