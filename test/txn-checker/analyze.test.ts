/**
 * The history checker on hand-written list-append histories: each anomaly it names is found
 * where it is, and a serial history has none (so a clean run means something).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from './analyze.ts';
import type { History, MicroOp, Outcome, TxnRecord } from './history.ts';

const r = (key: number, value: number[]): MicroOp => ({ f: 'read', key, value });
const a = (key: number, value: number): MicroOp => ({ f: 'append', key, value });

/** Each transaction in a session of its own, unless `sessions` says otherwise. */
function history(
  txns: [Outcome, ...MicroOp[]][],
  finalState?: Record<number, number[]>,
  sessions?: number[],
): History {
  const records: TxnRecord[] = txns.map(([outcome, ...ops], index) => ({
    index,
    session: sessions?.[index] ?? index,
    ops,
    outcome,
  }));
  return {
    txns: records,
    finalState: finalState && new Map(Object.entries(finalState).map(([k, v]) => [Number(k), v])),
  };
}

const kinds = (h: History) => Object.keys(analyze(h).counts).sort();

test('a serial history has no anomaly', () => {
  const h = history(
    [
      ['ok', r(1, []), a(1, 1), a(2, 1)],
      ['ok', r(1, [1]), r(2, [1]), a(1, 2), r(1, [1, 2])],
      ['fail', a(2, 9)],
      ['ok', r(2, [1]), a(2, 2)],
    ],
    { 1: [1, 2], 2: [1, 2] },
  );
  assert.deepEqual(analyze(h).anomalies, []);
  assert.ok(analyze(h).edges >= 4);
});

test('G0: write cycle', () => {
  const h = history([
    ['ok', a(1, 1), a(2, 2)],
    ['ok', a(1, 2), a(2, 1)],
    ['ok', r(1, [1, 2]), r(2, [1, 2])],
  ]);
  assert.ok(kinds(h).includes('G0'));
});

test('G1a aborted read, G1b intermediate read', () => {
  assert.deepEqual(
    kinds(
      history([
        ['fail', a(1, 1)],
        ['ok', r(1, [1])],
      ]),
    ),
    ['G1a'],
  );
  assert.deepEqual(
    kinds(
      history([
        ['ok', a(1, 1), a(1, 2)],
        ['ok', r(1, [1])],
      ]),
    ),
    ['G1b'],
  );
});

test('G1c: circular information flow through a read', () => {
  const h = history([
    ['ok', a(1, 1), r(2, [1])],
    ['ok', a(2, 1), r(1, [1])],
  ]);
  assert.deepEqual(kinds(h), ['G1c']);
});

test('G-single (read skew) and G2 (write skew)', () => {
  const readSkew = history([
    ['ok', r(1, []), r(2, [1])],
    ['ok', a(1, 1), a(2, 1)],
    ['ok', r(1, [1])],
  ]);
  assert.deepEqual(kinds(readSkew), ['G-single']);
  const writeSkew = history([
    ['ok', r(1, []), a(2, 1)],
    ['ok', r(2, []), a(1, 1)],
    ['ok', r(1, [1]), r(2, [1])],
  ]);
  assert.deepEqual(kinds(writeSkew), ['G2']);
});

test('lost update, lost write, incompatible order, internal inconsistency', () => {
  const lost = history(
    [
      ['ok', r(1, []), a(1, 1)],
      ['ok', r(1, []), a(1, 2)],
    ],
    { 1: [2] },
  );
  assert.deepEqual(kinds(lost), ['lost-update', 'lost-write']);
  assert.deepEqual(
    kinds(
      history([
        ['ok', a(1, 1)],
        ['ok', a(1, 2)],
        ['ok', r(1, [1])],
        ['ok', r(1, [2])],
      ]),
    ),
    ['incompatible-order'],
  );
  assert.deepEqual(kinds(history([['ok', r(1, []), a(1, 1), r(1, [])]])), ['internal']);
});

test('a session that does not see its own earlier commit: a cycle through a session edge', () => {
  const txns: [Outcome, ...MicroOp[]][] = [
    ['ok', a(1, 1)],
    ['ok', r(1, [])],
    ['ok', r(1, [1])],
  ];
  assert.deepEqual(kinds(history(txns)), []);
  assert.deepEqual(kinds(history(txns, undefined, [0, 0, 1])), ['G-single']);
});
