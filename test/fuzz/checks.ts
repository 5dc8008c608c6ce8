/**
 * @module test/fuzz/checks
 * What each mode checks, on engines that hold the same tables: ad hoc (Eddy's answer equals
 * PostgreSQL's), incremental (a materialized view, fed the same transactions as PostgreSQL,
 * equals PostgreSQL's answer to its query after every step), TLP (the rows of a query are exactly
 * those of its WHERE p, WHERE NOT p and WHERE p IS NULL partitions) and NoREC (a WHERE count equals
 * the count of rows whose predicate is true). TLP and NoREC judge Eddy alone; where they fail,
 * PostgreSQL's answers show which query is wrong. Ad hoc and incremental recheck a one-sided data
 * error under other plans, a rows difference in INTERSECT's forms (form-choice.ts) and one in a
 * grouping operator's representative of equal char values (representative.ts).
 */
import { compare, fullyOrdered, type Verdict } from './compare.ts';
import { type FuzzEngine, type Outcome, runRolledBack } from './engines.ts';
import { recheckFloatStatistics } from './float-statistics.ts';
import { recheckFormChoice } from './form-choice.ts';
import { recheckAnyOfArrayReduction, recheckMinMaxWithTies } from './postgres-bugs.ts';
import { analysedCopy, recheckRepresentative, tablesOf } from './representative.ts';
import type { Mode } from './round.ts';
import { render, type SqlNode, type SqlPart } from './sql-tree.ts';

/** A verdict, and for incremental runs the number of steps applied when it was reached. */
export interface Judgement {
  readonly verdict: Verdict;
  readonly atStep?: number;
}

/** The queries whose results a reproduction records (PostgreSQL's answers are the expected ones). */
export function recordQueries(mode: Mode, tree: SqlPart): string[] {
  if (mode === 'adhoc' || mode === 'incremental') return [render(tree)];
  const [select, p] = (tree as SqlNode).parts.map(render) as [string, string];
  if (mode === 'tlp') return [select, ...partitions(select, p)];
  const from = select.slice(select.indexOf(' FROM ') + 6);
  return [
    `SELECT count(*) FROM ${from} WHERE ${p}`,
    `SELECT coalesce(sum(CASE WHEN ${p} THEN 1 ELSE 0 END), 0) FROM ${from}`,
  ];
}

function partitions(select: string, p: string): string[] {
  return [`${select} WHERE ${p}`, `${select} WHERE NOT (${p})`, `${select} WHERE (${p}) IS NULL`];
}

export async function judgeAdhoc(eddy: FuzzEngine, pg: FuzzEngine, sql: string): Promise<Judgement> {
  const [e, p] = [await eddy.run(sql), await pg.run(sql)];
  const ordered = (o: Outcome) => fullyOrdered(sql, o.ok ? o.floatColumns.length : 0);
  const verdict = await recheckPlans(compare(e, p, ordered(p)), e, p, pg, sql, ordered);
  return { verdict: await recheckPostgres(verdict, e, p, pg, sql, ordered(p)) };
}

/**
 * The rechecks that ask PostgreSQL an equivalent query: INTERSECT's forms, a grouping operator's
 * representative of equal char values, its min/max WITH TIES bug, its outer-join reduction through
 * `= ANY`, float statistics computed exactly (float-statistics.ts).
 */
async function recheckPostgres(
  verdict: Verdict,
  e: Outcome,
  p: Outcome,
  pg: FuzzEngine,
  sql: string,
  ordered: boolean,
) {
  const forms = await recheckRepresentative(await recheckFormChoice(verdict, e, p, pg, sql), e, p, pg, sql);
  const ties = await recheckMinMaxWithTies(forms, e, p, pg, sql);
  const reduced = await recheckAnyOfArrayReduction(ties, e, p, pg, sql);
  return recheckFloatStatistics(reduced, e, pg, sql, ordered);
}

/**
 * `verdict` unless it is a one-sided data error that PostgreSQL, re-run under one of
 * `alternativePlans`, agrees with: then `joinOrder` or `planDependent`.
 */
