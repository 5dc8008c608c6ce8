/**
 * @module test/unit/dataflow-support
 * Helpers for the dataflow oracle tests: bags of rows keyed by a printable form, random histories
 * of insertions and deletions (duplicates, NULLs, deletions of earlier rows), and comparison of
 * an operator's accumulated output with a from-scratch reference after every step.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Value } from '../../src/common/value.ts';
import { Batch } from '../../src/dataflow/batch.ts';

export type Rows = Value[][];

/** A printable, type-tagged form of a value: equal forms ⇔ same value in the same form. */
export function show(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number') return Object.is(v, -0) ? '0' : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(show).join(',')}]`;
  if (v instanceof Uint8Array) return `bytes(${Array.from(v).join(',')})`;
  return `${v.constructor.name}(${String(v)})`;
}

export function showRow(row: readonly Value[]): string {
  return `(${row.map(show).join(', ')})`;
}

/** A bag: printable row → weight. */
export type Bag = Map<string, number>;

export function bagOf(rows: readonly (readonly Value[])[]): Bag {
  const bag: Bag = new Map();
  for (const r of rows) addTo(bag, showRow(r), 1);
  return bag;
}

function addTo(bag: Bag, key: string, w: number): void {
  const n = (bag.get(key) ?? 0) + w;
  if (n === 0) bag.delete(key);
  else bag.set(key, n);
}

export function applyBatch(bag: Bag, batch: Batch): void {
  for (let i = 0; i < batch.length; i++) addTo(bag, showRow(batch.row(i)), batch.weights[i]!);
}

export function assertBagEqual(actual: Bag, expected: Bag, context: string): void {
  const a = [...actual.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  const e = [...expected.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  assert.deepEqual(a, e, context);
}

/** One input relation's live rows, expanded (a row of weight 2 appears twice). */
export class Relation {
  readonly arity: number;
  rows: Rows = [];
  constructor(arity: number) {
    this.arity = arity;
  }
}

/** An action: insert `row`, or delete the live row at `pick % live.length` (skipped when empty). */
export type Action = { readonly insert: Value[] } | { readonly deletePick: number };

/** Applies a step's actions to `rel`, returning the (unconsolidated) delta batch. */
export function applyActions(rel: Relation, actions: readonly Action[]): Batch {
  const delta = new Batch(rel.arity);
  for (const a of actions) {
    if ('insert' in a) {
      rel.rows.push(a.insert);
      delta.push(a.insert, 0, 1);
    } else if (rel.rows.length > 0) {
      const k = a.deletePick % rel.rows.length;
      const [row] = rel.rows.splice(k, 1);
      delta.push(row!, 0, -1);
    }
  }
  return delta;
}

/** Actions over rows drawn from `row`: mostly inserts, some deletions of live rows. */
export function actionArb(row: fc.Arbitrary<Value[]>): fc.Arbitrary<Action> {
  return fc.oneof(
    { weight: 3, arbitrary: row.map((r) => ({ insert: r })) },
    { weight: 2, arbitrary: fc.nat().map((n) => ({ deletePick: n })) },
  );
}

/** A history: steps of up to `maxActions` actions each. */
export function historyArb(
  row: fc.Arbitrary<Value[]>,
  maxSteps = 8,
  maxActions = 8,
): fc.Arbitrary<Action[][]> {
  return fc.array(fc.array(actionArb(row), { maxLength: maxActions }), { minLength: 1, maxLength: maxSteps });
}

/** Small integers with NULLs, so groups, keys and duplicates collide often. */
export function smallInt(max = 4, nullable = true): fc.Arbitrary<Value> {
  const int = fc.integer({ min: 0, max });
  return nullable ? fc.option(int, { nil: null, freq: 5 }) : int;
}

export function smallText(nullable = true): fc.Arbitrary<Value> {
  const t = fc.constantFrom('a', 'b', 'c', 'ab');
  return nullable ? fc.option(t, { nil: null, freq: 5 }) : t;
}

/** The fixed seed of every dataflow property test (override with EDDY_FC_SEED / EDDY_FC_RUNS). */
export const fcOptions = {
  seed: Number(process.env.EDDY_FC_SEED ?? 20240611),
  numRuns: Number(process.env.EDDY_FC_RUNS ?? 150),
};

/** Runs a unary operator over a history, checking after every step against `reference`. */
export function checkUnary(
  op: { step(inputs: readonly Batch[]): Batch },
  arity: number,
  history: readonly (readonly Action[])[],
  reference: (rows: Rows) => Rows,
): void {
  const rel = new Relation(arity);
  const acc: Bag = new Map();
  for (let s = 0; s < history.length; s++) {
    const delta = applyActions(rel, history[s]!);
    applyBatch(acc, op.step([delta]));
    assertBagEqual(acc, bagOf(reference(rel.rows)), `step ${s}, input ${rel.rows.map(showRow).join(' ')}`);
  }
}

/** Runs a binary operator over a history of (left, right) action pairs. */
export function checkBinary(
  op: { step(inputs: readonly Batch[]): Batch },
  arities: readonly [number, number],
  history: readonly (readonly [readonly Action[], readonly Action[]])[],
  reference: (left: Rows, right: Rows) => Rows,
): void {
  const left = new Relation(arities[0]);
  const right = new Relation(arities[1]);
  const acc: Bag = new Map();
  for (let s = 0; s < history.length; s++) {
    const [la, ra] = history[s]!;
    const dl = applyActions(left, la);
    const dr = applyActions(right, ra);
    applyBatch(acc, op.step([dl, dr]));
    const context = `step ${s}, left ${left.rows.map(showRow).join(' ')} right ${right.rows.map(showRow).join(' ')}`;
    assertBagEqual(acc, bagOf(reference(left.rows, right.rows)), context);
  }
}

export function binaryHistoryArb(
  leftRow: fc.Arbitrary<Value[]>,
  rightRow: fc.Arbitrary<Value[]>,
  maxSteps = 8,
  maxActions = 6,
): fc.Arbitrary<[Action[], Action[]][]> {
  const side = (row: fc.Arbitrary<Value[]>) => fc.array(actionArb(row), { maxLength: maxActions });
  return fc.array(fc.tuple(side(leftRow), side(rightRow)), { minLength: 1, maxLength: maxSteps });
}
