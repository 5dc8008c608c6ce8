/**
 * @module test/fuzz/representative
 * Which of equal but distinguishable values a grouping operator returns. bpchar equality ignores
 * trailing spaces, so `'ab'` and `'ab '` fall in one group of GROUP BY, DISTINCT, UNION, INTERSECT,
 * EXCEPT [ALL] or min/max, and the operator returns one of them. The SQL standard leaves which one
 * implementation-dependent (such queries are "possibly nondeterministic"); PostgreSQL returns the
 * one its plan meets first, which follows the tables' physical order and the plan it picks, while
 * Eddy returns the most padded form (docs/adr/0002-char-and-array-value-forms.md), the same however
 * its view was maintained. A rows divergence is tallied as `formChoice` only when (1) the answers
 * are the same multiset once trailing spaces are dropped from every value, (2) the query has such
 * an operator, and (3) PostgreSQL itself, asked the same query over the same rows in another input
 * order (reversed, or rotated to start at another row) or under another plan
 * (`representativeVariants`), gives exactly Eddy's answer.
 */
import { compare, type Verdict } from './compare.ts';
import { type FuzzEngine, type Outcome, runRolledBack } from './engines.ts';
import { sameUpToForms } from './form-choice.ts';

/** The query without its quoted literals and identifiers, so that keywords inside them do not count. */
function unquoted(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"/g, "''");
}

/**
 * True when the query has an operator that returns one representative of a group of equal values:
 * GROUP BY, DISTINCT (not `IS [NOT] DISTINCT FROM`), UNION without ALL, INTERSECT, EXCEPT, min/max.
 */
