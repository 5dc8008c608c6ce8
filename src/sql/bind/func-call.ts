/**
 * @module sql/bind/func-call
 * Binds function calls: aggregates (collected as placeholders for the grouping step), window
 * functions (likewise, for the window step) and scalar functions resolved against the function
 * catalog in src/functions.
 */
import type { FuncCall, GroupingFunc, Node, SortBy } from 'libpg-query';
import type { FunctionEntry } from '../../catalog/catalog.ts';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  UndefinedObjectError,
} from '../../common/errors.ts';
import { arrayOf, type SqlType, T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import {
  type RegressionFunction,
  regressionFunctions,
  type VarianceFunction,
} from '../../dataflow/aggregates/moments.ts';
import { scalarFunctions } from '../../functions/index.ts';
import { clockCall, clockLiteral, PROCTIME, proctimeCall } from '../../plan/clock-calls.ts';
import {
  type AggregateFunction,
  positionalWindowFunctions,
  type WindowFunction,
} from '../../plan/logical.ts';
import { planEquals } from '../../plan/plan-visit.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';
import { exprEquals } from '../../plan/scalar-visit.ts';
import { trimmedIfLoose } from './bpchar-keys.ts';
import { checkArgumentCount, noFunction } from './call-checks.ts';
import { coerce, commonType } from './coerce.ts';
import {
  AGGREGATE_BASE,
  type BindContext,
  type BoundSortKey,
  bindEnv,
  type CollectedAggregate,
  type CollectedWindow,
  WINDOW_BASE,
} from './context.ts';
import { locationOf } from './expr.ts';
import { aggregateLevel, outerToLevel } from './outer-aggregate.ts';
import { pickOverload } from './overload.ts';
import type { Scope } from './scope.ts';
import { windowFrame } from './window-frame.ts';

type BindExpr = (node: Node, scope: Scope, ctx: BindContext) => ScalarExpr;

/** The variance family as written, and the function each name is (variance is var_samp). */
const varianceNames = new Map<string, VarianceFunction>([
  ['variance', 'var_samp'],
  ['var_samp', 'var_samp'],
  ['var_pop', 'var_pop'],
  ['stddev', 'stddev_samp'],
  ['stddev_samp', 'stddev_samp'],
  ['stddev_pop', 'stddev_pop'],
]);

const aggregateNames = new Set([
  'count',
  'sum',
  'avg',
  'min',
  'max',
  'string_agg',
  'array_agg',
  'bool_and',
  'bool_or',
  'every',
  'jsonb_agg',
  'jsonb_object_agg',
  'bit_and',
  'bit_or',
  'bit_xor',
  ...varianceNames.keys(),
  ...regressionFunctions,
  'percentile_cont',
  'percentile_disc',
  'mode',
  'first',
  'last',
]);

/** The ordered-set aggregates: written with WITHIN GROUP (ORDER BY …), and only so. */
const orderedSetNames: ReadonlySet<string> = new Set(['percentile_cont', 'percentile_disc', 'mode']);

/**
 * grouping(e1, …, en): an int4 whose bit n-i is set when e_i is not grouped in the row's grouping
 * set. Collected beside the aggregates; applyGrouping checks the arguments are GROUP BY
 * expressions and gives each grouping set its constant.
 */
export function bindGroupingFunc(
  node: GroupingFunc,
  scope: Scope,
  ctx: BindContext,
  bindExpr: BindExpr,
): ScalarExpr {
  const position = node.location === undefined ? undefined : node.location + 1;
  const collector = ctx.aggregates;
  if (!collector)
    throw new SemanticError(
      SqlState.groupingError,
      ctx.aggregateClause
        ? `grouping operations are not allowed in ${ctx.aggregateClause}`
        : 'grouping operations are not allowed here',
      { position },
    );
  const inner: BindContext = { ...ctx, aggregates: null, windows: null, aggregateClause: undefined };
  const args = (node.args ?? []).map((a) => bindExpr(a, scope, inner));
  const index =
    collector.push({ fn: 'grouping', args, distinct: false, filter: null, orderBy: [], type: T.int4 }) - 1;
  return { kind: 'column', index: AGGREGATE_BASE + index, type: T.int4 };
}

export function funcName(call: FuncCall): string {
  const names = (call.funcname ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  return names[names.length - 1]!.toLowerCase();
}

export function bindFuncCall(call: FuncCall, scope: Scope, ctx: BindContext, bindExpr: BindExpr): ScalarExpr {
  const name = funcName(call);
  const position = call.location === undefined ? undefined : call.location + 1;
  if (call.over) return bindWindowCall(call, name, scope, ctx, bindExpr, position);
  if (aggregateNames.has(name)) return bindAggregate(call, name, scope, ctx, bindExpr, position);
  if (positionalWindowFunctions.has(name)) {
    throw new SemanticError(SqlState.windowingError, `window function ${name} requires an OVER clause`, {
      position,
    });
  }
  if (call.agg_star || call.agg_distinct || call.agg_order || call.agg_filter) {
    throw new SemanticError(SqlState.syntaxError, `${name} is not an aggregate function`, { position });
  }
  const args = (call.args ?? []).map((a) => bindExpr(a, scope, ctx));
  return bindScalarFunction(name, args, ctx, position);
}

export function bindScalarFunction(
  name: string,
  args: ScalarExpr[],
  ctx: BindContext,
  position?: number,
): ScalarExpr {
  if (
    (name === 'now' || name === 'transaction_timestamp' || name === 'statement_timestamp') &&
    args.length === 0
  ) {
    return ctx.deferClock ? clockCall(name) : clockLiteral(name, ctx.session);
  }
  if (name === PROCTIME && args.length === 0) {
    return ctx.deferClock ? proctimeCall() : { ...clockLiteral('now', ctx.session) };
  }
  const udf = ctx.catalog.userFunction(name);
  if (udf) return bindUserFunction(udf, args, position);
  const defs = scalarFunctions[name];
  if (!defs) throw noFunction(name, args, position);
  if (defs.every((d) => d.returnsSet)) {
    throw new FeatureNotSupportedError(`set-returning function ${name}() is supported only in FROM`, {
      position,
    });
  }
  const resolved = pickOverload(
    defs.filter((d) => !d.returnsSet),
    (d) => ({ params: d.args, variadic: d.variadic, returns: d.returns }),
    args.map((a) => a.type),
  );
  if (!resolved) throw noFunction(name, args, position);
  const def = resolved.candidate;
  const coerced = args.map((a, i) =>
    coerce(a, resolved.params[i]!, def.variadic !== undefined && i >= def.args.length, position),
  );
  const impl = def.bind
    ? def.bind(
        coerced.map((a) => a.type),
        bindEnv(ctx),
      )
    : def.impl;
  const volatile = def.volatile === true;
  if (!volatile && coerced.every((a) => a.kind === 'literal')) {
    const values = coerced.map((a) => (a.kind === 'literal' ? a.value : null));
    if (!(def.strict && values.some((v) => v === null))) {
      try {
        return { kind: 'literal', value: impl(...values), type: resolved.returns };
      } catch {
        // Evaluation errors surface when the row is evaluated, as in PostgreSQL's executor.
      }
    } else {
      return { kind: 'literal', value: null, type: resolved.returns };
    }
  }
  return { kind: 'call', name, args: coerced, impl, strict: def.strict, volatile, type: resolved.returns };
}

/**
 * A call of a user-defined function (CREATE FUNCTION … LANGUAGE javascript): arguments coerced
 * to its declared types as for a one-overload built-in. Not folded at bind time even with
 * constant arguments: a call that fails or runs long then costs once, when evaluated.
 */
function bindUserFunction(udf: FunctionEntry, args: ScalarExpr[], position?: number): ScalarExpr {
  const resolved = pickOverload(
    [udf],
    (f) => ({ params: [...f.argTypes], returns: f.returns }),
    args.map((a) => a.type),
  );
  if (!resolved) throw noFunction(udf.name, args, position);
  const coerced = args.map((a, i) => coerce(a, resolved.params[i]!, false, position));
  const fn = udf.impl;
  const impl = (...values: Value[]): Value => fn.call(values);
  return {
    kind: 'call',
    name: udf.name,
    args: coerced,
    impl,
    strict: udf.strict,
    volatile: false,
    type: udf.returns,
  };
}

/** A set-returning function call (in FROM): its coerced arguments, result type and row producer. */
export function bindSetFunction(
  name: string,
  args: ScalarExpr[],
  ctx: BindContext,
  position?: number,
): { args: ScalarExpr[]; type: SqlType; rows: (values: readonly Value[]) => Iterable<Value> } {
  const defs = (scalarFunctions[name] ?? []).filter((d) => d.returnsSet);
  if (defs.length === 0) {
    if (scalarFunctions[name])
      throw new FeatureNotSupportedError(`function ${name}() in FROM is not supported`, { position });
    throw noFunction(name, args, position);
  }
  const resolved = pickOverload(
    defs,
    (d) => ({ params: d.args, variadic: d.variadic, returns: d.returns }),
    args.map((a) => a.type),
  );
  if (!resolved) throw noFunction(name, args, position);
  const def = resolved.candidate;
  const coerced = args.map((a, i) => coerce(a, resolved.params[i]!, false, position));
  const impl = def.bind
    ? def.bind(
        coerced.map((a) => a.type),
        bindEnv(ctx),
      )
    : def.impl;
  const strict = def.strict;
  return {
    args: coerced,
    type: resolved.returns,
    rows: (values) =>
      strict && values.some((v) => v === null) ? [] : ((impl(...values) as Iterable<Value> | null) ?? []),
  };
}

function bindAggregate(
  call: FuncCall,
  name: string,
  scope: Scope,
  ctx: BindContext,
  bindExpr: BindExpr,
  position?: number,
): ScalarExpr {
  // Inside the call no aggregate may appear, of this query or an outer one.
  const inner: BindContext = {
    ...ctx,
    aggregates: null,
    windows: null,
    aggregateClause: undefined,
    outerAggregates: undefined,
  };
  const args = (call.args ?? []).map((a) => bindExpr(a, scope, inner));
  const filter = call.agg_filter ? coerce(bindExpr(call.agg_filter, scope, inner), T.bool, false) : null;
  const writtenOrderBy = (call.agg_order ?? []).map((s) => bindSortBy(s, scope, inner, bindExpr));
  const withinGroup = call.agg_within_group === true;
  // Without WITHIN GROUP, PostgreSQL matches an ordered-set aggregate on all its arguments.
  if (orderedSetNames.has(name) && !withinGroup && args.length !== (name === 'mode' ? 1 : 2))
    throw noFunction(name, args, position);
  if (withinGroup || !orderedSetNames.has(name))
    checkArgumentCount(name, call.agg_star === true, args, position);
  // A plain aggregate with WITHIN GROUP: PostgreSQL looks for one over all the arguments.
  if (withinGroup && !orderedSetNames.has(name))
    throw noFunction(name, [...args, ...writtenOrderBy.map((k) => k.expr)], position);
  if (!withinGroup && orderedSetNames.has(name))
    throw new SemanticError(
      SqlState.wrongObjectType,
      `WITHIN GROUP is required for ordered-set aggregate ${name}`,
      { position },
    );
  const signature = withinGroup
    ? orderedSetSignature(name, args, writtenOrderBy, position)
    : aggregateSignature(name, call.agg_star === true, args, position, writtenOrderBy.length > 0);
  const { fn, coercedArgs, type } = signature;
  const distinct = call.agg_distinct === true;
  if (distinct && coercedArgs.length > 1 && regressionFunctions.has(fn))
    throw new FeatureNotSupportedError(`${name}(DISTINCT …) is not supported`, { position });
  const orderBy: BoundSortKey[] =
    'orderBy' in signature
      ? (signature.orderBy as BoundSortKey[])
      : distinct
        ? distinctOrderBy(args, coercedArgs, writtenOrderBy, call.agg_order ?? [])
        : writtenOrderBy;
  const level = aggregateLevel([...coercedArgs, ...(filter ? [filter] : []), ...orderBy.map((o) => o.expr)]);
  const target =
    level === 0
      ? { aggregates: ctx.aggregates, clause: ctx.aggregateClause }
      : (ctx.outerAggregates?.get(scope.level - level) ?? { aggregates: null });
  const collector = target.aggregates;
  if (!collector) {
    const where = target.clause;
    throw new SemanticError(
      SqlState.groupingError,
      where ? `aggregate functions are not allowed in ${where}` : 'aggregate function calls cannot be nested',
      { position },
    );
  }
  // An aggregate of an enclosing query: its expressions move to that query's level.
  const atLevel = (e: ScalarExpr): ScalarExpr => (level === 0 ? e : outerToLevel(e, level, position));
  // count(DISTINCT x) counts 'a' and 'a  ' of a length-less char once; it shows no value.
  const keyedArgs = fn === 'count' && distinct ? coercedArgs.map(trimmedIfLoose) : coercedArgs;
  const collected: CollectedAggregate = {
    fn,
    args: keyedArgs.map(atLevel),
    distinct,
    filter: filter ? atLevel(filter) : null,
    orderBy: orderBy.map((o) => ({ ...o, expr: atLevel(o.expr) })),
    type,
  };
  const existing = collector.findIndex(
    (c) =>
      c.fn === fn &&
      c.distinct === distinct &&
      c.args.length === collected.args.length &&
      c.args.every((a, i) => exprEquals(a, collected.args[i]!)) &&
      ((c.filter === null && collected.filter === null) ||
        (c.filter !== null && collected.filter !== null && exprEquals(c.filter, collected.filter))) &&
      c.orderBy.length === 0 &&
      orderBy.length === 0,
  );
  const index = existing >= 0 ? existing : collector.push(collected) - 1;
  return level === 0
    ? { kind: 'column', index: AGGREGATE_BASE + index, type }
    : { kind: 'outerRef', depth: level, index: AGGREGATE_BASE + index, type };
}

/**
 * An aggregate with DISTINCT can only sort by what it deduplicates: each ORDER BY key must be one
 * of the arguments, as written or as coerced (PostgreSQL ignores the implicit cast). An untyped
 * literal argument is compared only in its resolved type, so ORDER BY '' never matches ''. The
 * key sorts by the argument as coerced (string_agg's text), as PostgreSQL's, and a length-less
 * char one by its trimmed value, so the forms of one char value are ties that DISTINCT merges.
 */
function distinctOrderBy(
  args: readonly ScalarExpr[],
  coercedArgs: readonly ScalarExpr[],
  orderBy: readonly BoundSortKey[],
  orderNodes: readonly Node[],
): BoundSortKey[] {
  return orderBy.map((key, i) => {
    // Subqueries are bound anew where they are written: equal ones are equal plans, not one object.
    const same = (a: ScalarExpr): boolean => exprEquals(a, key.expr, planEquals);
    let argument = args.findIndex((a) => a.type.id !== 'unknown' && same(a));
    if (argument < 0) argument = coercedArgs.findIndex(same);
    if (argument >= 0) return { ...key, expr: trimmedIfLoose(coercedArgs[argument]!) };
    const node = orderNodes[i];
    throw new SemanticError(
      SqlState.invalidColumnReference,
      'in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list',
      { position: node && 'SortBy' in node ? locationOf(node.SortBy.node!) : undefined },
    );
  });
}

function aggregateSignature(
  name: string,
  star: boolean,
  args: ScalarExpr[],
  position?: number,
  ordered = false,
): { fn: AggregateFunction; coercedArgs: ScalarExpr[]; type: SqlType } {
  if (name === 'count') {
    if (star || args.length === 0) return { fn: 'count_star', coercedArgs: [], type: T.int8 };
    return { fn: 'count', coercedArgs: [args[0]!], type: T.int8 };
  }
  const arg = args[0];
  if (!arg)
    throw new UndefinedObjectError(SqlState.undefinedFunction, `function ${name}() does not exist`, {
      position,
    });
  const variance = varianceNames.get(name);
  if (variance !== undefined) return varianceSignature(variance, name, arg, position);
  if (regressionFunctions.has(name)) {
    // PostgreSQL declares them over (float8, float8) only: other numbers cast implicitly.
    const coercedArgs = args.map((a) => coerceOrNoFunction(a, T.float8, name, args, position));
    return { fn: name as RegressionFunction, coercedArgs, type: name === 'regr_count' ? T.int8 : T.float8 };
  }
  const argType = arg.type.id === 'unknown' ? T.text : arg.type;
  const first = coerce(arg, argType, false, position);
  switch (name) {
    case 'first':
    case 'last':
      // DuckDB's first/last: without ORDER BY the row is arbitrary there, so Eddy refuses it.
      if (!ordered)
        throw new FeatureNotSupportedError(`${name}() without ORDER BY is not supported`, { position });
      requireKnownPolymorphic(arg, position);
      return { fn: name, coercedArgs: [first], type: argType };
    case 'bit_and':
    case 'bit_or':
    case 'bit_xor':
      if (argType.id !== 'int2' && argType.id !== 'int4' && argType.id !== 'int8')
        throw noFunction(name, args, position);
      return { fn: name, coercedArgs: [first], type: argType };
    case 'sum':
    case 'avg': {
      const type = aggregateResultType(name, argType, position);
      return { fn: name, coercedArgs: [first], type };
    }
    case 'min':
    case 'max': {
      const type = minMaxType(argType);
      return { fn: name, coercedArgs: [coerce(first, type, false, position)], type };
    }
    case 'bool_and':
    case 'bool_or':
    case 'every':
      return {
        fn: name === 'every' ? 'bool_and' : name,
        coercedArgs: [coerce(arg, T.bool, false, position)],
        type: T.bool,
      };
    case 'string_agg': {
      const delimiter = args[1] ? coerce(args[1], T.text, false, position) : null;
      if (!delimiter)
        throw new UndefinedObjectError(
          SqlState.undefinedFunction,
          'function string_agg(text) does not exist',
          { position },
        );
      return {
        fn: 'string_agg',
        coercedArgs: [coerce(arg, T.text, false, position), delimiter],
        type: T.text,
      };
    }
    case 'array_agg': {
      // array_agg(anynonarray) and array_agg(anyarray) both take an untyped literal.
      if (arg.type.id === 'unknown')
        throw new SemanticError(SqlState.ambiguousFunction, 'function array_agg(unknown) is not unique', {
          position,
          hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
        });
      // Arrays stack into one more dimension, checked per group (checkAccumulatedArrays).
      const type = arrayOf(argType);
      return { fn: 'array_agg', coercedArgs: [first], type };
    }
    case 'jsonb_agg':
      requireKnownPolymorphic(arg, position);
      return { fn: 'jsonb_agg', coercedArgs: [first], type: T.jsonb };
    case 'jsonb_object_agg':
      return {
        fn: 'jsonb_object_agg',
        coercedArgs: [coerce(arg, T.text, false, position), args[1]!],
        type: T.jsonb,
      };
  }
  throw new FeatureNotSupportedError(`aggregate ${name}`, { position });
}

/**
 * The type min/max return for an argument type: PostgreSQL has no min(varchar), so a varchar is
 * cast to text and the result is text (which decides, say, whether a UNION ALL of it with a text
 * column is a simple append whose unread columns are dropped; fuzz 1616:61).
 */
function minMaxType(argType: SqlType): SqlType {
  return argType.id === 'varchar' ? T.text : argType;
}

/**
 * percentile_cont(f), percentile_disc(f) and mode() WITHIN GROUP (ORDER BY x): the arguments are
 * x then the fraction (a constant: Eddy reads it from any row of the group), and the one ORDER BY
 * key sorts x. percentile_cont interpolates float8 (interval is not supported); the others answer
 * x's type. The array-of-fractions forms are not supported.
 */
function orderedSetSignature(
  name: string,
  args: ScalarExpr[],
  orderBy: BoundSortKey[],
  position?: number,
): { fn: AggregateFunction; coercedArgs: ScalarExpr[]; type: SqlType; orderBy: BoundSortKey[] } {
  const key = orderBy[0];
  if (orderBy.length !== 1 || key === undefined)
    throw noFunction(name, [...args, ...orderBy.map((k) => k.expr)], position);
  if (name === 'mode') {
    requireKnownPolymorphic(key.expr, position);
    return { fn: 'mode', coercedArgs: [key.expr], type: key.expr.type, orderBy: [key] };
  }
  const written = args[0]!;
  if (written.type.id === 'array')
    throw new FeatureNotSupportedError(`${name} with an array of fractions is not supported`, { position });
  const fraction = coerceOrNoFunction(written, T.float8, name, [...args, key.expr], position);
  if (fraction.kind !== 'literal')
    throw new FeatureNotSupportedError(`${name} needs a constant fraction`, { position });
  if (name === 'percentile_disc') {
    requireKnownPolymorphic(key.expr, position);
    return { fn: 'percentile_disc', coercedArgs: [key.expr, fraction], type: key.expr.type, orderBy: [key] };
  }
  if (key.expr.type.id === 'interval')
    throw new FeatureNotSupportedError('percentile_cont over interval is not supported', { position });
  const value = coerceOrNoFunction(key.expr, T.float8, name, [written, key.expr], position);
  return {
    fn: 'percentile_cont',
    coercedArgs: [value, fraction],
    type: T.float8,
    orderBy: [{ ...key, expr: value }],
  };
}

/**
 * variance, stddev and their _samp/_pop forms: numeric over integers and numeric, float8 over
 * float4 and float8 (PostgreSQL's overloads); an untyped literal matches several, so it is
 * refused as ambiguous, as PostgreSQL does.
 */
function varianceSignature(
  fn: VarianceFunction,
  name: string,
  arg: ScalarExpr,
  position?: number,
): { fn: AggregateFunction; coercedArgs: ScalarExpr[]; type: SqlType } {
  switch (arg.type.id) {
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
      return { fn, coercedArgs: [arg], type: T.numeric };
    case 'float4':
    case 'float8':
      return { fn, coercedArgs: [coerce(arg, T.float8, false, position)], type: T.float8 };
    case 'unknown':
      throw new SemanticError(SqlState.ambiguousFunction, `function ${name}(unknown) is not unique`, {
        position,
        hint: 'Could not choose a best candidate function. You might need to add explicit type casts.',
      });
  }
  throw noFunction(name, [arg], position);
}

/** `arg` cast implicitly to `type`, or 42883 naming the call when no implicit cast exists. */
function coerceOrNoFunction(
  arg: ScalarExpr,
  type: SqlType,
  name: string,
  args: ScalarExpr[],
  position?: number,
): ScalarExpr {
  try {
    return coerce(arg, type, false, position);
  } catch {
    throw noFunction(name, args, position);
  }
}

/** PostgreSQL's result type of sum/avg (and the window forms) for an argument type. */
export function aggregateResultType(fn: 'sum' | 'avg', argType: SqlType, position?: number): SqlType {
  switch (argType.id) {
    case 'int2':
    case 'int4':
      return fn === 'sum' ? T.int8 : T.numeric;
    case 'int8':
    case 'numeric':
      return T.numeric;
    case 'float4':
      return fn === 'sum' ? T.float4 : T.float8;
    case 'float8':
      return T.float8;
    case 'interval':
      return T.interval;
  }
  throw new UndefinedObjectError(
    SqlState.undefinedFunction,
    `function ${fn}(${typeName(argType)}) does not exist`,
    {
      position,
      hint: 'No function matches the given name and argument types. You might need to add explicit type casts.',
    },
  );
}

export function bindSortBy(node: Node, scope: Scope, ctx: BindContext, bindExpr: BindExpr): BoundSortKey {
  if (!('SortBy' in node)) throw new FeatureNotSupportedError('sort specification');
  const s: SortBy = node.SortBy;
  if (s.sortby_dir === 'SORTBY_USING')
    throw new FeatureNotSupportedError('ORDER BY … USING is not supported');
  const descending = s.sortby_dir === 'SORTBY_DESC';
  const nullsFirst =
    s.sortby_nulls === 'SORTBY_NULLS_DEFAULT' || !s.sortby_nulls
      ? descending
      : s.sortby_nulls === 'SORTBY_NULLS_FIRST';
  return { expr: bindExpr(s.node!, scope, ctx), descending, nullsFirst };
}

function bindWindowCall(
  call: FuncCall,
  name: string,
  scope: Scope,
  ctx: BindContext,
  bindExpr: BindExpr,
  position?: number,
): ScalarExpr {
  const collector = ctx.windows;
  if (!collector) {
    throw new SemanticError(
      SqlState.windowingError,
      `window functions are not allowed in ${ctx.aggregateClause ?? 'this context'}`,
      {
        position,
      },
    );
  }
  const over = call.over!;
  if (over.refname || over.name)
    throw new FeatureNotSupportedError('named window references are not supported yet', { position });
  const inner: BindContext = { ...ctx, windows: null };
  const args = (call.args ?? []).map((a) => bindExpr(a, scope, inner));
  const partitionBy = (over.partitionClause ?? []).map((p) => bindExpr(p, scope, inner));
  const orderBy = (over.orderClause ?? []).map((s) => bindSortBy(s, scope, inner, bindExpr));
  checkArgumentCount(name, call.agg_star === true, args, position);
  const frame = windowFrame(
    over.frameOptions ?? 0,
    orderBy.length,
    over.startOffset,
    over.endOffset,
    position,
  );
  const { fn, coercedArgs, type } = windowSignature(name, call.agg_star === true, args, position);
  if (call.agg_distinct)
    throw new FeatureNotSupportedError('DISTINCT is not implemented for window functions', { position });
  // PostgreSQL evaluates these; Eddy's window operator has neither, so refusing beats ignoring them.
  if (call.agg_order)
    throw new FeatureNotSupportedError('aggregate ORDER BY is not implemented for window functions', {
      position,
    });
  if (call.agg_filter)
    throw new FeatureNotSupportedError('FILTER is not implemented for window functions', { position });
  const collected: CollectedWindow = { fn, args: coercedArgs, partitionBy, orderBy, frame, type };
  // The same call written twice (select list and DISTINCT ON, say) is one column, as in
  // PostgreSQL, so clauses that must name the same expression see the same one.
  const existing = collector.findIndex((c) => sameWindowCall(c, collected));
  const index = existing >= 0 ? existing : collector.push(collected) - 1;
  return { kind: 'column', index: WINDOW_BASE + index, type };
}

function sameWindowCall(a: CollectedWindow, b: CollectedWindow): boolean {
  const sameExprs = (x: readonly ScalarExpr[], y: readonly ScalarExpr[]) =>
    x.length === y.length && x.every((e, i) => exprEquals(e, y[i]!));
  return (
    a.fn === b.fn &&
    sameExprs(a.args, b.args) &&
    sameExprs(a.partitionBy, b.partitionBy) &&
    sameExprs(
      a.orderBy.map((k) => k.expr),
      b.orderBy.map((k) => k.expr),
    ) &&
    a.orderBy.every(
      (k, i) => k.descending === b.orderBy[i]!.descending && k.nullsFirst === b.orderBy[i]!.nullsFirst,
    ) &&
    JSON.stringify(a.frame) === JSON.stringify(b.frame)
  );
}

function windowSignature(
  name: string,
  star: boolean,
  args: ScalarExpr[],
  position?: number,
): { fn: WindowFunction; coercedArgs: ScalarExpr[]; type: SqlType } {
  switch (name) {
    case 'row_number':
    case 'rank':
    case 'dense_rank':
      return { fn: name, coercedArgs: [], type: T.int8 };
    case 'percent_rank':
    case 'cume_dist':
      return { fn: name, coercedArgs: [], type: T.float8 };
    case 'ntile':
      return { fn: 'ntile', coercedArgs: [coerce(args[0]!, T.int4, false, position)], type: T.int4 };
    case 'lag':
    case 'lead': {
      const value = args[0]!;
      // lag(x) and lag(x, n) take anyelement; lag(x, n, default) takes anycompatible, so its
      // value and default meet at their common type (text when both are untyped literals).
      if (args.length < 3) requireKnownPolymorphic(value, position);
      const valueType = args[2] ? windowCommonType(name, args, position) : value.type;
      const offset = args[1]
        ? coerce(args[1], T.int4, false, position)
        : { kind: 'literal' as const, value: 1, type: T.int4 };
      const fallback = args[2]
        ? coerce(args[2], valueType, false, position)
        : { kind: 'literal' as const, value: null, type: valueType };
      return {
        fn: name,
        coercedArgs: [coerce(value, valueType, false, position), offset, fallback],
        type: valueType,
      };
    }
    case 'first_value':
    case 'last_value':
      requireKnownPolymorphic(args[0]!, position);
      return { fn: name, coercedArgs: [args[0]!], type: args[0]!.type };
    case 'nth_value':
      requireKnownPolymorphic(args[0]!, position);
      return {
        fn: 'nth_value',
        coercedArgs: [args[0]!, coerce(args[1]!, T.int4, false, position)],
        type: args[0]!.type,
      };
    case 'count':
      return star || args.length === 0
        ? { fn: 'count_star', coercedArgs: [], type: T.int8 }
        : { fn: 'count', coercedArgs: [args[0]!], type: T.int8 };
    case 'sum':
    case 'avg':
      return { fn: name, coercedArgs: [args[0]!], type: aggregateResultType(name, args[0]!.type, position) };
    case 'min':
    case 'max': {
      const type = minMaxType(args[0]!.type);
      return { fn: name, coercedArgs: [coerce(args[0]!, type, false, position)], type };
    }
  }
  throw new FeatureNotSupportedError(`window function ${name} is not supported`, { position });
}

/**
 * An anyelement argument must bring its type: PostgreSQL cannot resolve the polymorphic type from
 * an untyped literal alone (first_value('') is 42804), where anycompatible would fall back to text.
 */
function requireKnownPolymorphic(arg: ScalarExpr, position?: number): void {
  if (arg.type.id !== 'unknown') return;
  throw new SemanticError(
    SqlState.datatypeMismatch,
    'could not determine polymorphic type because input has type unknown',
    { position },
  );
}

/** lag/lead(value, offset, default): the anycompatible type of value and default, else 42883. */
function windowCommonType(name: string, args: ScalarExpr[], position?: number): SqlType {
  try {
    return commonType([args[0]!.type, args[2]!.type], name, position);
  } catch {
    throw noFunction(name, args, position);
  }
}
