/**
 * @module test/slt/runner/view-check
 * The comparisons of incremental mode for one query's view: after a step, view == the query run ad hoc
 * (multisets of formatted rows); at the checkpoint, view == the file's expected result. A view has no
 * order, so `nosort` results compare sorted; a hashed `nosort` result is checked through the ad-hoc
 * query (which must match the hash in its own order) and view == ad-hoc.
 */
import { describeFailure, failureOf, type SltEngine, type SltResult } from './engine.ts';
import type { Checkpoint, Group } from './feed-plan.ts';
import type { QueryRecord } from './parser.ts';
import {
  canonicalValues,
  checkResult,
  compareRows,
  describeExpected,
  describeValues,
  formatResult,
  hashSummary,
  type LabelRegistry,
  multisetKey,
  valuesMatch,
} from './result-check.ts';

export interface ViewState {
  readonly checkpoint: Checkpoint;
  /** The view's name; undefined when the query is not a SELECT and is checked ad hoc only. */
  readonly name: string | undefined;
  readonly columns: readonly string[];
  /** The query text without a trailing semicolon. */
  readonly sql: string;
  /** Tables whose changes can change the result; 'all' when the runner cannot tell. */
  readonly deps: ReadonlySet<string> | 'all';
  /** Judged: passed its checkpoint or failed. No further comparisons. */
  done: boolean;
}

export interface Mismatch {
  readonly expected: string;
  readonly got: string;
  readonly note: string;
}