async function recheckPlans(
  verdict: Verdict,
  e: Outcome,
  p: Outcome,
  pg: FuzzEngine,
  sql: string,
  ordered: (o: Outcome) => boolean,
): Promise<Verdict> {
  if (!oneSidedDataError(verdict, e, p)) return verdict;
  const detail = (verdict as { detail: string }).detail;
  for (const plan of alternativePlans) {
    const other = await runWithSettings(pg, plan.settings, sql);
    const again = compare(e, other, ordered(other));
    if (again.kind !== 'same' && again.kind !== 'bothFailed') continue;
    if (plan === alternativePlans[0]) return { kind: 'joinOrder', detail };
    return { kind: 'planDependent', detail: `${detail} (PostgreSQL agrees with ${plan.name})` };
  }
  // The same rows with statistics: PostgreSQL's guesses for never-analysed tables (hundreds of
  // rows each) decide which input of a join it runs first; with the true counts it may run the
  // other one first, and meet (or skip) the failing row (606:896).
  const tables = await tablesOf(pg);
  if (tables === null) return verdict;
  for (const plan of [{ name: 'its own plan', settings: [] }, ...alternativePlans]) {
    const setup = [...analysedCopy(tables.names), ...plan.settings.map((s) => `SET LOCAL ${s}`)];
    const other = await runRolledBack(pg, setup, sql).catch(
      (err: unknown): Outcome => ({ ok: false, code: 'XX000', message: String(err) }),
    );
    const again = compare(e, other, ordered(other));
    if (again.kind !== 'same' && again.kind !== 'bothFailed') continue;
    return {
      kind: 'planDependent',
      detail: `${detail} (PostgreSQL agrees over the tables analysed, with ${plan.name})`,
    };
  }
  return verdict;
}

/**
 * Only one side raised a data error (class 22): which rows reach an expression, and so whether
 * one of them makes it fail, can depend on the plan PostgreSQL's planner picks by cost: the order
 * the joins run in (it may join a LEFT JOIN's table before the inner join written first, and
 * evaluate a WHERE on rows the written order never makes), or a join method that reads an input
 * PostgreSQL's executor would otherwise skip (a hash join builds its inner side before it sees
 * that the outer one is empty; a materialised inner side is read once whatever the outer rows).
 */
function oneSidedDataError(verdict: Verdict, eddy: Outcome, pg: Outcome): boolean {
  if (verdict.kind !== 'divergence') return false;
  const failed = verdict.what === 'pgError' ? pg : verdict.what === 'eddyError' ? eddy : undefined;
  return failed !== undefined && !failed.ok && failed.code.startsWith('22');
}

/**
 * Planner settings a one-sided data error is re-run under, in order: the written join order
 * first (Eddy joins as written; agreement there counts as `joinOrder`), then each join method
 * alone or left out, and no Materialize nodes (agreement there counts as `planDependent`).
 * PostgreSQL answering both ways shows that its outcome is its plan's, not SQL's.
 */
export const alternativePlans: readonly { readonly name: string; readonly settings: readonly string[] }[] = [
  { name: 'the written join order', settings: ['join_collapse_limit = 1', 'from_collapse_limit = 1'] },
  { name: 'no hash joins', settings: ['enable_hashjoin = off'] },
  { name: 'no merge joins', settings: ['enable_mergejoin = off'] },
  { name: 'no nested loops', settings: ['enable_nestloop = off'] },
  { name: 'nested loops only', settings: ['enable_hashjoin = off', 'enable_mergejoin = off'] },
  { name: 'merge joins only', settings: ['enable_hashjoin = off', 'enable_nestloop = off'] },
  { name: 'hash joins only', settings: ['enable_mergejoin = off', 'enable_nestloop = off'] },
  { name: 'no Materialize nodes', settings: ['enable_material = off'] },
];

/** PostgreSQL's answer under `settings` (SET LOCAL, undone by the ROLLBACK). */
function runWithSettings(pg: FuzzEngine, settings: readonly string[], sql: string): Promise<Outcome> {
  return runRolledBack(
    pg,
    settings.map((s) => `SET LOCAL ${s}`),
    sql,
  );
}

/** Concatenates successful outcomes (a UNION ALL done outside the engine), or returns the first failure. */
function unionAll(outcomes: readonly Outcome[]): Outcome {
  const failed = outcomes.find((o) => !o.ok);
  if (failed !== undefined) return failed;
  const ok = outcomes as Extract<Outcome, { ok: true }>[];
  return { ...ok[0]!, rows: ok.flatMap((o) => o.rows) };
}

/** TLP and NoREC on Eddy: the two sides of the relation must agree; failures of either side are skipped. */
export async function judgeMetamorphic(
  mode: 'tlp' | 'norec',
  eddy: FuzzEngine,
  tree: SqlPart,
): Promise<Judgement> {
  const [whole, ...parts] = recordQueries(mode, tree);
  const left = await eddy.run(whole!);
  const pieces: Outcome[] = [];
  for (const q of parts) pieces.push(await eddy.run(q));
  const right = unionAll(pieces);
  if (!left.ok || !right.ok) {
    const failed = (!left.ok ? left : right) as Extract<Outcome, { ok: false }>;
    if (failed.code === 'XX000')
      return { verdict: { kind: 'divergence', what: 'internal', detail: failed.message } };
    return {
      verdict:
        failed.code === '0A000' ? { kind: 'unsupported', message: failed.message } : { kind: 'bothFailed' },
    };
  }
  const verdict = compare(left, right, false);
  if (verdict.kind !== 'divergence') return { verdict };
  return { verdict: { ...verdict, detail: `${mode} relation broken: ${verdict.detail}` } };
}

