/**
 * @module test/txn-checker/analyze
 * Checks a list-append history after the method of Jepsen's Elle: a read of a key returns its
 * whole list, so the longest read gives the order of every version the others must be prefixes
 * of, and each value names the transaction that appended it. From that come the direct
 * anomalies (aborted and intermediate reads, lost updates and writes, impossible orders) and
 * the dependency graph whose cycles are G0 … G2 (graph.ts).
 */
import { type Cycle, DependencyGraph } from './graph.ts';
import type { History, TxnRecord } from './history.ts';

export type AnomalyKind =
  | 'G0'
  | 'G1a'
  | 'G1b'
  | 'G1c'
  | 'G-single'
  | 'G2'
  | 'lost-update'
  | 'lost-write'
  | 'incompatible-order'
  | 'internal'
  | 'garbage-read'
  | 'duplicate-elements';

export interface Anomaly {
  readonly kind: AnomalyKind;
  readonly detail: string;
}

export type CheckedLevel = 'read committed' | 'repeatable read' | 'serializable';

/**
 * What a level forbids. Read committed allows lost updates and read skew (G-single); snapshot
 * isolation (repeatable read) allows write skew (G2) only; serializable forbids it too.
 */
export const forbiddenAt: Record<CheckedLevel, ReadonlySet<AnomalyKind>> = {
  'read committed': new Set<AnomalyKind>([
    'G0',
    'G1a',
    'G1b',
    'G1c',
    'lost-write',
    'incompatible-order',
    'garbage-read',
    'duplicate-elements',
  ]),
  'repeatable read': new Set<AnomalyKind>([
    'G0',
    'G1a',
    'G1b',
    'G1c',
    'G-single',
    'lost-update',
    'lost-write',
    'incompatible-order',
    'internal',
    'garbage-read',
    'duplicate-elements',
  ]),
  serializable: new Set<AnomalyKind>([
    'G0',
    'G1a',
    'G1b',
    'G1c',
    'G-single',
    'G2',
    'lost-update',
    'lost-write',
    'incompatible-order',
    'internal',
    'garbage-read',
    'duplicate-elements',
  ]),
};

export interface Analysis {
  readonly txns: number;
  readonly committed: number;
  readonly aborted: number;
  readonly edges: number;
  readonly anomalies: readonly Anomaly[];
  /** Anomalies by kind. */
  readonly counts: Readonly<Partial<Record<AnomalyKind, number>>>;
}

interface ExternalRead {
  readonly txn: TxnRecord;
  readonly key: number;
  readonly value: readonly number[];
}

export function analyze(history: History): Analysis {
  const anomalies: Anomaly[] = [];
  const report = (kind: AnomalyKind, detail: string): void => {
    anomalies.push({ kind, detail });
  };
  const writers = writerIndex(history.txns);
  const committed = history.txns.filter((t) => t.outcome === 'ok');
  const reads = externalReads(committed);
  for (const t of committed) checkInternal(t, report);
  checkReadValues(committed, writers, report);
  const orders = versionOrders(committed, history.finalState, report);
  checkLostUpdates(reads, report);
  if (history.finalState) checkLostWrites(committed, history.finalState, report);
  const graph = dependencyGraph(committed, orders, reads, writers);
  for (const cycle of graph.cycles()) report(cycle.anomaly, describeCycle(cycle));
  const counts: Partial<Record<AnomalyKind, number>> = {};
  for (const a of anomalies) counts[a.kind] = (counts[a.kind] ?? 0) + 1;
  return {
    txns: history.txns.length,
    committed: committed.length,
    aborted: history.txns.filter((t) => t.outcome === 'fail').length,
    edges: graph.edgeCount,
    anomalies,
    counts,
  };
}

/** (key, value) → the transaction that appended it. */
function writerIndex(txns: readonly TxnRecord[]): Map<string, TxnRecord> {
  const out = new Map<string, TxnRecord>();
  for (const t of txns) for (const op of t.ops) if (op.f === 'append') out.set(`${op.key}:${op.value}`, t);
  return out;
}

/** Each committed transaction's first read of a key, if it came before its own appends to it. */
function externalReads(committed: readonly TxnRecord[]): ExternalRead[] {
  const out: ExternalRead[] = [];
  for (const txn of committed) {
    const seen = new Set<number>();
    for (const op of txn.ops) {
      if (seen.has(op.key)) continue;
      seen.add(op.key);
      if (op.f === 'read' && op.value) out.push({ txn, key: op.key, value: op.value });
    }
  }
  return out;
}

/** A read after the transaction's own appends must show exactly them on top of what it saw. */
function checkInternal(txn: TxnRecord, report: (kind: AnomalyKind, detail: string) => void): void {
  const expected = new Map<number, number[] | null>();
  const own = new Map<number, number[]>();
  for (const op of txn.ops) {
    if (op.f === 'append') {
      expected.get(op.key)?.push(op.value);
      (own.get(op.key) ?? own.set(op.key, []).get(op.key)!).push(op.value);
      continue;
    }
    if (!op.value) continue;
    const want = expected.get(op.key);
    const mine = own.get(op.key) ?? [];
    const ok = want
      ? sameList(want, op.value)
      : sameList(op.value.slice(op.value.length - mine.length), mine);
    if (!ok)
      report(
        'internal',
        `T${txn.index} read key ${op.key} as [${op.value}] after expecting ${want ? `[${want}]` : `its own [${mine}] last`}`,
      );
    expected.set(op.key, [...op.value]);
  }
}

