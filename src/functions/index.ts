/**
 * @module functions
 * The scalar function library: the catalog the binder resolves SQL functions and operators
 * against (PostgreSQL 15 signatures, lower-case names, operator symbols), plus the casts and the
 * text I/O of every type. Comparison operators are not here: the binder handles them generically.
 */
import { addArrayCatalog } from './catalog-array.ts';
import { addDatetimeCatalog } from './catalog-datetime.ts';
import { addJsonbCatalog, jsonbRecordSetFunctions, type RecordSetFunctionDef } from './catalog-jsonb.ts';
import { addMathCatalog } from './catalog-math.ts';
import { addSeriesCatalog } from './catalog-series.ts';
import { addStringCatalog } from './catalog-string.ts';
import { addSystemCatalog } from './catalog-system.ts';
import {
  CatalogBuilder,
  type OperatorDef,
  type ScalarFunctionDef,
  type UnaryOperatorDef,
} from './catalog-types.ts';

export {
  canCastAssignment,
  canCastExplicitly,
  canCastImplicitly,
  castContext,
  castFunction,
  castValue,
  isPreferredType,
  numericTypeOrder,
  preferredType,
} from './cast.ts';
export type { OutColumn, RecordSetFunctionDef } from './catalog-jsonb.ts';
export type {
  ArgType,
  BindEnv,
  OperatorDef,
  PseudoType,
  ScalarFunctionDef,
  ScalarImpl,
  UnaryOperatorDef,
} from './catalog-types.ts';
export { isPseudoType, P } from './catalog-types.ts';
export { random, seededRandom } from './math.ts';
export { formatText, parseText } from './text-io.ts';

const builder = new CatalogBuilder();
addMathCatalog(builder);
addStringCatalog(builder);
addDatetimeCatalog(builder);
addJsonbCatalog(builder);
addArrayCatalog(builder);
addSeriesCatalog(builder);
addSystemCatalog(builder);

/** Functions by lower-case SQL name; each list holds the overloads, in no particular order. */
export const scalarFunctions: Readonly<Record<string, readonly ScalarFunctionDef[]>> = builder.functions;
/** Binary operators by symbol (`+`, `||`, `~~` for LIKE, `~` for regex match, ...). */
export const binaryOperators: Readonly<Record<string, readonly OperatorDef[]>> = builder.binary;
/** Prefix operators by symbol (`-`, `+`, `@`, `~`, `|/`, `||/`). */
export const unaryOperators: Readonly<Record<string, readonly UnaryOperatorDef[]>> = builder.unary;
/**
 * Set-returning functions with OUT columns (`setof record`: jsonb_each, jsonb_each_text), in FROM
 * only; each row is a tuple of the columns. Names do not overlap `scalarFunctions`.
 */
export const recordSetFunctions: Readonly<Record<string, readonly RecordSetFunctionDef[]>> =
  jsonbRecordSetFunctions;
