/**
 * @module test/slt/runner/result-check
 * Compares a query result with a record's expectation as the reference driver does: format, sort per
 * the record's mode, then compare the value list, or its count and MD5 (each value followed by `\n`).
 */
import { createHash } from 'node:crypto';
import type { SltResult } from './engine.ts';
import { formatRows } from './format.ts';
import type { QueryRecord, SortMode } from './parser.ts';

/** A check's verdict; `got` describes the actual result for the failure report. */
export type CheckOutcome = { readonly ok: true } | { readonly ok: false; readonly got: string };

/** Values shown in a failure report before the listing is cut short. */
const reportValuesMax = 64;

/** Orders rows by their values left to right, in byte order (the values are ASCII after formatting). */
export function compareRows(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** The record's value list: rows flattened after the sort mode is applied. Sorts `rows` in place. */
export function canonicalValues(rows: string[][], sort: SortMode): string[] {
  if (sort === 'rowsort') rows.sort(compareRows);
  const values: string[] = [];
  for (const row of rows) for (const v of row) values.push(v);
  if (sort === 'valuesort') values.sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
  return values;
}

/** MD5 (hex) of the values, each followed by a newline. */
export function md5Values(values: readonly string[]): string {
  const h = createHash('md5');
  for (const v of values) {
    h.update(v);
    h.update('\n');
  }
  return h.digest('hex');
}

export function hashSummary(values: readonly string[]): string {
  return `${values.length} values hashing to ${md5Values(values)}`;
}

/** Text for a report: the values (cut short when long) and their hash summary. */
export function describeValues(values: readonly string[]): string {
  const shown = values.slice(0, reportValuesMax).join('\n');
  const more = values.length > reportValuesMax ? `\n… (${values.length - reportValuesMax} more)` : '';
  return values.length === 0 ? `(no rows) ${hashSummary(values)}` : `${shown}${more}\n${hashSummary(values)}`;
}

export function describeExpected(record: QueryRecord): string {
  const e = record.expected;
  if (e.kind === 'hash') return `${e.count} values hashing to ${e.hash}`;
  if (e.kind === 'none') return '(not checked)';
  return e.values.length === 0 ? '(no rows)' : e.values.join('\n');
}

/** Checks the column count and formats the rows with the record's type letters. */
export function formatResult(record: QueryRecord, result: SltResult): string[][] | string {
  if (result.columns.length !== record.types.length) {
    return `expected ${record.types.length} columns, got ${result.columns.length}`;
  }
  return formatRows(
    result.rows,
    record.types,
    result.columns.map((c) => c.type),
  );
}

/** Whether a value list satisfies the record's expectation. */
export function valuesMatch(record: QueryRecord, values: readonly string[]): boolean {
  const e = record.expected;
  if (e.kind === 'none') return true;
  if (e.kind === 'hash') return values.length === e.count && md5Values(values) === e.hash;
  // Over the threshold the reference driver prints only the hash, which a value list never equals.
  if (
    values.length !== e.values.length ||
    (record.hashThreshold > 0 && values.length > record.hashThreshold)
  ) {
    return false;
  }
  for (let i = 0; i < values.length; i++) {
    // Lines of the file lose trailing blanks when parsed; do the same to the values.
    if (values[i].trimEnd() !== e.values[i]) return false;
  }
  return true;
}

/**
 * Checks a result against the record with the record's own sort mode, or `sort` when given.
 * On success also returns the canonical values, for label consistency checks.
 */
export function checkResult(
  record: QueryRecord,
  result: SltResult,
  sort: SortMode = record.sort,
): CheckOutcome & { values?: string[] } {
  const rows = formatResult(record, result);
  if (typeof rows === 'string') return { ok: false, got: rows };
  const values = canonicalValues(rows, sort);
  if (valuesMatch(record, values)) return { ok: true, values };
  return { ok: false, got: describeValues(values) };
}

/** Rows as a sorted list of row keys: equal lists mean equal multisets of formatted rows. */
export function multisetKey(rows: string[][]): string[] {
  rows.sort(compareRows);
  return rows.map((r) => r.join('\t'));
}

/** Remembers the first result per label; later queries with that label must produce the same. */
export class LabelRegistry {
  private readonly byLabel = new Map<string, string>();

  /** Returns the earlier summary when it differs from this one, else undefined (and records it). */
  conflict(label: string, summary: string): string | undefined {
    const earlier = this.byLabel.get(label);
    if (earlier === undefined) {
      this.byLabel.set(label, summary);
      return undefined;
    }
    return earlier === summary ? undefined : earlier;
  }
}
