/**
 * @module test/fuzz/repro
 * A divergence as a self-contained reproduction (schema, rows, transactions, query tree), how to
 * re-judge it on fresh engines, how to minimise it, and how to write it as a ready-to-commit
 * sqllogictest file whose expected results are PostgreSQL's.
 */
import { formatValue } from '../slt/runner/format.ts';
import { compareRows } from '../slt/runner/result-check.ts';
import {
  applyStep,
  type Judgement,
  judgeAdhoc,
  judgeIncremental,
  judgeMetamorphic,
  recordQueries,
} from './checks.ts';
import { compare, fullyOrdered } from './compare.ts';
import { EddyEngine, type FuzzEngine, type Outcome, PgEngine } from './engines.ts';
import { type Budget, shrinkList, shrinkTree } from './minimise.ts';
import type { Mode } from './round.ts';
import { createTableSql, insertSql, type RowLiterals, type Schema } from './schema-gen.ts';
import type { SqlPart } from './sql-tree.ts';

export interface Repro {
  readonly caseId: string;
  readonly mode: Mode;
  readonly schema: Schema;
  readonly rows: readonly (readonly RowLiterals[])[];
  /** Transactions after the rows (incremental only). */
  readonly steps: readonly (readonly string[])[];
  /** Incremental only: the view is created after the rows are in (hydration), not before. */
  readonly hydrated?: boolean;
  readonly tree: SqlPart;
}

export interface Pair {
  readonly eddy: FuzzEngine;
  readonly pg: FuzzEngine;
}

/** Both engines with the schema's tables created (and, unless `empty`, the rows inserted). */
export async function openPair(
  pgUrl: string,
  schema: Schema,
  rows: Repro['rows'],
  empty = false,
): Promise<Pair> {
  const [eddy, pg] = [await EddyEngine.open(), await PgEngine.open(pgUrl)];
  const ddl = schema.tables.map(createTableSql).join('; ');
  await eddy.execute(ddl);
  await pg.execute(ddl);
  if (!empty) {
    const load = initialInserts(schema, rows);
    if (load.length > 0) {
      await applyStep(eddy, load);
      await applyStep(pg, load);
    }
  }
  return { eddy, pg };
}

export async function closePair(pair: Pair): Promise<void> {
  await pair.eddy.close();
  await pair.pg.close();
}

export function initialInserts(schema: Schema, rows: Repro['rows']): string[] {
  return schema.tables.flatMap((t, i) => (rows[i]!.length > 0 ? [insertSql(t, rows[i]!)] : []));
}

/** Re-judges a reproduction on fresh engines. */
export async function judgeRepro(repro: Repro, pgUrl: string): Promise<Judgement> {
  const incremental = repro.mode === 'incremental';
  const pair = await openPair(pgUrl, repro.schema, repro.rows, incremental);
  try {
    if (incremental) {
      const steps = [initialInserts(repro.schema, repro.rows), ...repro.steps];
      const queries = recordQueries('incremental', repro.tree);
      return (await judgeIncremental(pair.eddy, pair.pg, queries, steps, [repro.hydrated === true]))[0]!;
    }
    if (repro.mode === 'adhoc')
      return await judgeAdhoc(pair.eddy, pair.pg, recordQueries('adhoc', repro.tree)[0]!);
    return await judgeMetamorphic(repro.mode, pair.eddy, repro.tree);
  } finally {
    await closePair(pair);
  }
}

