/**
 * @module plan/evaluate/subquery-pending
 * How a subquery inside a scalar expression runs in slices although the expression cannot yield:
 * the subquery's evaluation runs inside the expression until its first pause; then, instead of
 * running on to its end there, it throws a `SubqueryPending` carrying the rest of its evaluation.
 * The node that called the expression (a filter, a projection, a join's condition, a function's
 * arguments, VALUES) catches it, runs that rest in slices as its own, and calls the expression
 * again for the same row: the subquery's result is then ready and the expression finishes. The
 * expression's other parts are computed again for that row (pure, save volatile functions, which
 * PostgreSQL also computes as often as it likes); the subquery itself runs once.
 */
import type { Evaluation } from './row-stream.ts';

export class SubqueryPending {
  /** The rest of the subquery's evaluation, to run in slices; it leaves the result ready. */
  readonly rest: Evaluation<void>;
  /** Forgets the ready result once the expression's call is over (it answered or failed). */
  readonly discard: () => void;

  constructor(rest: Evaluation<void>, discard: () => void) {
    this.rest = rest;
    this.discard = discard;
  }
}

/**
 * After `call` threw `thrown`: if it is a pending subquery, runs the subquery's rest (passing its
 * pauses up) and calls again, as often as another subquery of the same expression is pending;
 * any other error is rethrown. The results made ready stay ready until the call returns or
 * fails, so a retry never runs a finished subquery again. Used on the slow path only: callers
 * try the call first.
 */
export function* settle<T>(call: () => T, thrown: unknown): Evaluation<T> {
  const ready: SubqueryPending[] = [];
  let pending = thrown;
  try {
    for (;;) {
      if (!(pending instanceof SubqueryPending)) throw pending;
      ready.push(pending);
      yield* pending.rest;
      try {
        return call();
      } catch (e) {
        pending = e;
      }
    }
  } finally {
    for (const p of ready) p.discard();
  }
}
