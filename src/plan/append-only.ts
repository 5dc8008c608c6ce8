/**
 * @module plan/append-only
 * Which plans only ever insert: a plan over append-only relations (sources) through filters,
 * maps, flat-maps, inner and cross joins and UNION ALL never retracts a row, so its consumers can
 * keep less state (min / max need one value per group, not every value). Each distinct node is
 * judged once, so a shared subplan (a CTE read twice) costs no more than one read.
 */
import type { LogicalPlan } from './logical.ts';
import { readsClock } from './temporal-filter.ts';

export function isAppendOnly(
  plan: LogicalPlan,
  appendOnlyRelation: (relationId: number) => boolean,
): boolean {
  const judged = new Map<LogicalPlan, boolean>();
  const recur = (p: LogicalPlan): boolean => {
    let answer = judged.get(p);
    if (answer === undefined) {
      answer = judge(p, appendOnlyRelation, recur);
      judged.set(p, answer);
    }
    return answer;
  };
  return recur(plan);
}

function judge(
  plan: LogicalPlan,
  appendOnlyRelation: (relationId: number) => boolean,
  recur: (p: LogicalPlan) => boolean,
): boolean {
  switch (plan.kind) {
    case 'get':
      return appendOnlyRelation(plan.relationId);
    case 'values':
      return true;
    case 'filter':
      // A temporal filter retracts rows as the clock passes them.
      return !readsClock(plan.predicate) && recur(plan.input);
    case 'map':
    case 'flatMap':
    case 'orderBy':
      return recur(plan.input);
    case 'join':
      return plan.joinType === 'inner' && recur(plan.left) && recur(plan.right);
    case 'setOp':
      return plan.op === 'union' && plan.all && recur(plan.left) && recur(plan.right);
    default:
      return false;
  }
}
