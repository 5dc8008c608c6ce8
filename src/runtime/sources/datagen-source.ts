/**
 * @module runtime/sources/datagen-source
 * A datagen source's reader for the shared connector-source loop. Its one position (key 0) is
 * the number of the next event to generate; each batch makes up to `batch_events` events from
 * there (connectors/datagen), paced to `rate` events per second from when the reader opened (or
 * as fast as steps commit at rate 0), and stops at `max_events`. Because events are a function
 * of the seed and the event number, a restart from the recovered position goes on with exactly
 * the events that were not yet committed.
 */
import type { PositionKey, TableEntry } from '../../catalog/catalog.ts';
import type { Value } from '../../common/value.ts';
import type { DatagenSourceSpec } from '../../connectors/datagen/datagen-options.ts';
import { rowGenerator } from '../../connectors/datagen/simple-generators.ts';
import type { SourceBatch, SourceReader } from './connector-source.ts';

const idleMs = 100;

export async function openDatagenSource(spec: DatagenSourceSpec, source: TableEntry): Promise<SourceReader> {
  const generator = rowGenerator(
    spec,
    source.columns.map((c) => c.name),
  );
  const openedAt = performance.now();
  let openedFrom: number | null = null;
  return {
    async poll(positions: ReadonlyMap<PositionKey, number>): Promise<SourceBatch | null> {
      const from = positions.get(0) ?? 0;
      openedFrom ??= from;
      let count = Math.min(spec.batchEvents, spec.maxEvents - from);
      if (spec.rate > 0) {
        const due = openedFrom + Math.floor(((performance.now() - openedAt) * spec.rate) / 1000);
        count = Math.min(count, due - from);
      }
      if (count <= 0) {
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        return null;
      }
      const values: Value[] = [];
      const rows = generator.generate(from, count, values);
      return { records: [], rows: { values, count: rows }, next: new Map([[0, from + count]]), lag: 0 };
    },
    close: async () => {},
  };
}
