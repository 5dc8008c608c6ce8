/**
 * @module test/fuzz/compare
 * Judges two outcomes of the same SQL. Rows compare as multisets of text (as ordered lists when
 * the query's ORDER BY fixes the order); floats are rounded to 10 significant digits, since the
 * order of a float sum is unspecified, and a float below 1e-9 in magnitude counts as 0: PostgreSQL
 * rounds float statistics (var_*, regr_*, covar_*) at every row, so a result that cancels to 0 in
 * exact arithmetic, as Eddy's is, comes out as rounding noise such as 6e-31 (fuzz 1717:12). Errors compare by SQLSTATE class. An internal error on
 * Eddy's side is always a finding; Eddy's 0A000 where PostgreSQL answers is counted apart.
 */
import type { Outcome } from './engines.ts';

export type Verdict =
  | { readonly kind: 'same' }
  | { readonly kind: 'bothFailed' }
  | { readonly kind: 'unsupported'; readonly message: string }
  /** A data error only one side raised, which PostgreSQL agrees with when it joins as written. */
  | { readonly kind: 'joinOrder'; readonly detail: string }
  /** Likewise, under other planner settings (join methods, Materialize): see `alternativePlans`. */
  | { readonly kind: 'planDependent'; readonly detail: string }
  /** Rows differing only in INTERSECT's choice of form for equal values (form-choice.ts). */
  | { readonly kind: 'formChoice'; readonly detail: string }
  /** PostgreSQL's error is a known bug of its own, shown by an equivalent query it answers (postgres-bugs.ts). */
  | { readonly kind: 'postgresBug'; readonly detail: string }
  | { readonly kind: 'divergence'; readonly what: DivergenceKind; readonly detail: string };

/** rows: both answered differently; eddyError/pgError: only one side failed; errorClass: both failed differently. */
export type DivergenceKind = 'rows' | 'eddyError' | 'pgError' | 'errorClass' | 'internal';

function normaliseFloat(text: string): string {
  const x = Number(text);
  if (!Number.isFinite(x)) return text;
  if (Math.abs(x) < 1e-9) return '0';
  return String(Number(x.toPrecision(10)));
}

export function rowTexts(outcome: Extract<Outcome, { ok: true }>, floats: readonly boolean[]): string[] {
  return outcome.rows.map((row) =>
    row.map((v, i) => (v === null ? '\u2400' : floats[i] ? normaliseFloat(v) : v)).join('\u241f'),
  );
}

export function compare(eddy: Outcome, pg: Outcome, ordered: boolean): Verdict {
  if (!eddy.ok && (eddy.code === 'XX000' || eddy.code.startsWith('58'))) {
    return { kind: 'divergence', what: 'internal', detail: `${eddy.code} ${eddy.message}` };
  }
  if (!eddy.ok && !pg.ok) {
    if (eddy.code.slice(0, 2) === pg.code.slice(0, 2) || eddy.code === '0A000') return { kind: 'bothFailed' };
    return {
      kind: 'divergence',
      what: 'errorClass',
      detail: `eddy ${eddy.code} ${eddy.message}; pg ${pg.code} ${pg.message}`,
    };
  }
  if (!eddy.ok) {
    if (eddy.code === '0A000') return { kind: 'unsupported', message: eddy.message };
    return { kind: 'divergence', what: 'eddyError', detail: `eddy ${eddy.code} ${eddy.message}` };
  }
  if (!pg.ok) return { kind: 'divergence', what: 'pgError', detail: `pg ${pg.code} ${pg.message}` };
  const floats = pg.floatColumns.map((f, i) => f || (eddy.floatColumns[i] ?? false));
  const a = rowTexts(eddy, floats);
  const b = rowTexts(pg, floats);
  if (!ordered) {
    a.sort();
    b.sort();
  }
  if (
    eddy.floatColumns.length === pg.floatColumns.length &&
    a.length === b.length &&
    a.every((r, i) => r === b[i])
  ) {
    return { kind: 'same' };
  }
  return { kind: 'divergence', what: 'rows', detail: rowDiff(a, b) };
}

/** The rows only one side has (first few of each), for the report. */
function rowDiff(eddy: readonly string[], pg: readonly string[]): string {
  const count = (rows: readonly string[]) => {
    const m = new Map<string, number>();
    for (const r of rows) m.set(r, (m.get(r) ?? 0) + 1);
    return m;
  };
  const e = count(eddy);
  const p = count(pg);
  const only = (x: Map<string, number>, y: Map<string, number>) =>
    [...x].filter(([r, n]) => (y.get(r) ?? 0) < n).map(([r]) => r.replaceAll('\u241f', ' | '));
  const show = (rows: string[]) =>
    rows.slice(0, 4).join('; ') + (rows.length > 4 ? ` (+${rows.length - 4})` : '');
  const extra = only(e, p);
  const missing = only(p, e);
  if (extra.length === 0 && missing.length === 0) return `same rows, different order (${eddy.length} rows)`;
  return `eddy ${eddy.length} rows, pg ${pg.length}; only eddy: ${show(extra)}; only pg: ${show(missing)}`;
}

/** True when the query's top-level ORDER BY lists every output column, so the order is fixed. */
export function fullyOrdered(sql: string, columnCount: number): boolean {
  const m = /ORDER BY ((?:\d+(?: DESC)?(?: NULLS (?:FIRST|LAST))?(?:, )?)+) LIMIT \d+(?: OFFSET \d+)?$/.exec(
    sql,
  );
  return m !== null && m[1]!.split(', ').length === columnCount;
}
