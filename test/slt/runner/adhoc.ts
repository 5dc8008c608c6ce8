/**
 * @module test/slt/runner/adhoc
 * Ad-hoc mode: one fresh engine per file, every planned record run in file order, exactly as the
 * reference driver would. Statements run even when a query sampled out.
 */
import { describeFailure, type EngineFactory, errorMatches, failureOf, type SltEngine } from './engine.ts';
import { type FilePlan, runIndices } from './file-plan.ts';
import { fail, failureAt, pass, type Verdict, type Verdicts } from './outcome.ts';
import type { QueryRecord, StatementRecord } from './parser.ts';
import { checkResult, describeExpected, hashSummary, LabelRegistry } from './result-check.ts';

export async function runAdhoc(plan: FilePlan, factory: EngineFactory): Promise<Verdicts> {
  const verdicts: Verdicts = new Map();
  const engine = await factory();
  const labels = new LabelRegistry();
  try {
    for (const i of runIndices(plan)) {
      const r = plan.records[i];
      if (r.kind === 'statement') verdicts.set(i, await runStatement(plan.file, engine, r));
      else if (r.kind === 'query') verdicts.set(i, await runQuery(plan.file, engine, r, labels));
    }
  } finally {
    await engine.close().catch(() => undefined);
  }
  return verdicts;
}

async function runStatement(file: string, engine: SltEngine, r: StatementRecord): Promise<Verdict> {
  try {
    await engine.execute(r.sql);
  } catch (e) {
    const got = describeFailure(failureOf(e));
    if (r.expectError && errorMatches(r.errorPattern, got)) return pass;
    const expected = r.expectError ? `an error matching ${r.errorPattern}` : 'statement ok';
    return fail(failureAt(file, r.line, 'adhoc', r.sql, expected, got));
  }
  return r.expectError ? fail(failureAt(file, r.line, 'adhoc', r.sql, 'an error', 'statement ok')) : pass;
}

async function runQuery(
  file: string,
  engine: SltEngine,
  r: QueryRecord,
  labels: LabelRegistry,
): Promise<Verdict> {
  let result: Awaited<ReturnType<SltEngine['query']>>;
  try {
    result = await engine.query(r.sql);
  } catch (e) {
    return fail(failureAt(file, r.line, 'adhoc', r.sql, describeExpected(r), describeFailure(failureOf(e))));
  }
  const check = checkResult(r, result);
  if (!check.ok) return fail(failureAt(file, r.line, 'adhoc', r.sql, describeExpected(r), check.got));
  if (r.label !== undefined && check.values !== undefined) {
    const summary = hashSummary(check.values);
    const earlier = labels.conflict(r.label, summary);
    if (earlier !== undefined) {
      return fail(failureAt(file, r.line, 'adhoc', r.sql, earlier, summary, `(differs from ${r.label})`));
    }
  }
  return pass;
}
