/**
 * @module test/unit/dataflow-join
 * Oracle tests of the join operator for every join type (inner, left, right, full, cross, semi,
 * anti, and NOT IN's null-aware anti join), with and without a residual predicate, with `=` and
 * null-safe keys: after every step of a random history the accumulated output equals a nested-loop
 * join of the accumulated inputs.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { type JoinMode, JoinOp } from '../../src/dataflow/operators/join.ts';
import type { JoinKeyComponent } from '../../src/dataflow/operators/join-keys.ts';
import { NullAwareAntiJoinOp } from '../../src/dataflow/operators/null-aware-anti-join.ts';
import { binaryHistoryArb, checkBinary, fcOptions, type Rows, smallInt } from './dataflow-support.ts';

const row2 = fc.tuple(smallInt(3), smallInt(3)).map((t): Value[] => [...t]);

/** Three-valued `l.c1 < r.c1` (the residual of the tests). */
function lessThan(l: Value, r: Value): boolean | null {
  if (l === null || r === null) return null;
  return (l as number) < (r as number);
}

interface Config {
  readonly keys: readonly JoinKeyComponent[];
  readonly residual: boolean;
}

const configs: Record<string, Config> = {
  'one = key': { keys: [{ left: 0, right: 0, nullSafe: false, type: T.int4 }], residual: false },
  'one = key, residual': { keys: [{ left: 0, right: 0, nullSafe: false, type: T.int4 }], residual: true },
  'null-safe key': { keys: [{ left: 0, right: 0, nullSafe: true, type: T.int4 }], residual: false },
  'two keys, one computed': {
    keys: [
      { left: 0, right: 0, nullSafe: false, type: T.int4 },
      {
        left: (row, base) => (row[base + 1] === null ? null : (row[base + 1] as number) % 2),
        right: 1,
        nullSafe: false,
        type: T.int4,
      },
    ],
    residual: false,
  },
  'no keys (cross / theta)': { keys: [], residual: false },
  'no keys, residual': { keys: [], residual: true },
};

function keyValue(part: JoinKeyComponent['left'], row: readonly Value[]): Value {
  return typeof part === 'number' ? row[part]! : part(row, 0);
}

function matches(cfg: Config, l: readonly Value[], r: readonly Value[]): boolean {
  for (const k of cfg.keys) {
    const a = keyValue(k.left, l);
    const b = keyValue(k.right, r);
    if (k.nullSafe ? a !== b : a === null || b === null || a !== b) return false;
  }
  return !cfg.residual || lessThan(l[1]!, r[1]!) === true;
}

function referenceJoin(mode: JoinMode, cfg: Config, left: Rows, right: Rows): Rows {
  const out: Rows = [];
  const rightMatched = right.map(() => false);
  for (const l of left) {
    let any = false;
    right.forEach((r, j) => {
      if (!matches(cfg, l, r)) return;
      any = true;
      rightMatched[j] = true;
      if (mode !== 'semi' && mode !== 'anti') out.push([...l, ...r]);
    });
    if (mode === 'semi' && any) out.push([...l]);
    if (mode === 'anti' && !any) out.push([...l]);
    if ((mode === 'left' || mode === 'full') && !any) out.push([...l, null, null]);
  }
  if (mode === 'right' || mode === 'full') {
    right.forEach((r, j) => {
      if (!rightMatched[j]) out.push([null, null, ...r]);
    });
  }
  return out;
}

const modes: JoinMode[] = ['inner', 'left', 'right', 'full', 'semi', 'anti'];

for (const mode of modes) {
  for (const [name, cfg] of Object.entries(configs)) {
    test(`${mode} join, ${name}: incremental equals nested loops`, () => {
      fc.assert(
        fc.property(binaryHistoryArb(row2, row2), (history) => {
          const residual = cfg.residual
            ? (row: readonly Value[], base: number) => lessThan(row[base + 1]!, row[base + 3]!) === true
            : null;
          const op = new JoinOp(2, 2, mode, cfg.keys, residual);
          checkBinary(op, [2, 2], history, (l, r) => referenceJoin(mode, cfg, l, r));
        }),
        fcOptions,
      );
    });
  }
}

/** NOT IN: `l.c0 NOT IN (SELECT r.c0 FROM r WHERE r.c1 <> 0 …)` modelled as condition l0 = r0 [AND l1 < r1]. */
function notInCondition(residual: boolean) {
  return (row: readonly Value[], base: number): Value => {
    const a = row[base]!;
    const b = row[base + 2]!;
    const eq = a === null || b === null ? null : a === b;
    if (!residual) return eq;
    const lt = lessThan(row[base + 1]!, row[base + 3]!);
    if (eq === false || lt === false) return false;
    return eq === null || lt === null ? null : true;
  };
}

for (const residual of [false, true]) {
  test(`null-aware anti join${residual ? ' with residual' : ''}: keeps rows for which every comparison is FALSE`, () => {
    fc.assert(
      fc.property(binaryHistoryArb(row2, row2), (history) => {
        const cond = notInCondition(residual);
        const op = new NullAwareAntiJoinOp(
          2,
          2,
          [{ left: 0, right: 0, nullSafe: false, type: T.int4 }],
          cond,
        );
        checkBinary(op, [2, 2], history, (left, right) =>
          left.filter((l) => right.every((r) => cond([...l, ...r], 0) === false)),
        );
      }),
      fcOptions,
    );
  });
}
