/**
 * @module test/chaos/check.test
 * The crash harness's verdicts on hand-made recovered states: it accepts exactly the acknowledged
 * writes with the write in doubt whole or absent, and reports a lost write, a write applied twice,
 * half a transaction, a view that differs from its query and a subscriber that differs from the
 * view. The workload and the run plan (kills, disk-full write) replay from their seed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type ClientHistory,
  checkClient,
  checkViewSet,
  checkViews,
  type Dump,
  SubscriberState,
} from './check.ts';
import { PhaseLog } from './phase-log.ts';
import { firstProcess, planRun, type RunConfig } from './run.ts';
import {
  applyWrite,
  type ClientState,
  cloneClientState,
  defaultShape,
  emptyClientState,
  nextWrite,
  tables,
  type Write,
} from './workload.ts';

const seed = 42;

/** The first `count` writes of a client, each generated from the state the previous ones left. */
function writesOf(client: number, count: number): Write[] {
  const state = emptyClientState(client);
  const out: Write[] = [];
  for (let i = 0; i < count; i++) {
    const w = nextWrite(seed, state, defaultShape, undefined);
    applyWrite(state, w);
    out.push(w);
  }
  return out;
}

function stateAfter(client: number, writes: readonly Write[]): ClientState {
  const s = emptyClientState(client);
  for (const w of writes) applyWrite(s, w);
  return s;
}

/** A dump holding exactly these states' rows (as the database reads them back: text). */
function dumpOf(states: readonly ClientState[]): Dump {
  const rows = (name: 'acct' | 'item' | 'ev') =>
    states.flatMap((s) => s.rows[name].map((r) => r.map((v) => (v === null ? null : String(v)))));
  return {
    tablesPresent: true,
    tables: { acct: rows('acct'), item: rows('item'), ev: rows('ev') },
    views: [],
  };
}

function history(client: number, writes: readonly Write[], inDoubt: Write | undefined): ClientHistory {
  return {
    start: emptyClientState(client),
    writes: [
      ...writes.map((write) => ({ write, outcome: 'acked' as const })),
      ...(inDoubt ? [{ write: inDoubt, outcome: 'unknown' as const }] : []),
    ],
  };
}

test('the same seed gives the same writes; another seed other writes', () => {
  assert.deepEqual(writesOf(1, 20), writesOf(1, 20));
  const other = emptyClientState(1);
  assert.notDeepEqual(nextWrite(seed + 1, other, defaultShape, undefined), writesOf(1, 1)[0]);
  const all = writesOf(2, 40);
  assert.ok(
    all.some((w) => w.via === 'sql' && w.ops.length > 1),
    'multi-statement transactions',
  );
  assert.ok(
    all.some((w) => w.ops.some((o) => o.op === 'update')) &&
      all.some((w) => w.ops.some((o) => o.op === 'delete')),
  );
});

test('acknowledged writes, with the write in doubt applied or not, pass', () => {
  const writes = writesOf(0, 12);
  const acked = writes.slice(0, 11);
  const other = stateAfter(1, writesOf(1, 5));
  for (const applied of [false, true]) {
    const state = stateAfter(0, applied ? writes : acked);
    const v = checkClient(dumpOf([state, other]), history(0, acked, writes[11]));
    assert.equal(v.problem, undefined);
    assert.equal(v.unknownApplied, applied);
    assert.equal(v.resolved?.index, 12, 'the next write comes after the one in doubt');
  }
});

test('a lost acknowledged write is reported with its count', () => {
  const writes = writesOf(0, 10);
  const v = checkClient(dumpOf([stateAfter(0, writes.slice(0, 7))]), history(0, writes, undefined));
  assert.equal(v.lostWrites, 3);
  assert.match(v.problem!, /first 7 of 10/);
  const gone = checkClient(dumpOf([]), history(0, writes, undefined));
  assert.ok(gone.problem !== undefined);
});

