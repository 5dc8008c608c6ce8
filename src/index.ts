/**
 * @module eddydb
 * Public entry point of the `eddydb` package.
 */

export * from './common/errors.ts';
export type { SqlType } from './common/types.ts';
export type { Row, Value } from './common/value.ts';
export {
  Eddy,
  type OpenOptions,
  type QueryResult,
  type RelationInfo,
  type Subscription,
  type ViewChange,
} from './eddy.ts';
export type { ResultColumn, StatementResult } from './runtime/result.ts';