const selectLike = /^\s*(\(|select\b|with\b|values\b|table\b)/i;
const word = /[a-z_][a-z0-9_$]*/g;

export function viewFor(cp: Checkpoint, group: Group): ViewState {
  const sql = cp.query.sql.replace(/[\s;]+$/, '');
  const name = selectLike.test(sql) ? `slt_view_${cp.query.line}` : undefined;
  const columns = Array.from(cp.query.types, (_, i) => `c${i + 1}`);
  return { checkpoint: cp, name, columns, sql, deps: dependencies(sql, group), done: false };
}

function dependencies(sql: string, group: Group): ReadonlySet<string> | 'all' {
  if (sql.includes('"')) return 'all';
  const deps = new Set<string>();
  for (const w of sql.toLowerCase().match(word) ?? []) {
    if (group.otherRelations.has(w)) return 'all';
    if (group.tables.has(w)) deps.add(w);
  }
  return deps;
}

async function tryQuery(engine: SltEngine, sql: string): Promise<SltResult | string> {
  try {
    return await engine.query(sql);
  } catch (e) {
    return describeFailure(failureOf(e));
  }
}

/**
 * After a step: the view must hold what the query returns now. When the query itself fails at this
 * moment (e.g. `1 / COUNT(*)` over empty tables), reading the view must fail with the same SQLSTATE:
 * returns 'same error' then. Returns 'undefined' only when the query's rows cannot be formatted for
 * the record's column types, so there is nothing to compare with.
 */
export async function stepCheck(
  engine: SltEngine,
  v: ViewState,
): Promise<Mismatch | undefined | 'same error' | 'undefined'> {
  const record = v.checkpoint.query;
  const adhoc = await tryQuery(engine, v.sql);
  const view = await tryQuery(engine, `SELECT * FROM ${v.name}`);
  if (typeof adhoc === 'string') return sameErrorCheck(adhoc, view);
  const want = formatResult(record, adhoc);
  if (typeof want === 'string') return 'undefined';
  if (typeof view === 'string') return { expected: describeRows(want), got: view, note: 'reading the view' };
  const got = formatResult(record, view);
  if (typeof got === 'string') return { expected: describeRows(want), got, note: 'reading the view' };
  if (sameKeys(multisetKey(want), multisetKey(got))) return undefined;
  return { expected: describeRows(want), got: describeRows(got), note: 'view differs from the query' };
}

/** The query failed: reading the view must fail too, with the same SQLSTATE (messages may differ). */
function sameErrorCheck(adhocError: string, view: SltResult | string): Mismatch | 'same error' {
  const note = 'reading the view while the query fails';
  if (typeof view !== 'string') return { expected: adhocError, got: `${view.rows.length} rows`, note };
  if (sqlstateOf(view) === sqlstateOf(adhocError)) return 'same error';
  return { expected: adhocError, got: view, note };
}

/** The SQLSTATE at the head of a failure as `describeFailure` prints it. */
function sqlstateOf(failure: string): string {
  return failure.split(' ', 1)[0] ?? '';
}

/** At the checkpoint: the view must match the file. Returns undefined when it does. */
export async function finalCheck(
  engine: SltEngine,
  v: ViewState,
  labels: LabelRegistry,
): Promise<Mismatch | undefined> {
  const record = v.checkpoint.query;
  const source = v.name === undefined ? v.sql : `SELECT * FROM ${v.name}`;
  const note = v.name === undefined ? 'the query (not a view)' : 'the view at its place in the file';
  const result = await tryQuery(engine, source);
  if (typeof result === 'string') return { expected: describeExpected(record), got: result, note };
  const rows = formatResult(record, result);
  if (typeof rows === 'string') return { expected: describeExpected(record), got: rows, note };
  const problem = await matchExpected(engine, v, rows);
  if (problem !== undefined) return problem;
  if (record.label === undefined) return undefined;
  const summary = hashSummary(canonicalValues(rows, 'rowsort'));
  const earlier = labels.conflict(record.label, summary);
  return earlier === undefined
    ? undefined
    : { expected: earlier, got: summary, note: `differs from ${record.label}` };
}

async function matchExpected(
  engine: SltEngine,
  v: ViewState,
  rows: string[][],
): Promise<Mismatch | undefined> {
  const record = v.checkpoint.query;
  const note = 'the view at its place in the file';
  if (record.sort !== 'nosort' || v.name === undefined) {
    const values = canonicalValues(
      rows.map((r) => r.slice()),
      record.sort,
    );
    return valuesMatch(record, values)
      ? undefined
      : { expected: describeExpected(record), got: describeValues(values), note };
  }
  const e = record.expected;
  if (e.kind === 'none') return undefined;
  if (e.kind === 'values') {
    const want = unorderedExpected(record, e.values);
    const got = multisetKey(rows.map((r) => r.map((x) => x.trimEnd())));
    if (want !== undefined && sameKeys(want, got)) return undefined;
    return {
      expected: describeExpected(record),
      got: describeValues(canonicalValues(rows, 'rowsort')),
      note: `${note} (sorted)`,
    };
  }
  // A hash fixes the order, which a view does not have: go through the query run ad hoc.
  const adhoc = await tryQuery(engine, v.sql);
  if (typeof adhoc === 'string')
    return { expected: describeExpected(record), got: adhoc, note: 'the query (to check a nosort hash)' };
  const check = checkResult(record, adhoc);
  if (!check.ok)
    return { expected: describeExpected(record), got: check.got, note: 'the query (to check a nosort hash)' };
  const want = formatResult(record, adhoc);
  if (typeof want !== 'string' && sameKeys(multisetKey(want), multisetKey(rows.map((r) => r.slice()))))
    return undefined;
  return {
    expected: describeExpected(record),
    got: describeValues(canonicalValues(rows, 'rowsort')),
    note: `${note} (as a multiset)`,
  };
}

/** The expected values cut into rows and sorted; undefined when they do not fill whole rows. */
function unorderedExpected(record: QueryRecord, values: readonly string[]): string[] | undefined {
  const width = record.types.length;
  if (values.length % width !== 0) return undefined;
  const rows: string[][] = [];
  for (let i = 0; i < values.length; i += width) rows.push(values.slice(i, i + width) as string[]);
  return multisetKey(rows);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeRows(rows: string[][]): string {
  const sorted = rows.map((r) => r.slice()).sort(compareRows);
  return describeValues(sorted.flat());
}