test('a write applied twice and half a transaction match no allowed state', () => {
  const writes = writesOf(3, 15);
  const insert = writes.find(
    (w) => w.ops.length === 1 && w.ops[0]!.op === 'insert' && w.ops[0]!.table === 'ev',
  )!;
  const upTo = writes.slice(0, writes.indexOf(insert) + 1);
  const twice = stateAfter(3, upTo);
  applyWrite(twice, { ...insert, index: insert.index });
  const dup = checkClient(dumpOf([twice]), history(3, upTo, undefined));
  assert.ok(dup.problem !== undefined);
  assert.ok(dup.extraRows > 0);

  const multi = writes.find(
    (w) => w.via === 'sql' && w.ops.length > 1 && w.ops.every((o) => o.op === 'insert'),
  );
  const txn = multi ?? writes.find((w) => w.via === 'sql' && w.ops.length > 1)!;
  const before = writes.slice(0, writes.indexOf(txn));
  const half = cloneClientState(stateAfter(3, before));
  applyWrite(half, { ...txn, ops: txn.ops.slice(0, 1) });
  const v = checkClient(dumpOf([half]), history(3, before, txn));
  assert.ok(v.problem !== undefined, 'half of the transaction in doubt is neither all nor nothing');
});

test('views must equal their query; the view set follows acknowledged DDL; the subscriber equals the view', () => {
  const base: Dump = { tablesPresent: true, tables: { acct: [], item: [], ev: [] }, views: [] };
  const good = {
    ...base,
    views: [{ name: 'v', stored: ['[1]', '[1]', '[2]'], adhoc: ['[2]', '[1]', '[1]'] }],
  };
  assert.deepEqual(checkViews(good), []);
  const bad = { ...base, views: [{ name: 'v', stored: ['[1]', '[2]'], adhoc: ['[2]', '[1]', '[1]'] }] };
  assert.match(checkViews(bad)[0]!, /1 rows missing and 0 extra/);
  assert.deepEqual(checkViewSet(good, new Map([['v', true]])), []);
  assert.deepEqual(checkViewSet(good, new Map([['v', 'either']])), []);
  assert.equal(checkViewSet(good, new Map([['v', false]])).length, 1);
  assert.equal(checkViewSet(base, new Map([['v', true]])).length, 1);

  const sub = new SubscriberState();
  sub.apply(3, '[1]', 2);
  sub.apply(4, '[2]', 1);
  assert.deepEqual(sub.compare(['[1]', '[2]', '[1]']), []);
  sub.apply(5, '[2]', -1);
  assert.equal(sub.compare(['[1]', '[2]', '[1]']).length, 1);
  assert.equal(sub.lastStep, 5);
});

test('every table has an owner column: the rows of each client are told apart', () => {
  for (const t of tables) assert.ok(t.columns.includes('owner'), t.name);
});

test('a run plan is a function of its seed; a disk-full run arms enospc beside the kill', () => {
  const config = (s: number): RunConfig => ({
    seed: s,
    mode: 'library',
    clients: 3,
    writesPerClient: 10,
    writesAfter: 2,
    shape: defaultShape,
    failpoints: ['log.before-append', 'checkpoint.after-chunk', 'recovery.replay', 'enospc'],
    env: {},
    checkpointMs: 100,
  });
  assert.deepEqual(planRun(config(7)), planRun(config(7)));
  const seeds = Array.from({ length: 60 }, (_, i) => i);
  const armed = seeds.map((s) => firstProcess(config(s)).failpoints);
  assert.ok(
    armed.some((f) => /^[a-z.-]+@\d+,enospc@\d+$/.test(f)),
    'a kill and a disk-full write together',
  );
  assert.ok(
    armed.some((f) => f === ''),
    'an external kill with nothing armed',
  );
  assert.ok(
    seeds.every((s) => planRun(config(s)).recoveryKill?.failpoint?.startsWith('recovery.') ?? true),
    'recovery kills use recovery failpoints only',
  );
});

test('a refusal counts as expected only for the code the run provoked', () => {
  const [write] = writesOf(0, 1);
  const log = new PhaseLog([emptyClientState(0)]);
  log.allowedRefusal = '53100';
  log.sent(write!);
  log.failed(write!, '53100', 'could not extend the input log');
  assert.deepEqual([log.refused, log.unexpected.length], [1, 0]);
  const strict = new PhaseLog([emptyClientState(0)]);
  strict.sent(write!);
  strict.failed(write!, '53100', 'could not extend the input log');
  assert.deepEqual([strict.refused, strict.unexpected.length], [0, 1]);
});
