/**
 * @module plan/lower
 * Logical plan → dataflow lowering: the public surface.
 */

export { splitJoinCondition } from './lower-join.ts';
export { type LoweredView, type LowerOptions, lowerPlan } from './lower-plan.ts';
