/**
 * @module eddydb
 * Public entry point of the `eddydb` package: the library API, its errors, and what a user needs
 * to build and read every type's value (README, "Values").
 */

export { type Clock, ManualClock } from './common/clock.ts';
export * from './common/errors.ts';
export { Interval } from './common/interval.ts';
export { Jsonb } from './common/jsonb.ts';
export { Numeric } from './common/numeric.ts';
export type { SqlType } from './common/types.ts';
export type { Row, Value } from './common/value.ts';
export {
  Eddy,
  type InsertOptions,
  type OpenOptions,
  type QueryResult,
  type RelationInfo,
  type Subscription,
  type ViewChange,
} from './eddy.ts';
export type { ResultColumn, StatementResult } from './runtime/result.ts';
export type { OnConflict } from './runtime/statements/insert.ts';
export type { ValueForm } from './runtime/statements/insert-values.ts';
export { formatValue, jsonbToPlain, toDate } from './values.ts';
