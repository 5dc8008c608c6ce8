/**
 * @module plan/compile-scalar
 * Compiles bound scalar expressions (plan/scalar.ts) into closures over a row inside a flat
 * row-major array: `fn(row, base)` reads column i as `row[base + i]`. Compiled once per plan, run
 * per row, so the closures allocate nothing per call. SQL's three-valued logic is exact here.
 */
import { trimBpchar } from '../common/bpchar.ts';
import { FeatureNotSupportedError } from '../common/errors.ts';
import type { Value } from '../common/value.ts';
import { compareValues, valuesEqual } from '../common/value-ops.ts';
import type { CompareOp, OuterRef, ScalarExpr, ScalarKind, Subquery } from './scalar.ts';

export type RowFn = (row: readonly Value[], base: number) => Value;
export type RowPredicate = (row: readonly Value[], base: number) => boolean;

/** How a caller that supports them evaluates subqueries and outer references (the one-shot evaluator). */
export interface ScalarHooks {
  subquery?(expr: Subquery, compile: (e: ScalarExpr) => RowFn): RowFn;
  outerRef?(expr: OuterRef): RowFn;
}

export function compileScalar(expr: ScalarExpr, hooks: ScalarHooks = {}): RowFn {
  const compile = (e: ScalarExpr): RowFn => compilers[e.kind](e as never, compile, hooks);
  return compile(expr);
}

/**
 * A filter's test: true only when the expression is TRUE (FALSE and NULL reject). A top-level AND
 * is a list of quals tested in order, stopping at the first that is not TRUE, as PostgreSQL's
 * executor does (so a later qual's errors are not raised for a row an earlier one rejected).
 */
export function compilePredicate(expr: ScalarExpr, hooks: ScalarHooks = {}): RowPredicate {
  if (expr.kind === 'literal') {
    const keep = expr.value === true;
    return () => keep;
  }
  if (expr.kind === 'and') {
    const quals = flattenAnd(expr).map((e) => compileScalar(e, hooks));
    return (row, base) => {
      for (let i = 0; i < quals.length; i++) if (quals[i]!(row, base) !== true) return false;
      return true;
    };
  }
  const fn = compileScalar(expr, hooks);
  return (row, base) => fn(row, base) === true;
}

function flattenAnd(e: ScalarExpr): ScalarExpr[] {
  return e.kind === 'and' ? e.args.flatMap(flattenAnd) : [e];
}

type Compiler<K extends ScalarKind> = (
  expr: Extract<ScalarExpr, { kind: K }>,
  compile: (e: ScalarExpr) => RowFn,
  hooks: ScalarHooks,
) => RowFn;

