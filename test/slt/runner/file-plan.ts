/**
 * @module test/slt/runner/file-plan
 * Decides, once per file, which records run: conditions (`skipif`/`onlyif`) skip, `--sample` picks
 * every K-th query, an applicable `halt` ends the file. Both modes run exactly this plan.
 */
import { isSkipped, type SltRecord } from './parser.ts';

export type RecordState = 'run' | 'skip';

export interface FilePlan {
  readonly file: string;
  readonly records: readonly SltRecord[];
  /** Per record index; absent for records not counted (unsampled queries, halts, after a halt). */
  readonly state: ReadonlyMap<number, RecordState>;
}

export function planFile(
  file: string,
  records: readonly SltRecord[],
  sample: number,
  engineNames?: readonly string[],
): FilePlan {
  const state = new Map<number, RecordState>();
  let queryIndex = 0;
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    const skipped = isSkipped(r.conditions, engineNames);
    if (r.kind === 'halt') {
      if (skipped) continue;
      break;
    }
    if (r.kind === 'query' && queryIndex++ % sample !== 0) continue;
    state.set(i, skipped ? 'skip' : 'run');
  }
  return { file, records, state };
}

/** The indices of records that run, in file order. */
export function runIndices(plan: FilePlan): number[] {
  const out: number[] = [];
  for (const [i, s] of plan.state) if (s === 'run') out.push(i);
  return out.sort((a, b) => a - b);
}
