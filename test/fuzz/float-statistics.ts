/**
 * @module test/fuzz/float-statistics
 * Float statistics in exact arithmetic. PostgreSQL's float8 var_*, stddev_*, covar_*, corr and
 * regr_* accumulate with rounding at every row (Youngs–Cramer), so where the exact answer is
 * degenerate (constant inputs: Sxx = 0) it leaves noise such as 6e-31 and answers a number (a
 * slope, a correlation, `<= 0` false) where Eddy's exact sums give 0, NULL or 1. A divergence in a
 * query calling one of them is excused as `formChoice` ("float rounding") only when PostgreSQL,
 * asked the same query with every such call computed in numeric (exact sums and products over the
 * same rows, the same non-NULL pairs), gives exactly Eddy's answer (floats to 10 digits).
 */
import { compare, type Verdict } from './compare.ts';
import type { FuzzEngine, Outcome } from './engines.ts';

/** The two-argument float statistics (the generator draws from these too). */
export const pairStatistics: readonly string[] = [
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_slope',
  'regr_intercept',
  'regr_r2',
  'regr_avgx',
  'regr_avgy',
  'regr_sxx',
  'regr_syy',
  'regr_sxy',
];
const PAIR = new Set(pairStatistics);
/** One-argument float statistics; PostgreSQL's numeric overloads compute them exactly. */
const SINGLE = new Set(['var_pop', 'var_samp', 'variance', 'stddev', 'stddev_pop', 'stddev_samp']);