const compilers: { [K in ScalarKind]: Compiler<K> } = {
  column: (e) => {
    const i = e.index;
    return (row, base) => row[base + i]!;
  },
  literal: (e) => {
    const v = e.value;
    return () => v;
  },
  outerRef: (e, _compile, hooks) => {
    if (!hooks.outerRef)
      throw new FeatureNotSupportedError('correlated reference outside a subquery context');
    return hooks.outerRef(e);
  },
  subquery: (e, compile, hooks) => {
    if (!hooks.subquery) throw new FeatureNotSupportedError('subquery in this context');
    return hooks.subquery(e, compile);
  },
  call: (e, compile) => compileCall(e.impl, e.args.map(compile), e.strict),
  compare: (e, compile) => compileCompare(e.op, compile(e.left), compile(e.right)),
  and: (e, compile) => {
    const args = e.args.map(compile);
    return (row, base) => {
      let sawNull = false;
      for (let i = 0; i < args.length; i++) {
        const v = args[i]!(row, base);
        if (v === false) return false;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : true;
    };
  },
  or: (e, compile) => {
    const args = e.args.map(compile);
    return (row, base) => {
      let sawNull = false;
      for (let i = 0; i < args.length; i++) {
        const v = args[i]!(row, base);
        if (v === true) return true;
        if (v === null) sawNull = true;
      }
      return sawNull ? null : false;
    };
  },
  not: (e, compile) => {
    const arg = compile(e.arg);
    return (row, base) => {
      const v = arg(row, base);
      return v === null ? null : !v;
    };
  },
  isNull: (e, compile) => {
    const arg = compile(e.arg);
    return e.negated ? (row, base) => arg(row, base) !== null : (row, base) => arg(row, base) === null;
  },
  isDistinct: (e, compile) => {
    const left = compile(e.left);
    const right = compile(e.right);
    const negated = e.negated;
    return (row, base) => valuesEqual(left(row, base), right(row, base)) === negated;
  },
  case: (e, compile) => {
    const whens = e.whens.map((w) => compile(w.when));
    const thens = e.whens.map((w) => compile(w.result));
    const otherwise = compile(e.otherwise);
    return (row, base) => {
      for (let i = 0; i < whens.length; i++) if (whens[i]!(row, base) === true) return thens[i]!(row, base);
      return otherwise(row, base);
    };
  },
  coalesce: (e, compile) => {
    const args = e.args.map(compile);
    return (row, base) => {
      for (let i = 0; i < args.length; i++) {
        const v = args[i]!(row, base);
        if (v !== null) return v;
      }
      return null;
    };
  },
  minMax: (e, compile) => {
    const args = e.args.map(compile);
    const sign = e.greatest ? 1 : -1;
    // char compares without its trailing spaces; of equal values the first is kept, padding and all.
    const compare = e.type.id === 'bpchar' ? compareBpchar : compareValues;
    return (row, base) => {
      let best: Value = null;
      for (let i = 0; i < args.length; i++) {
        const v = args[i]!(row, base);
        if (v !== null && (best === null || sign * compare(v, best) > 0)) best = v;
      }
      return best;
    };
  },
  inList: (e, compile) => {
    const arg = compile(e.arg);
    const list = e.list.map(compile);
    const negated = e.negated;
    return (row, base) => {
      const v = arg(row, base);
      if (v === null) {
        // The list is evaluated all the same, as PostgreSQL builds it before the comparisons.
        for (let i = 0; i < list.length; i++) list[i]!(row, base);
        return null;
      }
      let sawNull = false;
      for (let i = 0; i < list.length; i++) {
        const x = list[i]!(row, base);
        if (x === null) sawNull = true;
        else if (compareValues(v, x) === 0) return !negated;
      }
      return sawNull ? null : negated;
    };
  },
  cast: (e, compile) => {
    const arg = compile(e.arg);
    const impl = e.impl;
    return (row, base) => {
      const v = arg(row, base);
      return v === null ? null : impl(v);
    };
  },
};

/**
 * Every argument is evaluated before a strict call sees a NULL among them, as PostgreSQL's
 * executor does: an error in one argument is raised even beside a NULL one. (A constant NULL
 * argument is another matter: folding makes the call NULL before anything runs.)
 */
function compileCall(impl: (...args: Value[]) => Value, args: RowFn[], strict: boolean): RowFn {
  if (args.length === 0) return () => impl();
  if (args.length === 1) {
    const a = args[0]!;
    return strict
      ? (row, base) => {
          const x = a(row, base);
          return x === null ? null : impl(x);
        }
      : (row, base) => impl(a(row, base));
  }
  if (args.length === 2) {
    const a = args[0]!;
    const b = args[1]!;
    return strict
      ? (row, base) => {
          const x = a(row, base);
          const y = b(row, base);
          return x === null || y === null ? null : impl(x, y);
        }
      : (row, base) => impl(a(row, base), b(row, base));
  }
  return (row, base) => {
    const values: Value[] = new Array(args.length);
    let sawNull = false;
    for (let i = 0; i < args.length; i++) {
      const v = args[i]!(row, base);
      if (v === null) sawNull = true;
      values[i] = v;
    }
    return sawNull && strict ? null : impl(...values);
  };
}

/** Both sides are evaluated before a NULL makes the result NULL (see `compileCall`). */
function compileCompare(op: CompareOp, left: RowFn, right: RowFn): RowFn {
  const test = compareTests[op];
  return (row, base) => {
    const a = left(row, base);
    const b = right(row, base);
    return a === null || b === null ? null : test(a, b);
  };
}

function compareBpchar(a: Value, b: Value): number {
  return compareValues(trimBpchar(a as string), trimBpchar(b as string));
}

const compareTests: Record<CompareOp, (a: Value, b: Value) => boolean> = {
  '=': (a, b) =>
    a === b || (typeof a === 'object' && compareValues(a, b) === 0) || (Number.isNaN(a) && Number.isNaN(b)),
  '<>': (a, b) =>
    !(
      a === b ||
      (typeof a === 'object' && compareValues(a, b) === 0) ||
      (Number.isNaN(a) && Number.isNaN(b))
    ),
  '<': (a, b) => compareValues(a, b) < 0,
  '<=': (a, b) => compareValues(a, b) <= 0,
  '>': (a, b) => compareValues(a, b) > 0,
  '>=': (a, b) => compareValues(a, b) >= 0,
};
