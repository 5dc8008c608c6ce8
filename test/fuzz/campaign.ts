/**
 * @module test/fuzz/campaign
 * Runs rounds until the time is up: each round's ad-hoc queries on both engines, its views through
 * random transactions, and its TLP and NoREC cases on Eddy. Every divergence is minimised, written
 * as a sqllogictest file (deduplicated by the shape of its minimal query) and tallied with the
 * counts per mode and the unsupported features Eddy reported (0A000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Judgement, judgeAdhoc, judgeIncremental, judgeMetamorphic, recordQueries } from './checks.ts';
import type { Verdict } from './compare.ts';
import { knownOpenId } from './known-open.ts';
import {
  closePair,
  initialInserts,
  judgeRepro,
  minimiseRepro,
  openPair,
  type Repro,
  sltText,
} from './repro.ts';
import { generateRound, type Mode, type Round, type RoundSizes } from './round.ts';
import { render, type SqlPart } from './sql-tree.ts';

export interface Finding {
  readonly caseId: string;
  readonly mode: Mode;
  readonly what: string;
  readonly detail: string;
  readonly minimalSql: string;
  /** Where the reproduction was written (undefined when it repeated an earlier finding's shape). */
  readonly file?: string;
  readonly signature: string;
  /** For error divergences: mode, kind and the error with names and numbers blanked. */
  readonly errorKey: string | null;
  /** The known-open entry (known-open.ts) it matches, if any. */
  readonly known?: string;
}

export interface Tally {
  rounds: number;
  checks: Record<Mode, number>;
  same: number;
  bothFailed: number;
  /** One-sided data errors PostgreSQL agrees with when it joins in the written order. */
  joinOrder: number;
  /** One-sided data errors PostgreSQL agrees with under other planner settings (checks.ts). */
  planDependent: number;
  /** Rows differing only in INTERSECT's choice of form for equal values (form-choice.ts). */
  formChoice: number;
  /** PostgreSQL errors that are its known bug: it answers an equivalent query as Eddy does (postgres-bugs.ts). */
  postgresBug: number;
  unsupported: Map<string, number>;
  divergences: Record<Mode, number>;
  findings: Finding[];
}

export interface CampaignOptions {
  readonly seed: number;
  readonly pgUrl: string;
  /** Folder for reproductions; none are written without it. */
  readonly out?: string;
  readonly sizes?: RoundSizes;
  readonly minimise: boolean;
  /** Engine runs the minimiser may spend per divergence (default 250). */
  readonly minimiseRuns?: number;
  /** Only this case (`mode:index`) of the round, for `--case`. */
  readonly only?: { readonly mode: Mode; readonly index: number };
  readonly log: (line: string) => void;
  /** Called after every round (the CLI rewrites its summary file, so a stopped campaign keeps it). */
  readonly onRound?: (tally: Tally) => void;
}

export function emptyTally(): Tally {
  const zero = () => ({ adhoc: 0, incremental: 0, tlp: 0, norec: 0 });
  return {
    rounds: 0,
    checks: zero(),
    same: 0,
    bothFailed: 0,
    joinOrder: 0,
    planDependent: 0,
    formChoice: 0,
    postgresBug: 0,
    unsupported: new Map(),
    divergences: zero(),
    findings: [],
  };
}

/** Runs rounds from `firstRound` until `deadline` (ms since epoch) or `maxRounds`. */
export async function runCampaign(
  options: CampaignOptions,
  deadline: number,
  maxRounds = Infinity,
  firstRound = 0,
) {
  const tally = emptyTally();
  for (let r = firstRound; r < firstRound + maxRounds && Date.now() < deadline; r++) {
    await runRound(generateRound(options.seed, r, options.sizes), options, tally);
    options.onRound?.(tally);
  }
  return tally;
}

/** Unsupported messages with quoted names and numbers blanked, so equal shapes count together. */
function shapeOf(message: string): string {
  return message.replace(/"[^"]*"/g, '"…"').replace(/\d+/g, 'N');
}

async function record(verdict: Verdict, repro: Repro, options: CampaignOptions, tally: Tally): Promise<void> {
  tally.checks[repro.mode]++;
  if (verdict.kind === 'same') tally.same++;
  else if (verdict.kind === 'bothFailed') tally.bothFailed++;
  else if (verdict.kind === 'joinOrder') tally.joinOrder++;
  else if (verdict.kind === 'planDependent') tally.planDependent++;
  else if (verdict.kind === 'formChoice') tally.formChoice++;
  else if (verdict.kind === 'postgresBug') tally.postgresBug++;
  else if (verdict.kind === 'unsupported') {
    const shape = shapeOf(verdict.message);
    tally.unsupported.set(shape, (tally.unsupported.get(shape) ?? 0) + 1);
  } else {
    tally.divergences[repro.mode]++;
    await report(verdict, repro, options, tally);
  }
}