const CALL = /\b([a-z_][a-z0-9_]*)\(/g;

/**
 * `sql` with every float statistical aggregate computed exactly in numeric, or null when it calls
 * none (or one the rewrite does not cover: a window call, DISTINCT of a pair).
 */
export function exactStatistics(sql: string): string | null {
  let out = '';
  let from = 0;
  let rewrote = false;
  CALL.lastIndex = 0;
  for (let m = CALL.exec(sql); m !== null; m = CALL.exec(sql)) {
    const name = m[1]!;
    if (!PAIR.has(name) && !SINGLE.has(name)) continue;
    if (m.index < from || inQuotes(sql, m.index)) continue;
    const open = m.index + name.length;
    const close = closingParen(sql, open);
    if (close < 0) return null;
    const args = splitArgs(sql.slice(open + 1, close));
    let end = close + 1;
    const filterMatch = /^ FILTER \(WHERE /.exec(sql.slice(end));
    let filter: string | null = null;
    if (filterMatch !== null) {
      const filterOpen = end + ' FILTER '.length;
      const filterClose = closingParen(sql, filterOpen);
      if (filterClose < 0) return null;
      filter = sql.slice(filterOpen + '(WHERE '.length, filterClose);
      end = filterClose + 1;
    }
    if (/^ OVER\b/.test(sql.slice(end))) return null;
    let replacement: string | null;
    const inner = (s: string) => exactStatistics(s) ?? s;
    if (SINGLE.has(name)) {
      if (args.length !== 1) return null;
      const distinct = /^DISTINCT /.exec(args[0]!);
      const arg = inner(distinct ? args[0]!.slice(distinct[0].length) : args[0]!);
      const where = filter === null ? '' : ` FILTER (WHERE ${inner(filter)})`;
      replacement = `${name}(${distinct ? 'DISTINCT ' : ''}(${arg})::numeric)${where}`;
    } else {
      if (args.length !== 2 || args.some((a) => a.startsWith('DISTINCT '))) return null;
      replacement = exactPair(name, inner(args[0]!), inner(args[1]!), filter === null ? null : inner(filter));
    }
    out += sql.slice(from, m.index) + replacement;
    from = end;
    CALL.lastIndex = end;
    rewrote = true;
  }
  return rewrote ? out + sql.slice(from) : null;
}

/** PostgreSQL's float8_regr_* final functions over exact numeric sums (Y first, as PostgreSQL's). */
function exactPair(name: string, y: string, x: string, filter: string | null): string {
  const where = `(${y}) IS NOT NULL AND (${x}) IS NOT NULL${filter === null ? '' : ` AND (${filter})`}`;
  const Y = `(${y})::numeric`;
  const X = `(${x})::numeric`;
  const sum = (e: string) => `sum(${e}) FILTER (WHERE ${where})`;
  const n = `count(*) FILTER (WHERE ${where})`;
  const [sx, sy] = [sum(X), sum(Y)];
  // N times the centred sums: exact, so a constant input gives exactly 0.
  const qxx = `(${n} * ${sum(`${X} * ${X}`)} - ${sx} * ${sx})`;
  const qyy = `(${n} * ${sum(`${Y} * ${Y}`)} - ${sy} * ${sy})`;
  const qxy = `(${n} * ${sum(`${X} * ${Y}`)} - ${sx} * ${sy})`;
  const nonZero = (e: string) => `NULLIF(${e}, 0)`;
  switch (name) {
    case 'regr_avgx':
      return `(${sx} / ${nonZero(n)})`;
    case 'regr_avgy':
      return `(${sy} / ${nonZero(n)})`;
    case 'regr_sxx':
      return `(${qxx} / ${nonZero(n)})`;
    case 'regr_syy':
      return `(${qyy} / ${nonZero(n)})`;
    case 'regr_sxy':
      return `(${qxy} / ${nonZero(n)})`;
    case 'covar_pop':
      return `(${qxy} / ${nonZero(`${n} * ${n}`)})`;
    case 'covar_samp':
      return `(${qxy} / ${nonZero(`${n} * (${n} - 1)`)})`;
    case 'regr_slope':
      return `(${qxy} / ${nonZero(qxx)})`;
    case 'regr_intercept':
      return `((${sy} * ${qxx} - ${sx} * ${qxy}) / ${nonZero(`${n} * ${qxx}`)})`;
    case 'regr_r2':
      return `(CASE WHEN ${qxx} = 0 THEN NULL WHEN ${qyy} = 0 THEN 1 ELSE ${qxy} * ${qxy} / (${qxx} * ${qyy}) END)`;
    default: // corr; tested as PostgreSQL does, so a NaN beside a zero sum still gives NULL
      return `(CASE WHEN ${qxx} = 0 OR ${qyy} = 0 THEN NULL ELSE ${qxy} / sqrt(${qxx} * ${qyy}) END)`;
  }
}

/**
 * `verdict` unless it is a divergence in a query calling a float statistic whose exact form
 * PostgreSQL answers as Eddy did: then `formChoice` (float rounding).
 */
export async function recheckFloatStatistics(
  verdict: Verdict,
  eddy: Outcome,
  pgEngine: FuzzEngine,
  sql: string,
  ordered: boolean,
): Promise<Verdict> {
  if (verdict.kind !== 'divergence' || verdict.what === 'internal' || verdict.what === 'errorClass')
    return verdict;
  const exact = exactStatistics(sql);
  if (exact === null) return verdict;
  const again = compare(eddy, await pgEngine.run(exact), ordered);
  if (again.kind !== 'same' && !(again.kind === 'bothFailed' && !eddy.ok)) return verdict;
  return {
    kind: 'formChoice',
    detail: `${verdict.detail} (float rounding: PostgreSQL gives Eddy's answer with the statistics in numeric)`,
  };
}

/** The index of the parenthesis closing the one at `open`, skipping quoted text; -1 if none. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/** The comma-separated arguments at depth 0 of `text`, quoted text kept whole. */
function splitArgs(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      i = end < 0 ? text.length : end;
    } else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      args.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  args.push(text.slice(start).trim());
  return args;
}

/** True when `at` lies inside a quoted string or identifier. */
function inQuotes(sql: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const c = sql[i]!;
    if (quote === null) {
      if (c === "'" || c === '"') quote = c;
    } else if (c === quote) quote = null;
  }
  return quote !== null;
}
