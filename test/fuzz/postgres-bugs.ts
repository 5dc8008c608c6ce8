/**
 * @module test/fuzz/postgres-bugs
 * A known PostgreSQL 15 bug the judge rechecks: an ungrouped min/max (bool_and, bool_or, every)
 * query level with `FETCH FIRST n ROWS WITH TIES`. The planner's min/max rewrite (planagg.c)
 * turns each aggregate into `(SELECT … ORDER BY … LIMIT 1)` but keeps the level's WITH TIES on
 * that LIMIT 1, so the subquery returns every tied row and raises 21000 (`SELECT min(k) FROM t
 * ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES` fails once two rows tie; docs/conformance.md, 606:343).
 *
 * Such a level has no GROUP BY, so it yields at most one row, and WITH TIES there means the same
 * as ONLY. The recheck rewrites exactly those levels (a level with GROUP BY, with no aggregate of
 * its own, or a set operation keeps its WITH TIES) and asks PostgreSQL again: the query is the
 * same, so when PostgreSQL then gives Eddy's answer, Eddy's answer is SQL's.
 */
import { compare, fullyOrdered, type Verdict } from './compare.ts';
import type { FuzzEngine, Outcome } from './engines.ts';

const withTies = ' ROWS WITH TIES';

/** `sql` with WITH TIES made ONLY at every ungrouped aggregate level, or null when there is none. */
export function tiesAtAggregateLevelsAsOnly(sql: string): string | null {
  const depth = parenDepths(sql);
  if (depth === null) return null;
  let out = sql;
  let changed = false;
  for (let at = sql.lastIndexOf(withTies); at >= 0; at = sql.lastIndexOf(withTies, at - 1)) {
    const [start, end] = levelAround(depth, at);
    if (!ungroupedAggregateLevel(sql, depth, start, end, depth[at]!)) continue;
    out = `${out.slice(0, at)} ROWS ONLY${out.slice(at + withTies.length)}`;
    changed = true;
  }
  return changed ? out : null;
}

/** Each character's parenthesis depth (quoted text has its quote's depth); null if unbalanced. */
function parenDepths(sql: string): number[] | null {
  const depths: number[] = [];
  let depth = 0;
  let quote: string | null = null;
  for (const c of sql) {
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    if (depth < 0) return null;
    depths.push(c === '(' ? depth - 1 : depth);
  }
  return quote === null && depth === 0 ? depths : null;
}

/** The span of the query level holding position `at`: its parentheses' inside, or the whole text. */
function levelAround(depth: readonly number[], at: number): [number, number] {
  const d = depth[at]!;
  let start = at;
  while (start > 0 && depth[start - 1]! >= d) start--;
  let end = at;
  while (end < depth.length && depth[end]! >= d) end++;
  return [start, end];
}