async function report(
  verdict: Extract<Verdict, { kind: 'divergence' }>,
  repro: Repro,
  options: CampaignOptions,
  tally: Tally,
): Promise<void> {
  options.log(`DIVERGENCE ${repro.caseId} ${repro.mode}/${verdict.what}: ${verdict.detail.slice(0, 300)}`);
  // An error divergence seen thrice already is the same finding again: skip the minimiser's work.
  const errorKey =
    verdict.what === 'rows' ? null : `${repro.mode}/${verdict.what}/${shapeOf(verdict.detail)}`;
  if (errorKey !== null && tally.findings.filter((f) => f.errorKey === errorKey).length >= 3) {
    tally.findings.push({
      ...findingBase(repro, verdict),
      minimalSql: '(not minimised: repeat)',
      signature: errorKey,
      errorKey,
    });
    return;
  }
  const minimal = options.minimise
    ? await minimiseRepro(repro, verdict.what, options.pgUrl, options.minimiseRuns)
    : repro;
  const minimalSql = recordQueries(minimal.mode, minimal.tree).join('; ');
  const signature = `${minimal.mode}/${verdict.what}/${minimalSql.replace(/\d+(\.\d+)?/g, 'N').replace(/'[^']*'/g, "'…'")}`;
  const repeated = tally.findings.some((f) => f.signature === signature);
  let file: string | undefined;
  if (options.out !== undefined && !repeated) {
    mkdirSync(options.out, { recursive: true });
    file = join(options.out, `${repro.caseId.replaceAll(':', '-')}.slt`);
    const now = options.minimise ? (await judgeRepro(minimal, options.pgUrl)).verdict : verdict;
    const header = [
      `Found by the differential fuzzer (test/fuzz): case ${repro.caseId}, ${repro.mode}, ${verdict.what}.`,
      `Replay: npm run fuzz -- --case ${repro.caseId}`,
      (now.kind === 'divergence' ? now.detail : verdict.detail).replace(/\n/g, ' ').slice(0, 400),
    ];
    writeFileSync(
      file,
      await sltText(minimal, header, options.pgUrl).catch((e) => `# could not write: ${e}\n`),
    );
  }
  const steps = minimal.steps.flat().join('; ');
  const known = knownOpenId({ mode: repro.mode, minimalSql, steps, detail: verdict.detail });
  const note = `${known === undefined ? '' : ` (known: ${known})`}${repeated ? ' (repeat)' : file ? ` -> ${file}` : ''}`;
  options.log(`  minimal: ${minimalSql.slice(0, 400)}${note}`);
  tally.findings.push({ ...findingBase(repro, verdict), minimalSql, file, signature, errorKey, known });
}

function findingBase(repro: Repro, verdict: Extract<Verdict, { kind: 'divergence' }>) {
  return { caseId: repro.caseId, mode: repro.mode, what: verdict.what, detail: verdict.detail };
}

/** Odd-numbered views are created over the first rows (hydration), even ones on empty tables. */
function hydrated(index: number): boolean {
  return index % 2 === 1;
}

function wanted(options: CampaignOptions, mode: Mode, index: number): boolean {
  return options.only === undefined || (options.only.mode === mode && options.only.index === index);
}

export async function runRound(round: Round, options: CampaignOptions, tally: Tally): Promise<void> {
  tally.rounds++;
  const id = (mode: Mode, i: number) => `${round.seed}:${round.round}:${mode}:${i}`;
  const repro = (mode: Mode, i: number, tree: SqlPart, steps: Round['steps'] = []): Repro => ({
    caseId: id(mode, i),
    mode,
    schema: round.schema,
    rows: round.rows,
    steps,
    tree,
  });
  const pair = await openPair(options.pgUrl, round.schema, round.rows);
  try {
    for (let i = 0; i < round.adhoc.length; i++) {
      if (!wanted(options, 'adhoc', i)) continue;
      const j = await judgeAdhoc(pair.eddy, pair.pg, render(round.adhoc[i]!.tree));
      await record(j.verdict, repro('adhoc', i, round.adhoc[i]!.tree), options, tally);
    }
    for (const mode of ['tlp', 'norec'] as const) {
      const cases = round[mode];
      for (let i = 0; i < cases.length; i++) {
        if (!wanted(options, mode, i)) continue;
        const j = await judgeMetamorphic(mode, pair.eddy, cases[i]!);
        await record(j.verdict, repro(mode, i, cases[i]!), options, tally);
      }
    }
  } finally {
    await closePair(pair);
  }
  const views = round.views.map((q, i) => ({ q, i })).filter(({ i }) => wanted(options, 'incremental', i));
  if (views.length === 0) return;
  const empty = await openPair(options.pgUrl, round.schema, round.rows, true);
  let judged: Judgement[];
  try {
    const steps = [initialInserts(round.schema, round.rows), ...round.steps];
    const queries = views.map(({ q }) => render(q.tree));
    judged = await judgeIncremental(
      empty.eddy,
      empty.pg,
      queries,
      steps,
      views.map(({ i }) => hydrated(i)),
    );
  } finally {
    await closePair(empty);
  }
  for (let v = 0; v < views.length; v++) {
    const { q, i } = views[v]!;
    const r = { ...repro('incremental', i, q.tree, round.steps), hydrated: hydrated(i) };
    await record(judged[v]!.verdict, r, options, tally);
  }
}
