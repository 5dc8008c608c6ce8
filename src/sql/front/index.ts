/**
 * @module sql/front
 * The front parser: Eddy's statements recognised here, everything embedded parsed by libpg-query.
 * Await `loadParser()` once before parsing.
 */
export type * from './ast.ts';
export { loadParser } from './libpg.ts';
export { parseScript, parseStatement } from './parse-statement.ts';
export { SECRET_MASK, SecretValue } from './secret-value.ts';
export { type StatementSpan, splitStatements } from './split-statements.ts';
export { structIndexOf } from './struct-type.ts';
export { characterPosition } from './text-offsets.ts';
