/**
 * @module storage/sink-progress
 * Each sink's last delivered step, kept in the data directory's metadata under `sink:<id>` as
 * `[relationId, step]`, written after every delivery. Like the set of watched relations it is not
 * synced on its own: a killed process keeps it (the page cache holds it) and the next checkpoint
 * syncs it. Exactly-once targets do not trust it anyway (the Kafka sink reads its last committed
 * step back from the topic); for at-least-once targets an older value only means redelivery.
 * Read before recovery, so that the history a sink still needs is held while the log replays.
 */
import type { SinkProgress } from '../runtime/sinks/sink-progress.ts';
import type { DataDirectory } from './data-directory.ts';

const prefix = 'sink:';

export class DirectorySinkProgress implements SinkProgress {
  private readonly dir: DataDirectory;
  private readonly steps = new Map<number, number>();

  constructor(dir: DataDirectory) {
    this.dir = dir;
  }

  /** Every recorded sink: id, relation and step. */
  all(): { sinkId: number; relationId: number; step: number }[] {
    const out: { sinkId: number; relationId: number; step: number }[] = [];
    for (const { key, value } of this.dir.meta.getRange({ start: prefix, end: 'sink;' })) {
      const id = Number(String(key).slice(prefix.length));
      if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(id))
        out.push({ sinkId: id, relationId: value[0]!, step: value[1]! });
    }
    return out;
  }

  get(sinkId: number): number | undefined {
    const known = this.steps.get(sinkId);
    if (known !== undefined) return known;
    const v = this.dir.meta.get(`${prefix}${sinkId}`);
    return Array.isArray(v) && v.length === 2 ? v[1] : undefined;
  }

  set(sinkId: number, relationId: number, step: number): void {
    this.steps.set(sinkId, step);
    this.dir.write(() => this.dir.meta.putSync(`${prefix}${sinkId}`, [relationId, step]), {
      injectable: false,
    });
  }

  delete(sinkId: number): void {
    this.steps.delete(sinkId);
    this.dir.write(() => this.dir.meta.removeSync(`${prefix}${sinkId}`), { injectable: false });
  }
}
