/**
 * @module test/slt/runner/group-run
 * One run of a group on one engine: replay the setup, run the hoisted DDL, create the views of the
 * given queries while their tables are empty, then apply the seeded schedule. After every step each
 * view whose tables changed must equal its query run ad hoc at that moment; at the query's place in
 * the file it must equal the file's expected result (view-check.ts).
 */
import { describeFailure, errorMatches, failureOf, type SltEngine } from './engine.ts';
import type { Checkpoint, Group } from './feed-plan.ts';
import { type Step, schedule, seededRandom } from './feed-schedule.ts';
import type { FilePlan } from './file-plan.ts';
import { fail, failureAt, pass, type Verdicts } from './outcome.ts';
import type { StatementRecord } from './parser.ts';
import type { LabelRegistry } from './result-check.ts';
import { finalCheck, stepCheck, type ViewState, viewFor } from './view-check.ts';

/** Work done, for the per-file report: how much checking stands behind a pass. */
export interface IncrementalStats {
  groups: number;
  views: number;
  steps: number;
  comparisons: number;
  /**
   * Comparisons where the query itself failed at that moment (e.g. 1 / COUNT(*) on empty tables)
   * and reading the view raised the same SQLSTATE.
   */
  sameErrors: number;
  /** Comparisons skipped because the query's rows could not be formatted for the record's types. */
  undefinedOracle: number;
  /** Runs repeated to find which view made the engine reject a feed step. */
  reruns: number;
}

export interface GroupRunResult {
  /** Verdicts of this run's queries, and of the group's statements when it judges them. */
  readonly verdicts: Verdicts;
  /** Set when the engine rejected a feed step; the run stopped there and its query verdicts are partial. */
  readonly feedFailure: string | undefined;
}

export class GroupRun {
  private readonly plan: FilePlan;
  private readonly group: Group;
  private readonly checkpoints: readonly Checkpoint[];
  private readonly judgeStatements: boolean;
  private readonly labels: LabelRegistry;
  private readonly stats: IncrementalStats;
  private readonly verdicts: Verdicts = new Map();
  private views: ViewState[] = [];
  private stepNo = 0;

  constructor(
    plan: FilePlan,
    group: Group,
    checkpoints: readonly Checkpoint[],
    judgeStatements: boolean,
    labels: LabelRegistry,
    stats: IncrementalStats,
  ) {
    this.plan = plan;
    this.group = group;
    this.checkpoints = checkpoints;
    this.judgeStatements = judgeStatements;
    this.labels = labels;
    this.stats = stats;
  }

  async run(engine: SltEngine, seed: number): Promise<GroupRunResult> {
    await this.setup(engine);
    this.views = await this.createViews(engine);
    this.stats.views += this.views.length;
    await this.compareAll(engine, undefined, 'before the feed');
    for (const step of schedule(this.group, seededRandom(seed))) {
      const problem = await this.apply(engine, step);
      if (problem !== undefined) {
        if (this.judgeStatements) this.failUnjudgedStatements(problem);
        return { verdicts: this.verdicts, feedFailure: problem };
      }
    }
    if (this.judgeStatements) {
      for (const item of this.group.feed) {
        const record = item.kind === 'row' ? item.row.record : item.record;
        if (!this.verdicts.has(record)) this.verdicts.set(record, pass);
      }
    }
    return { verdicts: this.verdicts, feedFailure: undefined };
  }

  private statement(i: number): StatementRecord {
    return this.plan.records[i] as StatementRecord;
  }

  /** Replays the file up to the barrier, then the hoisted DDL. */
  private async setup(engine: SltEngine): Promise<void> {
    for (const i of this.group.setup) {
      const error = await tryExecute(engine, this.statement(i).sql);
      if (i === this.group.barrier) this.statementVerdict(i, error);
    }
    for (const i of this.group.ddl) this.statementVerdict(i, await tryExecute(engine, this.statement(i).sql));
  }

  private statementVerdict(i: number, error: string | undefined): void {
    if (!this.judgeStatements) return;
    const r = this.statement(i);
    if (
      (error !== undefined) === r.expectError &&
      (error === undefined || errorMatches(r.errorPattern, error))
    ) {
      this.verdicts.set(i, pass);
      return;
    }
    const expected = r.expectError
      ? `an error${r.errorPattern ? ` matching ${r.errorPattern}` : ''}`
      : 'statement ok';
    this.verdicts.set(
      i,
      fail(failureAt(this.plan.file, r.line, 'incremental', r.sql, expected, error ?? 'statement ok')),
    );
  }

  private async createViews(engine: SltEngine): Promise<ViewState[]> {
    const views: ViewState[] = [];
    for (const cp of this.checkpoints) {
      const view = viewFor(cp, this.group);
      if (view.name !== undefined) {
        const error = await tryExecute(engine, engine.viewDdl(view.name, view.columns, view.sql));
        if (error !== undefined) {
          this.failQuery(cp, '(the view created)', error, 'creating the view');
          continue;
        }
      }
      views.push(view);
    }
    return views;
  }

