/**
 * @module plan/optimize/optimize
 * The rewrite pipeline applied to a bound plan before it is lowered to the dataflow, as a named
 * list of passes so EXPLAIN can show the plan after each one. Each pass preserves the plan's
 * result exactly. Ad-hoc queries get the passes that keep the one-shot evaluator from building
 * cross products (`adhocPasses`); the oracle tests evaluate the bound plan as written.
 */
import { EddyError, FeatureNotSupportedError } from '../../common/errors.ts';
import type { LogicalPlan } from '../logical.ts';
import { decorrelate } from './decorrelate.ts';
import { foldPlan } from './fold-constants.ts';
import { gateInputs } from './gate-inputs.ts';
import { gateNullableSides } from './gate-nullable-sides.ts';
import { orderJoins } from './join-order.ts';
import { orderQuals } from './order-quals.ts';
import { pruneColumns } from './prune-columns.ts';
import { pushdownPredicates } from './pushdown.ts';

export interface RewritePass {
  readonly name: string;
  readonly run: (plan: LogicalPlan) => LogicalPlan;
}

export const passes: readonly RewritePass[] = [
  { name: 'gate inputs', run: gateInputs },
  { name: 'decorrelate', run: decorrelate },
  { name: 'fold constants', run: foldPlan },
  { name: 'push down predicates', run: pushdownPredicates },
  { name: 'gate nullable sides', run: gateNullableSides },
  { name: 'order joins', run: orderJoins },
  { name: 'order conditions', run: orderQuals },
  { name: 'prune columns', run: pruneColumns },
];

/** Pushdown and join ordering: filters below cross products, equalities into the joins' ON. */
const adhocPasses = passes.filter(
  (p) => p.run === pushdownPredicates || p.run === orderJoins || p.run === orderQuals,
);

/** The rewrites an ad-hoc query gets before the one-shot evaluator runs it. */
export function rewriteAdhoc(plan: LogicalPlan): LogicalPlan {
  let out = plan;
  for (const pass of adhocPasses) out = runPass(pass, out);
  return out;
}

export function optimize(plan: LogicalPlan): LogicalPlan {
  let out = plan;
  for (const pass of passes) out = runPass(pass, out);
  return out;
}

/**
 * Runs one pass. A pass meeting a plan shape it was not written for must not leak a JavaScript
 * error (a TypeError) to the user: it becomes 0A000 naming the pass, the original kept as cause.
 */
function runPass(pass: RewritePass, plan: LogicalPlan): LogicalPlan {
  try {
    return pass.run(plan);
  } catch (e) {
    if (e instanceof EddyError) throw e;
    throw new FeatureNotSupportedError(`this query's shape is not supported by the ${pass.name} rewrite`, {
      detail: e instanceof Error ? e.message : String(e),
      cause: e,
    });
  }
}

/** The plan after each pass, for EXPLAIN. */
export function optimizeStages(plan: LogicalPlan): { name: string; plan: LogicalPlan }[] {
  const stages = [{ name: 'bound', plan }];
  let out = plan;
  for (const pass of passes) {
    out = runPass(pass, out);
    stages.push({ name: pass.name, plan: out });
  }
  return stages;
}
