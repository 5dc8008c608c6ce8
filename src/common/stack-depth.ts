/**
 * @module common/stack-depth
 * JavaScript's own limits, met by a statement, fail as PostgreSQL's resource checks do, never as
 * an internal error: input nested deeper than the stack allows (thousands of nested expressions
 * or arrays) is 54001, like PostgreSQL's stack check; a string or array longer than V8 can hold
 * (about 2^29 characters, 2^32 elements) is 54000. Recursive passes and string builders stay
 * simple; the statement boundary converts the RangeError.
 */
import { ResourceLimitError, SqlState } from './errors.ts';

/** V8's messages for a string, array or buffer past its size limit. */
const sizeLimitMessages = [
  'Invalid string length',
  'Invalid array length',
  'Invalid typed array length',
  'Array buffer allocation failed',
];

/** The first RangeError in `err`'s cause chain, if any. */
function rangeErrorIn(err: unknown): RangeError | undefined {
  for (let e = err, hops = 0; e instanceof Error && hops < 4; e = e.cause, hops++) {
    if (e instanceof RangeError) return e;
  }
  return undefined;
}

/** Whether `err` is V8's stack overflow, or an error wrapping one as its cause. */
export function isStackOverflow(err: unknown): boolean {
  return rangeErrorIn(err)?.message.includes('Maximum call stack size exceeded') ?? false;
}

/** Whether `err` is V8 refusing a string, array or buffer that large, or wraps one. */
function isSizeLimit(err: unknown): boolean {
  const message = rangeErrorIn(err)?.message;
  return message !== undefined && sizeLimitMessages.some((m) => message.includes(m));
}

/** 54001 for a stack overflow, 54000 for a value past V8's size limits; any other error unchanged. */
export function asResourceLimitError(err: unknown): unknown {
  if (isStackOverflow(err)) {
    return new ResourceLimitError(SqlState.statementTooComplex, 'stack depth limit exceeded', {
      hint: 'The statement nests expressions or values too deeply.',
    });
  }
  if (isSizeLimit(err)) {
    return new ResourceLimitError(SqlState.programLimitExceeded, 'result too large', {
      detail: 'A string or array would exceed the largest size the server can hold.',
    });
  }
  return err;
}
