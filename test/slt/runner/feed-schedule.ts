/**
 * @module test/slt/runner/feed-schedule
 * Turns a group's feed into seeded transactions: random-sized batches of new rows, random deletes of
 * rows already fed and re-inserts of deleted ones. Invariant: at every checkpoint and before every
 * opaque step all deleted rows are back, so the tables hold exactly what the file has inserted so far.
 */
import type { FeedItem, FeedRow, Group } from './feed-plan.ts';

export type Step =
  | {
      readonly kind: 'batch';
      /** Rows whose every copy is deleted, each by its `deleteSql`; run before the inserts. */
      readonly deletes: readonly FeedRow[];
      readonly inserts: readonly FeedRow[];
      readonly touched: ReadonlySet<string>;
    }
  | { readonly kind: 'opaque'; readonly item: Extract<FeedItem, { kind: 'opaque' }> }
  | { readonly kind: 'checkpoint'; readonly feedPos: number };

/** A seeded PRNG (mulberry32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stable 32-bit hash of a string (FNV-1a), to derive a per-file seed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

const deleteChance = 0.4;
const reinsertChance = 0.5;
const churnChance = 0.5;
/** A batch takes at most this share of the rows still to feed, so a segment takes O(log n) batches. */
const batchShareMax = 0.6;

interface Copies {
  readonly row: FeedRow;
  live: number;
  deleted: number;
}

export function* schedule(group: Group, random: () => number): Generator<Step> {
  const copies = new Map<string, Copies>();
  let deletesAllowed = true;
  let pending: FeedRow[] = [];
  let checkpointAt = 0;
  const checkpoints = group.checkpoints;
  for (let pos = 0; pos <= group.feed.length; pos++) {
    const item = group.feed[pos];
    const atCheckpoint = checkpointAt < checkpoints.length && checkpoints[checkpointAt].feedPos === pos;
    if (item?.kind === 'row' && !atCheckpoint) {
      pending.push(item.row);
      continue;
    }
    yield* feedSegment(pending, copies, deletesAllowed, random);
    pending = [];
    yield* restore(copies);
    if (atCheckpoint) {
      yield { kind: 'checkpoint', feedPos: pos };
      while (checkpointAt < checkpoints.length && checkpoints[checkpointAt].feedPos === pos) checkpointAt++;
    }
    if (item?.kind === 'opaque') {
      yield { kind: 'opaque', item };
      // The opaque statement changed rows the runner does not track: deleting now could be inexact.
      deletesAllowed = false;
    } else if (item?.kind === 'row') {
      pending.push(item.row);
    }
  }
}

function* feedSegment(
  rows: FeedRow[],
  copies: Map<string, Copies>,
  deletesAllowed: boolean,
  random: () => number,
): Generator<Step> {
  let next = 0;
  while (next < rows.length) {
    const left = rows.length - next;
    const size = 1 + Math.floor(random() * Math.ceil(left * batchShareMax));
    const deletes = deletesAllowed && random() < deleteChance ? pickDeletes(copies, random) : [];
    const inserts = rows.slice(next, next + size);
    next += size;
    for (const row of inserts) {
      if (row.key === null) continue;
      const c = copies.get(row.key);
      if (c === undefined) copies.set(row.key, { row, live: 1, deleted: 0 });
      else c.live++;
    }
    if (random() < reinsertChance) inserts.push(...pickReinsert(copies, random));
    yield batch(deletes, inserts);
  }
  if (rows.length > 0 && deletesAllowed && random() < churnChance) {
    const deletes = pickDeletes(copies, random);
    if (deletes.length > 0) yield batch(deletes, []);
  }
}

function batch(deletes: FeedRow[], inserts: FeedRow[]): Step {
  const touched = new Set<string>();
  for (const r of deletes) touched.add(r.table);
  for (const r of inserts) touched.add(r.table);
  return { kind: 'batch', deletes, inserts, touched };
}

/** Deletes every copy of one or two random rows that are live and exactly deletable. */
function pickDeletes(copies: Map<string, Copies>, random: () => number): FeedRow[] {
  const live: Copies[] = [];
  for (const c of copies.values()) if (c.live > 0) live.push(c);
  const out: FeedRow[] = [];
  const count = Math.min(live.length, 1 + Math.floor(random() * 2));
  for (let k = 0; k < count; k++) {
    const at = k + Math.floor(random() * (live.length - k));
    const c = live[at];
    live[at] = live[k];
    c.deleted += c.live;
    c.live = 0;
    out.push(c.row);
  }
  return out;
}

/** Re-inserts all deleted copies of one random row. */
function pickReinsert(copies: Map<string, Copies>, random: () => number): FeedRow[] {
  const deleted: Copies[] = [];
  for (const c of copies.values()) if (c.deleted > 0) deleted.push(c);
  if (deleted.length === 0) return [];
  const c = deleted[Math.floor(random() * deleted.length)];
  return revive(c);
}

function revive(c: Copies): FeedRow[] {
  const rows = new Array<FeedRow>(c.deleted).fill(c.row);
  c.live += c.deleted;
  c.deleted = 0;
  return rows;
}

/** One batch re-inserting every deleted copy, if any. */
function* restore(copies: Map<string, Copies>): Generator<Step> {
  const inserts: FeedRow[] = [];
  for (const c of copies.values()) if (c.deleted > 0) inserts.push(...revive(c));
  if (inserts.length > 0) yield batch([], inserts);
}
