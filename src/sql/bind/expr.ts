/**
 * @module sql/bind/expr
 * Binds parsed PostgreSQL expressions (libpg-query nodes) to typed scalar expressions: names to
 * column positions (or OuterRefs), literals to typed values, operators and functions to
 * implementations, with PostgreSQL's NULL and typing rules. Aggregate and window calls become
 * placeholders collected in the context (see context.ts).
 */
import type {
  A_Const,
  A_Expr,
  A_Indirection,
  BoolExpr,
  CaseExpr,
  ColumnRef,
  Node,
  SubLink,
  TypeCast,
} from 'libpg-query';
import { ROLE_NAME } from '../../catalog/system/oids.ts';
import { bindCatalogCast } from '../../catalog/system/reg-cast.ts';
import { trimBpchar } from '../../common/bpchar.ts';
import { type IntervalField, parseInterval } from '../../common/datetime.ts';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  UndefinedObjectError,
} from '../../common/errors.ts';
import { Numeric } from '../../common/numeric.ts';
import { arrayOf, type SqlType, T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { compareValues } from '../../common/value-ops.ts';
import { arrayElements, arrayShape, buildNestedArray } from '../../functions/array-dims.ts';
import { type ClockName, clockCall, clockLiteral } from '../../plan/clock-calls.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { type CompareOp, compareHolds, type ScalarExpr } from '../../plan/scalar.ts';
import { anyNode } from '../../plan/scalar-visit.ts';
import { coerce, commonType } from './coerce.ts';
import { type BindContext, bindEnv } from './context.ts';
import { bindFuncCall, bindGroupingFunc } from './func-call.ts';
import { intervalTypmodField } from './literals.ts';
import {
  bindBinaryOperator,
  bindUnaryOperator,
  comparableBpchar,
  compareOps,
  comparisonType,
} from './operators.ts';
import type { Scope } from './scope.ts';
import { resolveTypeName, typeNameText } from './type-name.ts';

export function bindExpr(node: Node, scope: Scope, ctx: BindContext): ScalarExpr {
  if ('ColumnRef' in node) return bindColumnRef(node.ColumnRef, scope);
  if ('A_Const' in node) return bindConst(node.A_Const);
  if ('A_Expr' in node) return bindAExpr(node.A_Expr, scope, ctx);
  if ('BoolExpr' in node) return bindBoolExpr(node.BoolExpr, scope, ctx);
  if ('TypeCast' in node) return bindTypeCast(node.TypeCast, scope, ctx);
  if ('FuncCall' in node) return bindFuncCall(node.FuncCall, scope, ctx, bindExpr);
  if ('GroupingFunc' in node) return bindGroupingFunc(node.GroupingFunc, scope, ctx, bindExpr);
  if ('NullTest' in node) {
    const arg = bindExpr(node.NullTest.arg!, scope, ctx);
    return { kind: 'isNull', arg, negated: node.NullTest.nulltesttype === 'IS_NOT_NULL', type: T.bool };
  }
  if ('BooleanTest' in node)
    return bindBooleanTest(node.BooleanTest.arg!, node.BooleanTest.booltesttype!, scope, ctx);
  if ('CaseExpr' in node) return bindCase(node.CaseExpr, scope, ctx);
  if ('CoalesceExpr' in node) {
    const args = (node.CoalesceExpr.args ?? []).map((a) => bindExpr(a, scope, ctx));
    const type = commonType(
      args.map((a) => a.type),
      'COALESCE',
    );
    return { kind: 'coalesce', args: args.map((a) => coerce(a, type, false)), type };
  }
  if ('MinMaxExpr' in node) {
    const args = (node.MinMaxExpr.args ?? []).map((a) => bindExpr(a, scope, ctx));
    const greatest = node.MinMaxExpr.op === 'IS_GREATEST';
    const type = commonType(
      args.map((a) => a.type),
      greatest ? 'GREATEST' : 'LEAST',
    );
    return { kind: 'minMax', greatest, args: args.map((a) => coerce(a, type, false)), type };
  }
  if ('SubLink' in node) return bindSubLink(node.SubLink, scope, ctx);
  if ('ParamRef' in node) return bindParam(node.ParamRef.number ?? 0, ctx, node.ParamRef.location);
  if ('A_ArrayExpr' in node) {
    const elements = (node.A_ArrayExpr.elements ?? []).map((e) => bindExpr(e, scope, ctx));
    const type = commonType(
      elements.map((e) => e.type),
      'ARRAY',
    );
    const args = elements.map((e) => coerce(e, type, false));
    return {
      kind: 'call',
      name: 'array',
      args,
      // Arrays as elements add a dimension; their shapes are checked per row (buildNestedArray).
      impl: type.id === 'array' ? buildNestedArray : (...vs) => vs,
      strict: false,
      volatile: false,
      type: arrayOf(type),
    };
  }
  if ('CollateClause' in node) return bindExpr(node.CollateClause.arg!, scope, ctx);
  if ('A_Indirection' in node) return bindSubscript(node.A_Indirection, scope, ctx, locationOf(node));
  if ('SQLValueFunction' in node) return bindSqlValueFunction(node.SQLValueFunction.op ?? '', ctx);
  throw new FeatureNotSupportedError(`expression ${Object.keys(node)[0]} is not supported`, {
    position: locationOf(node),
  });
}

/** 1-based position of a node in the statement, for error reports. */
export function locationOf(node: Node): number | undefined {
  const body = Object.values(node)[0] as { location?: number } | undefined;
  const loc = body?.location;
  return loc === undefined || loc < 0 ? undefined : loc + 1;
}

function bindColumnRef(ref: ColumnRef, scope: Scope): ScalarExpr {
  const fields = ref.fields ?? [];
  const names = fields.map((f) => ('String' in f ? f.String.sval! : '*'));
  const position = ref.location === undefined ? undefined : ref.location + 1;
  if (names.includes('*')) {
    throw new SemanticError(SqlState.syntaxError, 'row expansion via "*" is not supported here', {
      position,
    });
  }
  if (names.length > 2) {
    if (names.length === 3) return resolveColumn(scope, names[1]!, names[2]!, position);
    throw new SemanticError(
      SqlState.syntaxError,
      `improper qualified name (too many dotted names): ${names.join('.')}`,
      {
        position,
      },
    );
  }
  return names.length === 2
    ? resolveColumn(scope, names[0]!, names[1]!, position)
    : resolveColumn(scope, null, names[0]!, position);
}

function resolveColumn(scope: Scope, table: string | null, name: string, position?: number): ScalarExpr {
  const { depth, column } = scope.resolve(table, name, position);
  if (depth === 0) return { kind: 'column', index: column.index, type: column.type };
  return { kind: 'outerRef', depth, index: column.index, type: column.type };
}

export function bindConst(c: A_Const): ScalarExpr {
  if (c.isnull) return { kind: 'literal', value: null, type: T.unknown };
  if (c.ival !== undefined) return { kind: 'literal', value: c.ival.ival ?? 0, type: T.int4 };
  if (c.fval !== undefined) return bindNumberText(c.fval.fval ?? '0');
  if (c.sval !== undefined) return { kind: 'literal', value: c.sval.sval ?? '', type: T.unknown };
  if (c.boolval !== undefined) return { kind: 'literal', value: c.boolval.boolval ?? false, type: T.bool };
  if (c.bsval !== undefined) throw new FeatureNotSupportedError('bit-string constants are not supported');
  throw new FeatureNotSupportedError('constant of unknown kind');
}

/** A numeric constant too large for int4 or with a fraction: int8 if integral and in range, else numeric. */
function bindNumberText(text: string): ScalarExpr {
  if (/^-?\d+$/.test(text)) {
    const big = BigInt(text);
    if (big >= -9223372036854775808n && big <= 9223372036854775807n) {
      const value = big >= -9007199254740991n && big <= 9007199254740991n ? Number(big) : big;
      return { kind: 'literal', value, type: T.int8 };
    }
  }
  return { kind: 'literal', value: Numeric.parse(text), type: T.numeric };
}

function bindParam(number: number, ctx: BindContext, location?: number): ScalarExpr {
  const i = number - 1;
  const position = location === undefined ? undefined : location + 1;
  const inferring = ctx.inferredParamTypes;
  if (i < 0 || (i >= ctx.params.length && !inferring)) {
    throw new UndefinedObjectError(SqlState.undefinedParameter, `there is no parameter $${number}`, {
      position,
    });
  }
  if (inferring) {
    const declared = ctx.paramTypes[i] ?? inferring[i];
    if (declared && inferring[i] === undefined) inferring[i] = declared;
    while (inferring.length <= i) inferring.push(undefined);
    return { kind: 'literal', value: null, type: declared ?? T.unknown, paramIndex: i };
  }
  const value = ctx.params[i]!;
  return { kind: 'literal', value, type: ctx.paramTypes[i] ?? paramType(value), paramIndex: i };
}

/**
 * The type of a parameter given as a JS value (the library API): strings stay `unknown`, as
 * text-format parameters do in PostgreSQL, so context decides their type.
 */
function paramType(value: Value): SqlType {
  if (typeof value === 'number')
    return Number.isInteger(value) ? (Math.abs(value) <= 2147483647 ? T.int4 : T.int8) : T.float8;
  if (typeof value === 'bigint') return T.int8;
  if (typeof value === 'boolean') return T.bool;
  if (value instanceof Numeric) return T.numeric;
  if (value instanceof Uint8Array) return T.bytea;
  return T.unknown;
}

function bindAExpr(e: A_Expr, scope: Scope, ctx: BindContext): ScalarExpr {
  const op = operatorName(e);
  const position = e.location === undefined ? undefined : e.location + 1;
  switch (e.kind) {
    case 'AEXPR_OP': {
      if (!e.lexpr) return bindUnaryOperator(op, bindExpr(e.rexpr!, scope, ctx), position);
      return bindBinaryOperator(
        op,
        bindExpr(e.lexpr, scope, ctx),
        bindExpr(e.rexpr!, scope, ctx),
        bindEnv(ctx),
        position,
      );
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const [left, right] = unify(bindExpr(e.lexpr!, scope, ctx), bindExpr(e.rexpr!, scope, ctx), position);
      return {
        kind: 'isDistinct',
        left: comparableBpchar(left),
        right: comparableBpchar(right),
        negated: e.kind === 'AEXPR_NOT_DISTINCT',
        type: T.bool,
      };
    }
    case 'AEXPR_NULLIF': {
      const first = bindExpr(e.lexpr!, scope, ctx);
      const [left, right] = unify(first, bindExpr(e.rexpr!, scope, ctx), position);
      const equal = equalityTest(left, right);
      // NULLIF returns the left operand of the `=` PostgreSQL picks: where a cross-type operator
      // exists (int4 = int8, float4 = float8, date = timestamp) the first argument keeps its type.
      const result = sameOperatorFamily(first.type, right.type) ? first : left;
      return {
        kind: 'case',
        whens: [{ when: equal, result: { kind: 'literal', value: null, type: result.type } }],
        otherwise: result,
        type: result.type,
      };
    }
    case 'AEXPR_IN':
      return bindInList(e, op === '<>', scope, ctx, position);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
    case 'AEXPR_SIMILAR':
      return bindBinaryOperator(
        op,
        bindExpr(e.lexpr!, scope, ctx),
        // `x LIKE p ESCAPE e` arrives as like_escape(p, e): an ordinary call.
        bindExpr(e.rexpr!, scope, ctx),
        bindEnv(ctx),
        position,
      );
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return bindBetween(e, scope, ctx, position);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      return bindArrayQuantifier(e, op, scope, ctx, position);
    default:
      throw new FeatureNotSupportedError(`operator form ${e.kind} is not supported`, { position });
  }
}

function operatorName(e: A_Expr): string {
  const names = (e.name ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  return names[names.length - 1] ?? '';
}

/** Type families whose members PostgreSQL compares with cross-type `=` operators, no cast needed. */
const crossTypeEqualityFamilies: readonly (readonly string[])[] = [
  ['int2', 'int4', 'int8'],
  ['float4', 'float8'],
  ['date', 'timestamp', 'timestamptz'],
];

function sameOperatorFamily(a: SqlType, b: SqlType): boolean {
  return crossTypeEqualityFamilies.some((f) => f.includes(a.id) && f.includes(b.id));
}

/** `left = right` over operands already of one type, char compared without its padding. */
export function equalityTest(left: ScalarExpr, right: ScalarExpr): ScalarExpr {
  return {
    kind: 'compare',
    op: '=',
    left: comparableBpchar(left),
    right: comparableBpchar(right),
    type: T.bool,
  };
}

/** Brings two expressions to their common type (for =, IS DISTINCT FROM, NULLIF). */
function unify(left: ScalarExpr, right: ScalarExpr, position?: number): [ScalarExpr, ScalarExpr] {
  const type = comparisonType(left.type, right.type, position);
  return [coerce(left, type, false, position), coerce(right, type, false, position)];
}

/**
 * `x [NOT] IN (items)` as PostgreSQL's transformAExprIn builds it: items without column
 * references (when more than one) become one IN-list test placed first; every other item is its
 * own `x = item` (or `x <> item`), combined by OR (AND for NOT IN). The order decides which
 * comparisons are ever evaluated, so it is kept.
 */
function bindInList(
  e: A_Expr,
  negated: boolean,
  scope: Scope,
  ctx: BindContext,
  position?: number,
): ScalarExpr {
  const arg = bindExpr(e.lexpr!, scope, ctx);
  const items = listItems(e.rexpr!).map((n) => bindExpr(n, scope, ctx));
  const hasColumns = (x: ScalarExpr): boolean => anyNode(x, (n) => n.kind === 'column');
  const constants = items.filter((i) => !hasColumns(i));
  const separate =
    constants.length > 1 ? items.filter(hasColumns) : [...items.filter(hasColumns), ...constants];
  let result: ScalarExpr | null = null;
  if (constants.length > 1) {
    // Arrays compare only with arrays of their element type (42883), as `=` does.
    if (arg.type.id === 'array') for (const i of constants) comparisonType(arg.type, i.type, position);
    const type = commonType([arg.type, ...constants.map((i) => i.type)], 'IN', position);
    result = {
      kind: 'inList',
      arg: comparableBpchar(coerce(arg, type, false, position)),
      list: constants.map((i) => comparableBpchar(coerce(i, type, false, position))),
      negated,
      type: T.bool,
    };
  }
  for (const item of separate) {
    const cmp = bindBinaryOperator(negated ? '<>' : '=', arg, item, bindEnv(ctx), position);
    result = result === null ? cmp : { kind: negated ? 'and' : 'or', args: [result, cmp], type: T.bool };
  }
  return result!;
}

function listItems(node: Node): Node[] {
  return 'List' in node ? (node.List.items ?? []) : [node];
}

function bindBetween(e: A_Expr, scope: Scope, ctx: BindContext, position?: number): ScalarExpr {
  const [lowNode, highNode] = listItems(e.rexpr!);
  const arg = bindExpr(e.lexpr!, scope, ctx);
  const low = bindExpr(lowNode!, scope, ctx);
  const high = bindExpr(highNode!, scope, ctx);
  const type = commonType([arg.type, low.type, high.type], 'BETWEEN', position);
  const a = comparableBpchar(coerce(arg, type, false, position));
  const lo = comparableBpchar(coerce(low, type, false, position));
  const hi = comparableBpchar(coerce(high, type, false, position));
  const range = (l: ScalarExpr, h: ScalarExpr): ScalarExpr => ({
    kind: 'and',
    args: [
      { kind: 'compare', op: '>=', left: a, right: l, type: T.bool },
      { kind: 'compare', op: '<=', left: a, right: h, type: T.bool },
    ],
    type: T.bool,
  });
  const symmetric = e.kind === 'AEXPR_BETWEEN_SYM' || e.kind === 'AEXPR_NOT_BETWEEN_SYM';
  const test: ScalarExpr = symmetric
    ? { kind: 'or', args: [range(lo, hi), range(hi, lo)], type: T.bool }
    : range(lo, hi);
  const negated = e.kind === 'AEXPR_NOT_BETWEEN' || e.kind === 'AEXPR_NOT_BETWEEN_SYM';
  return negated ? { kind: 'not', arg: test, type: T.bool } : test;
}

/** `x op ANY (array)` / `x op ALL (array)` over an array value. */
function bindArrayQuantifier(
  e: A_Expr,
  op: string,
  scope: Scope,
  ctx: BindContext,
  position?: number,
): ScalarExpr {
  const left = bindExpr(e.lexpr!, scope, ctx);
  const array = bindExpr(e.rexpr!, scope, ctx);
  if (!compareOps.has(op))
    throw new FeatureNotSupportedError(`operator ${op} with ANY/ALL is not supported`, { position });
  // The elements are those under every dimension: 1 = ANY (ARRAY[[1,2],[3,4]]) searches all four.
  const elementType = array.type.id === 'array' ? array.type.element : left.type;
  const type = comparisonType(left.type, elementType, position, 'ANY/ALL');
  const arrayExpr = coerce(array, arrayOf(type), false, position);
  const leftExpr = coerce(left, type, false, position);
  const all = e.kind === 'AEXPR_OP_ALL';
  const test = compareOperator(op as CompareOp, type.id === 'bpchar');
  return {
    kind: 'call',
    name: all ? `${op} ALL` : `${op} ANY`,
    args: [comparableBpchar(leftExpr), arrayExpr],
    strict: false,
    volatile: false,
    type: T.bool,
    impl: (x, arr) => {
      if (arr === null) return null;
      const items = arrayElements(arr as Value[]);
      if (items.length === 0) return all;
      if (x === null) return null;
      let sawNull = false;
      for (const item of items) {
        if (item === null) {
          sawNull = true;
          continue;
        }
        const r = test(x, item);
        if (all && !r) return false;
        if (!all && r) return true;
      }
      return sawNull ? null : all;
    },
  };
}

/** The element test of ANY/ALL; char elements compare without their padding, as `=` on char. */
function compareOperator(
  op: CompareOp,
  bpchar: boolean,
): (a: NonNullable<unknown>, b: NonNullable<unknown>) => boolean {
  if (bpchar) return (a, b) => compareHolds(op, compareValues(a as Value, trimBpchar(b as string)));
  return (a, b) => compareHolds(op, compareValues(a as Value, b as Value));
}

function bindBoolExpr(e: BoolExpr, scope: Scope, ctx: BindContext): ScalarExpr {
  const args = (e.args ?? []).map((a) => coerce(bindExpr(a, scope, ctx), T.bool, false, locationOf(a)));
  if (e.boolop === 'NOT_EXPR') return { kind: 'not', arg: args[0]!, type: T.bool };
  return { kind: e.boolop === 'AND_EXPR' ? 'and' : 'or', args, type: T.bool };
}

function bindBooleanTest(argNode: Node, test: string, scope: Scope, ctx: BindContext): ScalarExpr {
  const arg = coerce(bindExpr(argNode, scope, ctx), T.bool, false, locationOf(argNode));
  const lit = (v: boolean): ScalarExpr => ({ kind: 'literal', value: v, type: T.bool });
  switch (test) {
    case 'IS_TRUE':
      return { kind: 'isDistinct', left: arg, right: lit(true), negated: true, type: T.bool };
    case 'IS_NOT_TRUE':
      return { kind: 'isDistinct', left: arg, right: lit(true), negated: false, type: T.bool };
    case 'IS_FALSE':
      return { kind: 'isDistinct', left: arg, right: lit(false), negated: true, type: T.bool };
    case 'IS_NOT_FALSE':
      return { kind: 'isDistinct', left: arg, right: lit(false), negated: false, type: T.bool };
    case 'IS_UNKNOWN':
      return { kind: 'isNull', arg, negated: false, type: T.bool };
    default:
      return { kind: 'isNull', arg, negated: true, type: T.bool };
  }
}

function bindCase(e: CaseExpr, scope: Scope, ctx: BindContext): ScalarExpr {
  const operand = e.arg ? bindExpr(e.arg, scope, ctx) : null;
  const whens = (e.args ?? []).map((w) => {
    if (!('CaseWhen' in w)) throw new FeatureNotSupportedError('malformed CASE');
    const cond = bindExpr(w.CaseWhen.expr!, scope, ctx);
    const result = bindExpr(w.CaseWhen.result!, scope, ctx);
    return { cond, result, position: locationOf(w.CaseWhen.expr!) };
  });
  const otherwise: ScalarExpr = e.defresult
    ? bindExpr(e.defresult, scope, ctx)
    : { kind: 'literal', value: null, type: T.unknown };
  // PostgreSQL resolves the ELSE result's type first: among strings, which cast to one another
  // implicitly, the first known type wins, so `CASE … THEN text ELSE char(3)` is bpchar, padded.
  const type = commonType([otherwise.type, ...whens.map((w) => w.result.type)], 'CASE');
  const conditions = whens.map((w) => {
    if (!operand) return coerce(w.cond, T.bool, false, w.position);
    const [l, r] = unify(operand, w.cond, w.position);
    return equalityTest(l, r);
  });
  return {
    kind: 'case',
    whens: whens.map((w, i) => ({ when: conditions[i]!, result: coerce(w.result, type, false) })),
    otherwise: coerce(otherwise, type, false),
    type,
  };
}

function bindTypeCast(e: TypeCast, scope: Scope, ctx: BindContext): ScalarExpr {
  const position = e.location === undefined ? undefined : e.location + 1;
  const type = resolveTypeName(e.typeName!, ctx.catalog);
  const arg = bindExpr(e.arg!, scope, ctx);
  const catalogCast = bindCatalogCast(typeNameText(e.typeName!), type, arg, bindEnv(ctx).system, position);
  if (catalogCast) return catalogCast;
  if (
    type.id === 'interval' &&
    typeNameText(e.typeName!) === 'interval' &&
    (e.typeName!.typmods ?? []).length > 0
  ) {
    const field = intervalTypmodField(e.typeName!);
    if (field && arg.kind === 'literal' && arg.type.id === 'unknown' && typeof arg.value === 'string') {
      return { kind: 'literal', value: parseIntervalField(arg.value, field), type };
    }
  }
  return coerce(arg, type, true, position);
}

function parseIntervalField(text: string, field: string): Value {
  return parseInterval(text, field as IntervalField);
}

/**
 * `array[i][j]…` (1-based): as PostgreSQL, NULL unless there is one subscript per dimension of
 * the value and each is in range. The dimensions are the value's, so this is decided per row.
 */
function subscriptElement(array: Value, ...indexes: Value[]): Value {
  let level = array as Value[];
  if (arrayShape(level).length !== indexes.length) return null;
  for (let k = 0; k < indexes.length - 1; k++) level = level[(indexes[k] as number) - 1] as Value[];
  return level?.[(indexes[indexes.length - 1] as number) - 1] ?? null;
}

/** `array[i]…`. Slices and field selection are not supported. */
function bindSubscript(e: A_Indirection, scope: Scope, ctx: BindContext, position?: number): ScalarExpr {
  const expr = bindExpr(e.arg!, scope, ctx);
  const indexes: ScalarExpr[] = [];
  for (const step of e.indirection ?? []) {
    if (!('A_Indices' in step) || step.A_Indices.is_slice || !step.A_Indices.uidx) {
      throw new FeatureNotSupportedError('array slices and field selection are not supported', { position });
    }
    if (expr.type.id !== 'array') {
      throw new SemanticError(
        SqlState.datatypeMismatch,
        `cannot subscript type ${typeName(expr.type)} because it does not support subscripting`,
        { position },
      );
    }
    indexes.push(coerce(bindExpr(step.A_Indices.uidx, scope, ctx), T.int4, false, position));
  }
  if (expr.type.id !== 'array' || indexes.length === 0) return expr;
  return {
    kind: 'call',
    name: 'subscript',
    args: [expr, ...indexes],
    impl: subscriptElement,
    strict: true,
    volatile: false,
    type: expr.type.element,
  };
}

/**
 * `ARRAY(subquery)`: the subquery's values as an array ('{}' when it has no rows), as a scalar
 * subquery over array_agg, in the order of the subquery's ORDER BY (else by value).
 */
function arraySubquery(plan: LogicalPlan, position?: number): ScalarExpr {
  if (plan.schema.length !== 1) {
    throw new SemanticError(SqlState.syntaxError, 'subquery must return only one column', { position });
  }
  const type = arrayOf(plan.schema[0]!.type);
  // ORDER BY a column not selected leaves a projection over the sort: aggregate under it.
  const top = plan.kind === 'map' && plan.input.kind === 'orderBy' ? plan.exprs[0]! : null;
  const sorted = top?.kind === 'column' && plan.kind === 'map' ? plan.input : plan;
  const aggregate: LogicalPlan = {
    kind: 'aggregate',
    input: sorted,
    groupBy: [],
    aggregates: [
      {
        fn: 'array_agg',
        args: [top?.kind === 'column' ? top.index : 0],
        distinct: false,
        filter: null,
        orderBy: sorted.kind === 'orderBy' ? sorted.orderBy : [],
        type,
      },
    ],
    schema: [{ name: 'array', type, nullable: true }],
  };
  return {
    kind: 'coalesce',
    args: [
      { kind: 'subquery', subquery: 'scalar', plan: aggregate, type },
      { kind: 'literal', value: [], type },
    ],
    type,
  };
}

function bindSubLink(link: SubLink, scope: Scope, ctx: BindContext): ScalarExpr {
  const position = link.location === undefined ? undefined : link.location + 1;
  const select = link.subselect;
  if (!select || !('SelectStmt' in select)) throw new FeatureNotSupportedError('subquery form', { position });
  const outerAggregates = new Map(ctx.outerAggregates ?? []).set(scope.level, {
    aggregates: ctx.aggregates,
    clause: ctx.aggregateClause,
  });
  const plan = ctx.bindSubquery(select.SelectStmt, scope, outerAggregates);
  switch (link.subLinkType) {
    case 'EXISTS_SUBLINK':
      return { kind: 'subquery', subquery: 'exists', plan, type: T.bool };
    case 'ARRAY_SUBLINK':
      return arraySubquery(plan, position);
    case 'EXPR_SUBLINK': {
      if (plan.schema.length !== 1) {
        throw new SemanticError(SqlState.syntaxError, 'subquery must return only one column', { position });
      }
      return { kind: 'subquery', subquery: 'scalar', plan, type: plan.schema[0]!.type };
    }
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      if (plan.schema.length !== 1) {
        throw new SemanticError(SqlState.syntaxError, 'subquery has too many columns', { position });
      }
      const names = (link.operName ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
      const op = (names[names.length - 1] ?? '=') as CompareOp;
      if (!compareOps.has(op))
        throw new FeatureNotSupportedError(`operator ${op} with a subquery`, { position });
      const test = bindExpr(link.testexpr!, scope, ctx);
      // Resolved as the operator is (char against text compares as text, padding dropped).
      const type = comparisonType(test.type, plan.schema[0]!.type, position, 'IN');
      // char compares without its padding: both sides go through comparableBpchar.
      const sub =
        plan.schema[0]!.type.id === type.id && type.id !== 'bpchar' ? plan : castPlanColumn(plan, type);
      return {
        kind: 'subquery',
        subquery: link.subLinkType === 'ANY_SUBLINK' ? 'any' : 'all',
        plan: sub,
        test: comparableBpchar(coerce(test, type, false, position)),
        op,
        type: T.bool,
      };
    }
    default:
      throw new FeatureNotSupportedError(`subquery type ${link.subLinkType} is not supported`, { position });
  }
}

/** The subquery's one column converted to `type`, as the test of ANY/ALL compares it. */
function castPlanColumn(plan: LogicalPlan, type: SqlType): LogicalPlan {
  const column = plan.schema[0]!;
  const compared = comparableBpchar(coerce({ kind: 'column', index: 0, type: column.type }, type, false));
  return { kind: 'map', input: plan, exprs: [compared], schema: [{ ...column, type: compared.type }] };
}

function bindSqlValueFunction(op: string, ctx: BindContext): ScalarExpr {
  const clock = (name: ClockName): ScalarExpr =>
    ctx.deferClock ? clockCall(name) : clockLiteral(name, ctx.session);
  switch (op) {
    case 'SVFOP_CURRENT_TIMESTAMP':
    case 'SVFOP_CURRENT_TIMESTAMP_N':
      return clock('CURRENT_TIMESTAMP');
    case 'SVFOP_LOCALTIMESTAMP':
    case 'SVFOP_LOCALTIMESTAMP_N':
      return clock('LOCALTIMESTAMP');
    case 'SVFOP_CURRENT_DATE':
      return clock('CURRENT_DATE');
    case 'SVFOP_CURRENT_USER':
    case 'SVFOP_SESSION_USER':
    case 'SVFOP_USER':
    case 'SVFOP_CURRENT_ROLE':
      return { kind: 'literal', value: ctx.session.userName ?? ROLE_NAME, type: T.text };
    case 'SVFOP_CURRENT_CATALOG':
      return { kind: 'literal', value: 'eddy', type: T.text };
    case 'SVFOP_CURRENT_SCHEMA':
      return { kind: 'literal', value: 'public', type: T.text };
    default:
      throw new FeatureNotSupportedError(`${op.replace('SVFOP_', '').toLowerCase()} is not supported`);
  }
}
