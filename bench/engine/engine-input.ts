/**
 * @module bench/engine/engine-input
 * Pre-generates a case's Nexmark events into batches before the clock starts, so generation never
 * counts toward a system's time. Batch i holds exactly the events [i * batch, (i + 1) * batch).
 */
import {
  createNexmarkBatches,
  type NexmarkBatch,
  NexmarkGenerator,
  type NexmarkTable,
} from '../../src/connectors/datagen/nexmark/index.ts';

/** One step of input: the rows of each table the query reads, from `events` consecutive events. */
export interface InputBatch {
  readonly events: number;
  readonly person?: NexmarkBatch;
  readonly auction?: NexmarkBatch;
  readonly bid?: NexmarkBatch;
}

export interface InputSpec {
  readonly events: number;
  readonly batch: number;
  readonly tables: readonly NexmarkTable[];
  readonly seed: number;
}

/** The benchmark's fixed generator settings (the Nexmark defaults, seed from the spec). */
export function benchGenerator(spec: InputSpec): NexmarkGenerator {
  return new NexmarkGenerator({ seed: spec.seed, maxEvents: spec.events });
}

export function pregenerate(spec: InputSpec): InputBatch[] {
  const gen = benchGenerator(spec);
  const keep = new Set(spec.tables);
  const batches: InputBatch[] = [];
  for (;;) {
    // Fresh holders per batch: each keeps its own rows for the timed run.
    const out = createNexmarkBatches();
    const events = gen.next(out, spec.batch);
    if (events === 0) break;
    batches.push({
      events,
      person: keep.has('person') ? out.person : undefined,
      auction: keep.has('auction') ? out.auction : undefined,
      bid: keep.has('bid') ? out.bid : undefined,
    });
  }
  return batches;
}