/** Shrinks query, rows and transactions while the same kind of divergence persists. */
export async function minimiseRepro(
  repro: Repro,
  what: string,
  pgUrl: string,
  budgetRuns = 250,
): Promise<Repro> {
  const budget: Budget = { left: budgetRuns };
  const fails = async (r: Repro) => {
    const j = await judgeRepro(r, pgUrl).catch(() => null);
    return j !== null && j.verdict.kind === 'divergence' && j.verdict.what === what;
  };
  let current = repro;
  if (current.mode === 'incremental') {
    // Keep only the transactions up to the first divergence, so the final state shows it.
    const j = await judgeRepro(current, pgUrl);
    if (j.atStep !== undefined)
      current = { ...current, steps: current.steps.slice(0, Math.max(0, j.atStep - 1)) };
  }
  const tree = await shrinkTree(current.tree, (t) => fails({ ...current, tree: t }), budget);
  current = { ...current, tree };
  const flat = current.rows.flatMap((rows, t) => rows.map((row) => ({ t, row })));
  const unflatten = (items: readonly { t: number; row: RowLiterals }[]) =>
    current.schema.tables.map((_, t) => items.filter((i) => i.t === t).map((i) => i.row));
  const kept = await shrinkList(flat, (c) => fails({ ...current, rows: unflatten(c) }), budget);
  current = { ...current, rows: unflatten(kept) };
  if (current.mode === 'incremental') {
    const steps = await shrinkList(current.steps, (c) => fails({ ...current, steps: c }), budget);
    current = { ...current, steps };
  }
  return current;
}

/** The reproduction as a sqllogictest file: statements, then each query Eddy gets wrong with PostgreSQL's answer. */
export async function sltText(repro: Repro, header: readonly string[], pgUrl: string): Promise<string> {
  const pair = await openPair(pgUrl, repro.schema, repro.rows);
  const out = [...header.map((h) => `# ${h}`), '', 'hash-threshold 0', ''];
  const statement = (sql: string) => out.push('statement ok', sql, '');
  try {
    const queries = recordQueries(repro.mode, repro.tree);
    // Only the tables the reproduction mentions; the engines got them all, which does no harm.
    const text = [...queries, ...repro.steps.flat()].join(' ');
    const used = (name: string) => new RegExp(`\\b${name}\\b`).test(text);
    for (const t of repro.schema.tables) if (used(t.name)) statement(createTableSql(t));
    for (const s of initialInserts(repro.schema, repro.rows)) if (used(s.split(' ')[2]!)) statement(s);
    for (const step of repro.steps) {
      for (const s of step) statement(s);
      await applyStep(pair.eddy, step);
      await applyStep(pair.pg, step);
    }
    const wrong: string[] = [];
    // sqllogictest cannot show a value's edge spaces (char(n) padding): such queries are also
    // recorded with every column between brackets.
    const bracketed = (q: string) => edgeSpaces.get(q) ?? '';
    const edgeSpaces = new Map<string, string>();
    for (const q of queries) {
      const [e, p] = [await pair.eddy.run(q), await pair.pg.run(q)];
      if (compare(e, p, false).kind !== 'same') wrong.push(q);
      if (p.ok && p.names !== undefined && (edgeSpaced(p) || edgeSpaced(e))) {
        const columns = p.names.map((n) => `concat('[', q."${n}", ']')`);
        edgeSpaces.set(q, `SELECT ${columns.join(', ')} FROM (${q}) AS q`);
      }
    }
    for (const q of (wrong.length > 0 ? wrong : queries).flatMap((q) => [q, bracketed(q)])) {
      if (q === '') continue;
      const p = await pair.pg.run(q);
      if (!p.ok) {
        out.push(`statement error ${p.code}`, q, '');
        continue;
      }
      const values = p.rows.map((row) => row.map((v, i) => formatValue(v, p.letters[i]!)));
      const sorted = fullyOrdered(q, p.letters.length) ? values : values.sort(compareRows);
      out.push(`query ${p.letters} ${fullyOrdered(q, p.letters.length) ? 'nosort' : 'rowsort'}`, q, '----');
      out.push(...sorted.flat(), '');
    }
  } finally {
    await closePair(pair);
  }
  return `${out.join('\n').trimEnd()}\n`;
}

function edgeSpaced(o: Outcome): boolean {
  return o.ok && o.rows.some((r) => r.some((v) => v !== null && v.trim() !== v));
}
