/**
 * @module bench/engine/engine-input
 * A case's Nexmark events as batches, generated lazily one at a time so the input never piles up
 * in memory. Batch i holds exactly the events [i * batch, (i + 1) * batch).
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

/**
 * Yields the input one batch per `next()`. Every batch gets fresh holders, so its `values` arrays
 * are never rewritten by a later batch: a system may keep references to what it was given, and
 * Eddy's flat insert wants each array exactly `rowCount * arity` long, which reused holders are not.
 */
export class LazyInput {
  private readonly gen: NexmarkGenerator;
  private readonly spec: InputSpec;
  private readonly keep: ReadonlySet<NexmarkTable>;

  constructor(spec: InputSpec) {
    this.spec = spec;
    this.gen = benchGenerator(spec);
    this.keep = new Set(spec.tables);
  }

  /** The next batch, or undefined once every event has been generated. */
  next(): InputBatch | undefined {
    const out = createNexmarkBatches();
    const events = this.gen.next(out, this.spec.batch);
    if (events === 0) return undefined;
    const keep = this.keep;
    return {
      events,
      person: keep.has('person') ? out.person : undefined,
      auction: keep.has('auction') ? out.auction : undefined,
      bid: keep.has('bid') ? out.bid : undefined,
    };
  }
}

/** All the input at once: for tests and the oracle, which need to see it whole. */
export function pregenerate(spec: InputSpec): InputBatch[] {
  const input = new LazyInput(spec);
  const batches: InputBatch[] = [];
  for (let b = input.next(); b !== undefined; b = input.next()) batches.push(b);
  return batches;
}
