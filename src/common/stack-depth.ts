/**
 * @module common/stack-depth
 * Input nested deeper than the JavaScript stack allows (thousands of nested expressions or
 * arrays in a statement) fails as PostgreSQL's own stack check does: 54001, never an internal
 * error. Recursive passes stay simple; the statement boundary converts the overflow.
 */
import { ResourceLimitError, SqlState } from './errors.ts';

/** Whether `err` is V8's stack overflow, or an error wrapping one as its cause. */
export function isStackOverflow(err: unknown): boolean {
  for (let e = err, hops = 0; e instanceof Error && hops < 4; e = e.cause, hops++) {
    if (e instanceof RangeError && e.message.includes('Maximum call stack size exceeded')) return true;
  }
  return false;
}

/** 54001 for a stack overflow; any other error unchanged. */
export function asStackDepthError(err: unknown): unknown {
  if (!isStackOverflow(err)) return err;
  return new ResourceLimitError(SqlState.statementTooComplex, 'stack depth limit exceeded', {
    hint: 'The statement nests expressions or values too deeply.',
  });
}