  private failQuery(cp: Checkpoint, expected: string, got: string, note: string): void {
    const r = cp.query;
    this.verdicts.set(
      cp.record,
      fail(failureAt(this.plan.file, r.line, 'incremental', r.sql, expected, got, note)),
    );
  }

  /** Compares every live view that reads a touched table (all when `touched` is undefined). */
  private async compareAll(
    engine: SltEngine,
    touched: ReadonlySet<string> | undefined,
    when: string,
  ): Promise<void> {
    for (const v of this.views) {
      if (v.done || v.name === undefined) continue;
      if (touched !== undefined && v.deps !== 'all' && !intersects(v.deps, touched)) continue;
      const problem = await stepCheck(engine, v);
      if (problem === 'undefined') {
        this.stats.undefinedOracle++;
        continue;
      }
      if (problem === 'same error') {
        this.stats.sameErrors++;
        continue;
      }
      this.stats.comparisons++;
      if (problem !== undefined) {
        v.done = true;
        this.failQuery(v.checkpoint, problem.expected, problem.got, `${problem.note} ${when}`);
      }
    }
  }

  /** Runs one step; returns what went wrong when the engine rejected it. */
  private async apply(engine: SltEngine, step: Step): Promise<string | undefined> {
    if (step.kind === 'checkpoint') {
      await this.checkpoint(engine, step.feedPos);
      return undefined;
    }
    this.stepNo++;
    this.stats.steps++;
    if (step.kind === 'opaque') {
      // An opaque statement may fail as the file expects; only an unexpected outcome is a problem.
      const error = await tryExecute(engine, step.item.sql);
      this.statementVerdict(step.item.record, error);
      await this.compareAll(engine, undefined, `after step ${this.stepNo} (${oneLine(step.item.sql)})`);
      return undefined;
    }
    const statements: { sql: string; record: number | undefined }[] = [{ sql: 'BEGIN', record: undefined }];
    for (const r of step.deletes) statements.push({ sql: r.deleteSql!, record: undefined });
    for (const r of step.inserts) statements.push({ sql: r.insertSql, record: r.record });
    statements.push({ sql: 'COMMIT', record: undefined });
    for (const { sql, record } of statements) {
      const error = await tryExecute(engine, sql);
      if (error !== undefined) {
        await tryExecute(engine, 'ROLLBACK');
        const problem = `feed step ${this.stepNo} failed at ${oneLine(sql)}: ${error}`;
        // Charge the INSERT that failed, or every statement of the batch when the transaction did.
        for (const r of record === undefined ? step.inserts : []) this.rowVerdict(r.record, problem);
        if (record !== undefined) this.rowVerdict(record, problem);
        return problem;
      }
    }
    if (this.judgeStatements)
      for (const r of step.inserts) if (!this.verdicts.has(r.record)) this.verdicts.set(r.record, pass);
    await this.compareAll(engine, step.touched, `after step ${this.stepNo} (${describeStep(step)})`);
    return undefined;
  }

  private rowVerdict(record: number, problem: string): void {
    if (!this.judgeStatements) return;
    const r = this.statement(record);
    const failure = failureAt(
      this.plan.file,
      r.line,
      'incremental',
      r.sql,
      'statement ok',
      problem,
      'feeding',
    );
    this.verdicts.set(record, fail(failure));
  }

  private async checkpoint(engine: SltEngine, feedPos: number): Promise<void> {
    for (const v of this.views) {
      if (v.done || v.checkpoint.feedPos !== feedPos) continue;
      v.done = true;
      const outcome = await finalCheck(engine, v, this.labels);
      if (outcome === undefined) this.verdicts.set(v.checkpoint.record, pass);
      else this.failQuery(v.checkpoint, outcome.expected, outcome.got, outcome.note);
    }
  }

  /** The bare feed was rejected: the statements it never reached fail with it. */
  private failUnjudgedStatements(problem: string): void {
    for (const item of this.group.feed) {
      const record = item.kind === 'row' ? item.row.record : item.record;
      if (!this.verdicts.has(record)) this.rowVerdict(record, `not applied: ${problem}`);
    }
  }
}

async function tryExecute(engine: SltEngine, sql: string): Promise<string | undefined> {
  try {
    await engine.execute(sql);
    return undefined;
  } catch (e) {
    return describeFailure(failureOf(e));
  }
}

function intersects(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of b) if (a.has(x)) return true;
  return false;
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function describeStep(step: Extract<Step, { kind: 'batch' }>): string {
  const parts: string[] = [];
  if (step.deletes.length > 0)
    parts.push(`${step.deletes.length} delete${step.deletes.length === 1 ? '' : 's'}`);
  if (step.inserts.length > 0)
    parts.push(`${step.inserts.length} insert${step.inserts.length === 1 ? '' : 's'}`);
  return `${parts.join(', ')} on ${[...step.touched].join(', ')}`;
}