/**
 * Applies one transaction: null, or the failure as its SQLSTATE (XX000 when the error has none)
 * followed by its message, so a failed step's report says what failed (808:1429 had only a code).
 */
export async function applyStep(engine: FuzzEngine, statements: readonly string[]): Promise<string | null> {
  try {
    await engine.execute(`BEGIN; ${statements.join('; ')}; COMMIT`);
    return null;
  } catch (e) {
    await engine.execute('ROLLBACK').catch(() => undefined);
    const failure = errorOutcome(e) as Extract<Outcome, { ok: false }>;
    // An error without a SQLSTATE is not Eddy's own: its class (RangeError, TypeError) says more.
    const uncoded = e instanceof Error && (e as { code?: unknown }).code === undefined ? `${e.name}: ` : '';
    return `${failure.code} ${uncoded}${failure.message}`.slice(0, 300);
  }
}

/**
 * Incremental: on engines with empty tables, creates one view per query (a `hydrated` one only
 * after the first step, so that it starts from existing rows), feeds each transaction (the first
 * is the initial rows) to both sides, and after every step compares each view with PostgreSQL's
 * answer to its query. A view is judged at its first divergence, then left alone; a one-sided
 * data error is rechecked under other plans as ad hoc (`recheckPlans`).
 */
export async function judgeIncremental(
  eddy: FuzzEngine,
  pg: FuzzEngine,
  queries: readonly string[],
  steps: readonly (readonly string[])[],
  hydrated: readonly boolean[] = [],
): Promise<Judgement[]> {
  const judged: (Judgement | undefined)[] = queries.map(() => undefined);
  // A step where the view's error was PostgreSQL's plan's choice: kept judging, counted as such.
  const excused: (Judgement | undefined)[] = queries.map(() => undefined);
  const created = queries.map(() => false);
  const create = async (v: number, atStep: number): Promise<void> => {
    const valid = await pg.run(queries[v]!);
    if (!valid.ok) {
      judged[v] = { verdict: { kind: 'bothFailed' } };
      return;
    }
    try {
      await eddy.execute(`CREATE MATERIALIZED VIEW fuzz_view_${v} AS ${queries[v]}`);
      created[v] = true;
    } catch (e) {
      judged[v] = { verdict: compare(errorOutcome(e), valid, false), atStep };
    }
  };
  for (let v = 0; v < queries.length; v++) if (hydrated[v] !== true) await create(v, 0);
  for (let i = 0; i < steps.length && judged.some((j) => j === undefined); i++) {
    const [e, p] = [await applyStep(eddy, steps[i]!), await applyStep(pg, steps[i]!)];
    if (e !== p && (e === null || p === null || e.slice(0, 2) !== p.slice(0, 2))) {
      const detail = `step ${i}: eddy ${e ?? 'ok'}, pg ${p ?? 'ok'}`;
      for (let v = 0; v < queries.length; v++) {
        judged[v] ??= { verdict: { kind: 'divergence', what: 'errorClass', detail }, atStep: i + 1 };
      }
      break;
    }
    if (i === 0) for (let v = 0; v < queries.length; v++) if (hydrated[v] === true) await create(v, 1);
    for (let v = 0; v < queries.length; v++) {
      if (judged[v] !== undefined || !created[v]) continue;
      const [e, p] = [await eddy.run(`SELECT * FROM fuzz_view_${v}`), await pg.run(queries[v]!)];
      const planned = await recheckPlans(compare(e, p, false), e, p, pg, queries[v]!, () => false);
      const verdict = await recheckPostgres(planned, e, p, pg, queries[v]!, false);
      if (verdict.kind === 'divergence') {
        judged[v] = { verdict: { ...verdict, detail: `after step ${i}: ${verdict.detail}` }, atStep: i + 1 };
      } else if (
        verdict.kind === 'joinOrder' ||
        verdict.kind === 'planDependent' ||
        verdict.kind === 'formChoice' ||
        verdict.kind === 'postgresBug'
      ) {
        excused[v] ??= { verdict, atStep: i + 1 };
      }
    }
  }
  return queries.map((_, v) => judged[v] ?? excused[v] ?? { verdict: { kind: 'same' } });
}

function errorOutcome(e: unknown): Outcome {
  const code = (e as { code?: unknown }).code;
  return {
    ok: false,
    code: typeof code === 'string' && code.length === 5 ? code : 'XX000',
    message: e instanceof Error ? e.message : String(e),
  };
}
