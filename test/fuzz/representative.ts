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
 * order or under another plan (`representativeVariants`), gives exactly Eddy's answer.
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
  { name: 'nested loops only', settings: ['enable_hashjoin = off', 'enable_mergejoin = off'] },
  { name: 'hash joins only', settings: ['enable_mergejoin = off', 'enable_nestloop = off'] },
  { name: 'merge joins only', settings: ['enable_hashjoin = off', 'enable_nestloop = off'] },
];

/** A name for the scratch schema holding the reversed tables; the ROLLBACK drops it. */
const reversedSchema = 'fuzz_reversed_rows';

/**
 * Statements copying every table of the current schema into `reversedSchema` with its rows
 * inserted in the opposite physical order, then putting that schema first on the search path.
 */
async function reversedCopy(pg: FuzzEngine): Promise<string[] | null> {
  const tables = await pg.run(
    'SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
  );
  if (!tables.ok || tables.rows.length === 0) return null;
  const names = tables.rows.map((r) => r[0]).filter((n): n is string => n !== null);
  return [
    `CREATE SCHEMA ${reversedSchema}`,
    ...names.flatMap((t) => [
      `CREATE TABLE ${reversedSchema}.${t} (LIKE ${t})`,
      `INSERT INTO ${reversedSchema}.${t} SELECT * FROM ${t} ORDER BY ctid DESC`,
    ]),
    `SET LOCAL search_path TO ${reversedSchema}`,
  ];
}

/** The variants PostgreSQL is asked under: each plan setting over the rows as inserted and reversed. */
export async function* representativeVariants(
  pg: FuzzEngine,
  sql: string,
): AsyncGenerator<{ readonly name: string; readonly outcome: Outcome }> {
  const reversed = await reversedCopy(pg);
  for (const order of ['as inserted', 'reversed'] as const) {
    if (order === 'reversed' && reversed === null) continue;
    for (const plan of planSettings) {
      if (order === 'as inserted' && plan.settings.length === 0) continue; // the answer being judged
      const setup = [
        ...(order === 'reversed' ? reversed! : []),
        ...plan.settings.map((s) => `SET LOCAL ${s}`),
      ];
      const outcome = await runRolledBack(pg, setup, sql).catch(
        (e: unknown): Outcome => ({ ok: false, code: 'XX000', message: String(e) }),
      );
      yield { name: `rows ${order}, ${plan.name}`, outcome };
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
