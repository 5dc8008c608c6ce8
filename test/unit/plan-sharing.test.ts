/**
 * @module test/unit/plan-sharing
 * A subplan read by several consumers (a CTE read twice, here a "diamond" chain where each level
 * joins the previous level with itself) is planned, evaluated and lowered once per distinct node:
 * a 30-level chain has 2^30 paths but ~120 distinct nodes. Before sharing, each pass and the
 * lowering walked every path, so these tests would not finish.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { T } from '../../src/common/types.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { Circuit } from '../../src/dataflow/circuit.ts';
import { evaluatePlan } from '../../src/plan/evaluate/evaluate.ts';
import { explainPlan } from '../../src/plan/explain.ts';
import type { LogicalPlan, Schema } from '../../src/plan/logical.ts';
import { lowerPlan } from '../../src/plan/lower/lower-plan.ts';
import { optimize } from '../../src/plan/optimize/optimize.ts';
import { planEquals, sharedNodes } from '../../src/plan/plan-visit.ts';
import { col, lit, type ScalarExpr } from '../../src/plan/scalar.ts';
import { exprEquals } from '../../src/plan/scalar-visit.ts';

const BASE = 1;
const LEVELS = 30;
const schema: Schema = [{ name: 'x', type: T.int4, nullable: true }];
const base: LogicalPlan = { kind: 'get', relationId: BASE, name: 'base', schema };

const plusOne = (e: ScalarExpr): ScalarExpr => ({
  kind: 'call',
  name: '+',
  args: [e, lit(1, T.int4)],
  impl: (x, y) => (x as number) + (y as number),
  strict: true,
  volatile: false,
  type: T.int4,
});

/** Level i: SELECT a.x + 1 FROM level(i-1) a JOIN level(i-1) b ON a.x = b.x. */
function diamond(levels: number): LogicalPlan {
  let plan: LogicalPlan = { kind: 'map', input: base, exprs: [col(0, T.int4)], schema };
  for (let i = 0; i < levels; i++) {
    const join: LogicalPlan = {
      kind: 'join',
      joinType: 'inner',
      left: plan,
      right: plan,
      on: { kind: 'compare', op: '=', left: col(0, T.int4), right: col(1, T.int4), type: T.bool },
      schema: [...schema, ...schema],
    };
    plan = { kind: 'map', input: join, exprs: [plusOne(col(0, T.int4))], schema };
  }
  return plan;
}

const rowsOf = (b: Batch): number[] => {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) for (let w = 0; w < b.weights[i]!; w++) out.push(b.values[i] as number);
  return out.sort((p, q) => p - q);
};

test('the evaluator computes a shared subplan once per evaluation', { timeout: 60_000 }, () => {
  const rows = evaluatePlan(diamond(LEVELS), { readRelation: () => [[1], [2]] });
  assert.deepEqual(rows.map((r) => r[0]).sort(), [1 + LEVELS, 2 + LEVELS]);
});

test('rewrite passes keep a shared subplan shared; EXPLAIN prints it once', { timeout: 60_000 }, () => {
  const optimized = optimize(diamond(LEVELS));
  assert.ok(sharedNodes(optimized, false).size >= LEVELS, 'every level stays shared');
  const lines = explainPlan(optimized);
  assert.ok(lines.length < 10 * LEVELS, `EXPLAIN has ${lines.length} lines`);
  assert.ok(lines.some((l) => l.includes('[shared #1]')));
});

test('lowering builds one operator subgraph for a shared subplan', { timeout: 60_000 }, () => {
  const circuit = new Circuit();
  const view = lowerPlan(circuit, optimize(diamond(LEVELS)));
  const joins = circuit.stateSizes().filter((s) => s.operator === 'JoinOp');
  assert.equal(joins.length, LEVELS, 'one join operator per level');
  let out = circuit.step(new Map([[BASE, Batch.fromRows(1, [[1], [2]])]])).get(view.outputId)!;
  assert.deepEqual(rowsOf(out), [1 + LEVELS, 2 + LEVELS]);
  out = circuit.step(new Map([[BASE, Batch.fromRows(1, [[1]], [-1])]])).get(view.outputId)!;
  assert.deepEqual([out.values, out.weights], [[1 + LEVELS], [-1]]);
});

test('structurally equal subqueries compare equal; different ones do not', () => {
  const sub = (plan: LogicalPlan): ScalarExpr => ({
    kind: 'subquery',
    subquery: 'scalar',
    plan,
    type: T.int4,
  });
  assert.ok(exprEquals(sub(diamond(3)), sub(diamond(3)), planEquals));
  assert.ok(!exprEquals(sub(diamond(3)), sub(diamond(4)), planEquals));
  assert.ok(!exprEquals(sub(diamond(3)), sub(diamond(3))), 'by default only the same plan object is equal');
});