export function hasGroupingOperator(sql: string): boolean {
  const text = unquoted(sql).replace(/\bIS\s+(NOT\s+)?DISTINCT\s+FROM\b/gi, ' ');
  return /\bGROUP\s+BY\b|\bDISTINCT\b|\bUNION(?!\s+ALL\b)\b|\bINTERSECT\b|\bEXCEPT\b|\b(min|max)\s*\(/i.test(
    text,
  );
}

/** Planner settings that change which equal value PostgreSQL meets first in a group. */
const planSettings: readonly { readonly name: string; readonly settings: readonly string[] }[] = [
  { name: 'its own plan', settings: [] },
  { name: 'no hash aggregation', settings: ['enable_hashagg = off'] },
  { name: 'no sorts', settings: ['enable_sort = off'] },
  // PostgreSQL hashes a UNION or DISTINCT only if its estimate of the hash table fits work_mem
  // (choose_hashed_setop); over a big estimate (a cross join) it sorts (an unstable quicksort),
  // whatever enable_sort says. With room it hashes, and keeps the first value of a group its
  // Append meets, in the written order of the inputs (1515:125).
  { name: 'hash aggregation in memory', settings: ["work_mem = '1GB'", 'enable_sort = off'] },
  { name: 'nested loops only', settings: ['enable_hashjoin = off', 'enable_mergejoin = off'] },
  { name: 'hash joins only', settings: ['enable_mergejoin = off', 'enable_nestloop = off'] },
  { name: 'merge joins only', settings: ['enable_hashjoin = off', 'enable_nestloop = off'] },
];

/** A name for the scratch schema holding the reordered tables; the ROLLBACK drops it. */
const reorderedSchema = 'fuzz_reordered_rows';

/** Rotations tried beyond the inserted and reversed orders: each table starting at its row k. */
const maxRotation = 7;

/**
 * A physical order of every table's rows other than the inserted one: reversed, or rotated to start
 * at each table's row `k` (k modulo its row count), which puts each of the first rows first once.
 */
type RowOrder = { readonly kind: 'reversed' } | { readonly kind: 'rotated'; readonly by: number };

function orderName(order: RowOrder | null): string {
  if (order === null) return 'as inserted';
  return order.kind === 'reversed' ? 'reversed' : `rotated by ${order.by}`;
}

/** The current schema's tables (quoted) and their largest row count. */
export async function tablesOf(pg: FuzzEngine): Promise<{ names: string[]; maxRows: number } | null> {
  const tables = await pg.run(
    'SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
  );
  if (!tables.ok || tables.rows.length === 0) return null;
  const names = tables.rows.map((r) => r[0]).filter((n): n is string => n !== null);
  let maxRows = 0;
  for (const t of names) {
    const count = await pg.run(`SELECT count(*) FROM ${t}`);
    const n = count.ok ? Number(count.rows[0]?.[0]) : 0;
    if (Number.isFinite(n)) maxRows = Math.max(maxRows, n);
  }
  return { names, maxRows };
}

/**
 * Statements copying every table of the current schema into `reorderedSchema` with its rows
 * inserted in `order` (by their physical position, ctid), then putting that schema first on the
 * search path.
 */
function reorderedCopy(names: readonly string[], order: RowOrder): string[] {
  const copy = (t: string): string =>
    order.kind === 'reversed'
      ? `INSERT INTO ${reorderedSchema}.${t} SELECT * FROM ${t} ORDER BY ctid DESC`
      : `INSERT INTO ${reorderedSchema}.${t} SELECT (q.x).* FROM (SELECT x, row_number() OVER (ORDER BY x.ctid) - 1 AS i, count(*) OVER () AS n FROM ${t} AS x) AS q ORDER BY (q.i + q.n - ${order.by} % q.n) % q.n`;
  return [
    `CREATE SCHEMA ${reorderedSchema}`,
    ...names.flatMap((t) => [`CREATE TABLE ${reorderedSchema}.${t} (LIKE ${t})`, copy(t)]),
    `SET LOCAL search_path TO ${reorderedSchema}`,
  ];
}

/**
 * Statements copying every table of the current schema, rows in the same order, into a scratch
 * schema with statistics gathered (ANALYZE), then putting it first on the search path: the same
 * query over the same rows, planned with true row counts instead of the planner's guesses for
 * tables never analysed (the ROLLBACK drops the copies and their statistics).
 */
export function analysedCopy(names: readonly string[]): string[] {
  return [
    `CREATE SCHEMA ${reorderedSchema}`,
    ...names.flatMap((t) => [
      `CREATE TABLE ${reorderedSchema}.${t} (LIKE ${t})`,
      `INSERT INTO ${reorderedSchema}.${t} SELECT * FROM ${t} ORDER BY ctid`,
      `ANALYZE ${reorderedSchema}.${t}`,
    ]),
    `SET LOCAL search_path TO ${reorderedSchema}`,
  ];
}

/**
 * The variants PostgreSQL is asked under: each plan setting over the rows as inserted, reversed,
 * and rotated (a row order is no part of a table's SQL state: any of them is the same query over
 * the same rows).
 */
export async function* representativeVariants(
  pg: FuzzEngine,
  sql: string,
): AsyncGenerator<{ readonly name: string; readonly outcome: Outcome }> {
  const tables = await tablesOf(pg);
  const orders: (RowOrder | null)[] = [null];
  if (tables !== null) {
    orders.push({ kind: 'reversed' });
    for (let by = 1; by <= Math.min(maxRotation, tables.maxRows - 1); by++)
      orders.push({ kind: 'rotated', by });
  }
  for (const order of orders) {
    for (const plan of planSettings) {
      if (order === null && plan.settings.length === 0) continue; // the answer being judged
      const setup = [
        ...(order === null ? [] : reorderedCopy(tables!.names, order)),
        ...plan.settings.map((s) => `SET LOCAL ${s}`),
      ];
      const outcome = await runRolledBack(pg, setup, sql).catch(
        (e: unknown): Outcome => ({ ok: false, code: 'XX000', message: String(e) }),
      );
      yield { name: `rows ${orderName(order)}, ${plan.name}`, outcome };
    }
  }
}

/** `verdict`, or `formChoice` when it is only a grouping operator's representative (see the module header). */
export async function recheckRepresentative(
  verdict: Verdict,
  eddy: Outcome,
  pg: Outcome,
  pgEngine: FuzzEngine,
  sql: string,
): Promise<Verdict> {
  if (verdict.kind !== 'divergence' || verdict.what !== 'rows') return verdict;
  if (!sameUpToForms(eddy, pg, (text) => text.replace(/ +$/, '')) || !hasGroupingOperator(sql))
    return verdict;
  for await (const variant of representativeVariants(pgEngine, sql)) {
    if (compare(eddy, variant.outcome, false).kind !== 'same') continue;
    return {
      kind: 'formChoice',
      detail: `${verdict.detail} (PostgreSQL shows Eddy's representatives with ${variant.name})`,
    };
  }
  return verdict;
}