/** Values nobody appended, values twice in one read, and reads of aborted or intermediate writes. */
function checkReadValues(
  committed: readonly TxnRecord[],
  writers: ReadonlyMap<string, TxnRecord>,
  report: (kind: AnomalyKind, detail: string) => void,
): void {
  for (const txn of committed)
    for (const op of txn.ops) {
      if (op.f !== 'read' || !op.value) continue;
      if (new Set(op.value).size !== op.value.length)
        report('duplicate-elements', `T${txn.index} read key ${op.key} as [${op.value}]`);
      for (const v of op.value) {
        const writer = writers.get(`${op.key}:${v}`);
        if (!writer)
          report('garbage-read', `T${txn.index} read ${v} on key ${op.key}, which nobody appended`);
        else if (writer.outcome === 'fail' && writer !== txn)
          report(
            'G1a',
            `T${txn.index} read ${v} on key ${op.key}, appended by T${writer.index}, which aborted`,
          );
      }
      const last = op.value.at(-1);
      const writer = last === undefined ? undefined : writers.get(`${op.key}:${last}`);
      if (!writer || writer === txn) continue;
      const appended = writer.ops.filter((o) => o.f === 'append' && o.key === op.key).map((o) => o.value);
      if (appended.at(-1) !== last)
        report(
          'G1b',
          `T${txn.index} read key ${op.key} ending at ${last}, an intermediate append of T${writer.index}`,
        );
    }
}

/** Per key, the longest list read (the final state, when taken); every read must be a prefix. */
function versionOrders(
  committed: readonly TxnRecord[],
  finalState: History['finalState'],
  report: (kind: AnomalyKind, detail: string) => void,
): Map<number, readonly number[]> {
  const all = new Map<number, (readonly number[])[]>();
  const add = (key: number, value: readonly number[]): void => {
    (all.get(key) ?? all.set(key, []).get(key)!).push(value);
  };
  for (const t of committed) for (const op of t.ops) if (op.f === 'read' && op.value) add(op.key, op.value);
  for (const [key, value] of finalState ?? []) add(key, value);
  const orders = new Map<number, readonly number[]>();
  for (const [key, values] of all) {
    const longest = values.reduce((a, b) => (b.length > a.length ? b : a));
    for (const v of values)
      if (!sameList(longest.slice(0, v.length), v)) {
        report('incompatible-order', `key ${key}: [${v}] is not a prefix of [${longest}]`);
        break;
      }
    orders.set(key, longest);
  }
  return orders;
}

/** Two committed transactions that read the same version of a key and both appended to it. */
function checkLostUpdates(
  reads: readonly ExternalRead[],
  report: (kind: AnomalyKind, detail: string) => void,
): void {
  const byVersion = new Map<string, TxnRecord[]>();
  for (const r of reads) {
    const appends = r.txn.ops.some((op) => op.f === 'append' && op.key === r.key);
    if (!appends) continue;
    const version = `${r.key}:${r.value.length}:${r.value.at(-1) ?? ''}`;
    (byVersion.get(version) ?? byVersion.set(version, []).get(version)!).push(r.txn);
  }
  for (const [version, group] of byVersion)
    if (group.length > 1)
      report(
        'lost-update',
        `T${group.map((t) => t.index).join(', T')} all read version ${version} and appended to it`,
      );
}

/** A committed append missing from the final state. */
function checkLostWrites(
  committed: readonly TxnRecord[],
  finalState: ReadonlyMap<number, readonly number[]>,
  report: (kind: AnomalyKind, detail: string) => void,
): void {
  for (const t of committed)
    for (const op of t.ops)
      if (op.f === 'append' && !(finalState.get(op.key) ?? []).includes(op.value))
        report('lost-write', `T${t.index} committed ${op.value} on key ${op.key}; the final state lacks it`);
}

function dependencyGraph(
  committed: readonly TxnRecord[],
  orders: ReadonlyMap<number, readonly number[]>,
  reads: readonly ExternalRead[],
  writers: ReadonlyMap<string, TxnRecord>,
): DependencyGraph {
  const graph = new DependencyGraph();
  // Aborted writers are G1a already; the graph is over transactions that took effect.
  const writer = (key: number, value: number | undefined) => {
    const t = value === undefined ? undefined : writers.get(`${key}:${value}`);
    return t?.outcome === 'fail' ? undefined : t;
  };
  for (const [key, order] of orders)
    for (let i = 0; i + 1 < order.length; i++) {
      const a = writer(key, order[i]);
      const b = writer(key, order[i + 1]);
      if (a && b) graph.add(a.index, b.index, 'ww');
    }
  // Each session's committed transactions in the order it ran them (history order).
  const lastOfSession = new Map<number, TxnRecord>();
  for (const t of committed) {
    const previous = lastOfSession.get(t.session);
    if (previous) graph.add(previous.index, t.index, 'session');
    lastOfSession.set(t.session, t);
  }
  for (const r of reads) {
    const from = writer(r.key, r.value.at(-1));
    if (from) graph.add(from.index, r.txn.index, 'wr');
    const next = writer(r.key, orders.get(r.key)?.[r.value.length]);
    if (next) graph.add(r.txn.index, next.index, 'rw');
  }
  return graph;
}

function describeCycle(cycle: Cycle): string {
  return `${cycle.steps.map((s) => `T${s.txn} -${s.edge}->`).join(' ')} T${cycle.steps[0]!.txn}`;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