/** Whether the level's own text (not its nested parentheses) is a plain SELECT with a min/max-like aggregate and no GROUP BY. */
function ungroupedAggregateLevel(
  sql: string,
  depth: readonly number[],
  start: number,
  end: number,
  d: number,
) {
  let own = '';
  for (let i = start; i < end; i++) own += depth[i] === d ? sql[i] : ' ';
  if (!/^\s*SELECT /.test(own) || / (GROUP BY|UNION|INTERSECT|EXCEPT|OVER) /.test(own)) return false;
  return /(^|[^a-z_])(min|max|bool_and|bool_or|every)\(/.test(own);
}

/** `verdict`, or `postgresBug` when PostgreSQL's 21000 is the min/max rewrite's WITH TIES (see the module header). */
export async function recheckMinMaxWithTies(
  verdict: Verdict,
  eddy: Outcome,
  pg: Outcome,
  pgEngine: FuzzEngine,
  sql: string,
): Promise<Verdict> {
  if (verdict.kind !== 'divergence' || verdict.what !== 'pgError' || pg.ok || pg.code !== '21000' || !eddy.ok)
    return verdict;
  const rewritten = tiesAtAggregateLevelsAsOnly(sql);
  if (rewritten === null) return verdict;
  const again = await pgEngine.run(rewritten);
  const ordered = fullyOrdered(rewritten, again.ok ? again.floatColumns.length : 0);
  if (compare(eddy, again, ordered).kind !== 'same') return verdict;
  return {
    kind: 'postgresBug',
    detail: `${verdict.detail} (PostgreSQL's min/max rewrite under WITH TIES; it gives Eddy's answer with ONLY at the ungrouped aggregate level)`,
  };
}

/*
 * A second PostgreSQL 15 bug: outer-join reduction through `= ANY(array)`. To turn an outer join
 * into an inner one, the planner looks for WHERE conditions that cannot be true when the nullable
 * side's columns are NULL. It counts `x1.id = ANY(arr)` as such a condition even below another
 * operator, but `NULL = ANY('{}')` is FALSE, not NULL, so `true > (x1.id = ANY('{}'))` is TRUE on
 * the NULL-extended row; PostgreSQL drops that row anyway (its plan shows an inner join; 808:283,
 * 42:10 in docs/conformance.md). `COALESCE(e, NULL)` is `e` for every value, but the planner does
 * not see through COALESCE, so wrapping each array `= ANY(…)` that way asks PostgreSQL the same
 * query without the reduction.
 */
const anyOfArray = ' = ANY(';

/** `sql` with every `(e = ANY(array))` written `COALESCE((e = ANY(array)), NULL)`, or null when there is none. */
export function anyOfArrayUnreduced(sql: string): string | null {
  let out = sql;
  for (let k = 0; ; k++) {
    const depth = parenDepths(out);
    if (depth === null) return null;
    const at = nthAnyOfArray(out, depth, k);
    if (at < 0) return k === 0 ? null : out;
    const [start, end] = levelAround(depth, at);
    if (start === 0 || out[start - 1] !== '(' || out[end] !== ')') return null;
    out = `${out.slice(0, start - 1)}COALESCE(${out.slice(start - 1, end + 1)}, NULL)${out.slice(end + 1)}`;
  }
}

/** Where the k-th `= ANY(` over an array (not a subquery, not inside a quoted string) starts, or -1. */
function nthAnyOfArray(sql: string, depth: readonly number[], k: number): number {
  let seen = 0;
  for (let at = sql.indexOf(anyOfArray); at >= 0; at = sql.indexOf(anyOfArray, at + 1)) {
    if (insideQuote(sql, at) || sql.startsWith('SELECT', at + anyOfArray.length)) continue;
    if (depth[at] === undefined) continue;
    if (seen++ === k) return at;
  }
  return -1;
}

function insideQuote(sql: string, at: number): boolean {
  let quote: string | null = null;
  for (let i = 0; i < at; i++) {
    const c = sql[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
  }
  return quote !== null;
}

/** `verdict`, or `postgresBug` when PostgreSQL gives Eddy's rows once its outer joins cannot be reduced through `= ANY`. */
export async function recheckAnyOfArrayReduction(
  verdict: Verdict,
  eddy: Outcome,
  pg: Outcome,
  pgEngine: FuzzEngine,
  sql: string,
): Promise<Verdict> {
  if (verdict.kind !== 'divergence' || !eddy.ok || !pg.ok) return verdict;
  if (!/ (LEFT|RIGHT|FULL) JOIN /.test(sql)) return verdict;
  const rewritten = anyOfArrayUnreduced(sql);
  if (rewritten === null) return verdict;
  const again = await pgEngine.run(rewritten);
  const ordered = fullyOrdered(rewritten, again.ok ? again.floatColumns.length : 0);
  if (compare(eddy, again, ordered).kind !== 'same') return verdict;
  return {
    kind: 'postgresBug',
    detail: `${verdict.detail} (PostgreSQL's outer-join reduction through = ANY; it gives Eddy's answer with each = ANY wrapped in COALESCE(…, NULL))`,
  };
}
