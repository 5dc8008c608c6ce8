/**
 * @module storage/subscription-history
 * What a restart needs to keep resuming subscribers (ADR 0003): the retained change history of
 * every watched relation, carried by each checkpoint as of its step boundary, and the set of
 * relations that have had a subscriber, kept under the `watched` meta key as soon as a relation
 * gets its first one (so recovery also records the history of a relation first watched after the
 * checkpoint while it replays the log tail).
 */
import type { RelationHistory } from '../runtime/step-history.ts';
import type { DataDirectory } from './data-directory.ts';
import { readBatch, writeBatch } from './log-record.ts';
import { type ByteReader, type ByteWriter, corrupt } from './value-codec.ts';

/** Writes the histories; `turn` is awaited after each relation (it may flush a chunk). */
export async function writeHistories(
  w: ByteWriter,
  histories: readonly RelationHistory[],
  turn: () => Promise<void>,
): Promise<void> {
  w.varuint(histories.length);
  for (const h of histories) {
    w.varuint(h.relationId);
    w.varuint(h.since);
    w.varuint(h.through);
    w.varuint(h.entries.length);
    for (const e of h.entries) {
      w.varuint(e.step);
      writeBatch(w, h.relationId, e.batch);
    }
    await turn();
  }
}

/** Reads what `writeHistories` wrote; steps out of order or outside `(since, through]` are XX001. */
export function readHistories(r: ByteReader): RelationHistory[] {
  const histories: RelationHistory[] = [];
  for (let n = r.varuint(); n > 0; n--) {
    const relationId = r.varuint();
    const since = r.varuint();
    const through = r.varuint();
    const entries: RelationHistory['entries'][number][] = [];
    let rows = 0;
    let last = since;
    for (let k = r.varuint(); k > 0; k--) {
      const step = r.varuint();
      const { relationId: owner, batch } = readBatch(r);
      if (owner !== relationId || step <= last || step > through || batch.length === 0)
        throw corrupt(`the subscription history of relation ${relationId} is malformed at step ${step}`);
      entries.push({ step, batch });
      rows += batch.length;
      last = step;
    }
    histories.push({ relationId, since, through, entries, rows });
  }
  return histories;
}

const watchedKey = 'watched';

/** The relations that have had a subscriber (some may have been dropped since). */
export function readWatched(dir: DataDirectory): number[] {
  const ids = dir.meta.get(watchedKey);
  return Array.isArray(ids) ? ids.filter((id) => Number.isSafeInteger(id)) : [];
}

/**
 * Remembers the set of watched relations. Not synced on its own: it survives a killed process
 * (the page cache keeps it) and is synced with the next checkpoint; if a power loss takes it,
 * a subscriber resuming after the restart gets a resync, never a wrong stream.
 */
export function writeWatched(dir: DataDirectory, ids: Iterable<number>): void {
  const list = [...ids].sort((a, b) => a - b);
  dir.write(() => dir.meta.putSync(watchedKey, list), { injectable: false });
}
