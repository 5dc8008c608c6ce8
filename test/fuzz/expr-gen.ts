/**
 * @module test/fuzz/expr-gen
 * Random typed scalar expressions over a scope: columns (or, in a grouped query, the grouping
 * keys), literals, operators and functions by category, CASE/COALESCE/NULLIF, aggregates with
 * DISTINCT and FILTER and window functions (aggregate-gen), and subqueries (scalar, IN, EXISTS, ANY/ALL, a CTE inside
 * IN) that may reference any enclosing query's columns. Every composite node carries simpler
 * stand-ins for the minimiser. Results must not depend on evaluation order or on row order, so
 * divisions are guarded by NULLIF and order-sensitive functions get a total order.
 */

import { aggregate, windowCall } from './aggregate-gen.ts';
import type { Rng } from './rng.ts';
import type { Category, Schema } from './schema-gen.ts';
import { node, type SqlNode, type SqlPart } from './sql-tree.ts';

/** A column an expression may reference, already qualified (`x1.i0`). */
export interface Atom {
  readonly sql: SqlPart;
  readonly category: Category;
}

/** What is visible where an expression is generated. */
export interface ExprContext {
  readonly rng: Rng;
  readonly schema: Schema;
  /** Columns of this query level usable outside aggregates (group keys when grouped). */
  readonly atoms: readonly Atom[];
  /** All columns of this query level (aggregate arguments may use any). */
  readonly rowAtoms: readonly Atom[];
  /** Columns of enclosing queries: correlated references. */
  readonly outer: readonly Atom[];
  readonly allowAggregates: boolean;
  readonly allowWindows: boolean;
  /** `alias.id` columns that order this level's rows totally, or null when there is none. */
  readonly totalOrder: readonly string[] | null;
  readonly depth: number;
  /** Generates a subquery (query-gen injects it, to keep the two modules acyclic). */
  readonly subquery: SubqueryMaker;
}

export type SubqueryMaker = (
  ctx: ExprContext,
  shape: 'scalar' | 'column' | 'exists',
  category: Category,
) => SqlNode;

const numeric: readonly Category[] = ['int', 'num', 'float'];
export const comparable: readonly Category[] = ['int', 'num', 'float', 'text', 'bool', 'date', 'intarr'];

export function literal(rng: Rng, category: Category): string {
  switch (category) {
    case 'int':
      return String(rng.int(-2, 5));
    case 'num':
      return (rng.int(-200, 500) / 100).toFixed(2);
    case 'float':
      return `${rng.pick(['0.5', '1.5', '-2', '0'])}::float8`;
    case 'text':
      return rng.pick(["'a'", "'ab'", "'b'", "''", "'abc'", "'a '"]);
    case 'bool':
      return rng.pick(['true', 'false']);
    case 'date':
      return `DATE '2024-01-0${rng.int(1, 9)}'`;
    case 'intarr':
      return rng.pick(['ARRAY[1,2]', "'{}'::integer[]", 'ARRAY[2]', 'ARRAY[NULL,3]']);
  }
}

const typedNull: Record<Category, string> = {
  int: 'NULL::integer',
  num: 'NULL::numeric',
  float: 'NULL::float8',
  text: 'NULL::text',
  bool: 'NULL::boolean',
  date: 'NULL::date',
  intarr: 'NULL::integer[]',
};

/** The simplest non-null stand-in of a category, used as every node's first alternative. */
const plain: Record<Category, string> = {
  int: '1',
  num: '1.00',
  float: '1::float8',
  text: "'a'",
  bool: 'true',
  date: "DATE '2024-01-01'",
  intarr: 'ARRAY[1]',
};

/** A composite node whose stand-ins are the plain literal and its children of the same category. */
export function composite(category: Category, parts: readonly SqlPart[], same: readonly SqlPart[]): SqlNode {
  return node(parts, [plain[category], ...same]);
}

function atomOf(ctx: ExprContext, category: Category): SqlPart | null {
  const local = ctx.atoms.filter((a) => a.category === category);
  const outer = ctx.outer.filter((a) => a.category === category);
  if (local.length === 0 && outer.length === 0) return null;
  if (outer.length > 0 && (local.length === 0 || ctx.rng.chance(0.2))) return ctx.rng.pick(outer).sql;
  return ctx.rng.pick(local).sql;
}

function deeper(ctx: ExprContext): ExprContext {
  return { ...ctx, depth: ctx.depth + 1 };
}

/** An expression of `category`; `ctx.depth` bounds nesting. */
export function expr(ctx: ExprContext, category: Category): SqlPart {
  const { rng } = ctx;
  const leaf = ctx.depth >= 2 || rng.chance(ctx.depth === 0 ? 0.4 : 0.6);
  if (leaf) {
    const atom = rng.chance(0.9) ? atomOf(ctx, category) : null;
    if (atom !== null) return atom;
    return rng.chance(0.1) ? typedNull[category] : literal(rng, category);
  }
  const d = deeper(ctx);
  const choices: [number, () => SqlPart][] = [
    [6, () => byCategory(d, category)],
    [1, () => caseWhen(d, category)],
    [1, () => composite(category, ['COALESCE(', expr(d, category), ', ', literal(rng, category), ')'], [])],
    [1, () => composite(category, ['NULLIF(', expr(d, category), ', ', expr(d, category), ')'], [])],
  ];
  if (category !== 'bool' && category !== 'intarr') {
    const a = expr(d, category);
    choices.push([
      1,
      () => composite(category, [rng.pick(['GREATEST(', 'LEAST(']), a, ', ', expr(d, category), ')'], [a]),
    ]);
  }
  if (ctx.allowAggregates) choices.push([3, () => aggregate(d, category)]);
  if (ctx.allowWindows && category !== 'bool' && category !== 'intarr')
    choices.push([2, () => windowCall(d, category)]);
  if (ctx.depth < 2 && category !== 'intarr') choices.push([2, () => ctx.subquery(d, 'scalar', category)]);
  return rng.weighted(choices.map(([w, f]) => [w, f] as const))();
}

function caseWhen(ctx: ExprContext, category: Category): SqlNode {
  const a = expr(ctx, category);
  const b = expr(ctx, category);
  return composite(category, ['CASE WHEN ', predicate(ctx), ' THEN ', a, ' ELSE ', b, ' END'], [a, b]);
}

function byCategory(ctx: ExprContext, category: Category): SqlPart {
  const { rng } = ctx;
  const e = (c: Category = category) => expr(ctx, c);
  switch (category) {
    case 'int': {
      const a = e();
      const b = e();
      return rng.weighted<() => SqlPart>([
        [3, () => composite('int', ['(', a, rng.pick([' + ', ' - ', ' * ']), b, ')'], [a, b])],
        [1, () => composite('int', ['(', a, rng.pick([' / ', ' % ']), 'NULLIF(', b, ', 0))'], [a, b])],
        [1, () => composite('int', ['abs(', a, ')'], [a])],
        [
          1,
          () =>
            rng.chance(0.5)
              ? composite('int', ['sign(', a, ')'], [a])
              : composite('int', ['mod(', a, ', 3)'], [a]),
        ],
        [1, () => composite('int', ['position(', e('text'), ' IN ', e('text'), ')'], [])],
        [1, () => composite('int', ['length(', e('text'), ')'], [])],
        [1, () => composite('int', ['cardinality(', e('intarr'), ')'], [])],
        [1, () => composite('int', ['(', e('date'), ' - ', e('date'), ')'], [])],
      ])();
    }
    case 'num': {
      const a = e(rng.pick(['num', 'int'] as const));
      const b = e('num');
      return rng.weighted<() => SqlPart>([
        [3, () => composite('num', ['(', a, rng.pick([' + ', ' - ', ' * ']), b, ')'], [b])],
        [1, () => composite('num', ['round(', b, ', 1)'], [b])],
        [1, () => composite('num', [rng.pick(['floor(', 'ceil(', 'trunc(', 'abs(']), b, ')'], [b])],
        [1, () => composite('num', ['(', b, ' / NULLIF(', a, ', 0))'], [b])],
      ])();
    }
    case 'float': {
      const a = e();
      const b = e(rng.pick(numeric));
      return rng.weighted<() => SqlPart>([
        [3, () => composite('float', ['(', a, rng.pick([' + ', ' * ', ' - ']), b, ')'], [a])],
        [1, () => composite('float', [rng.pick(['sqrt(abs(', 'floor((', 'abs((']), a, '))'], [a])],
        [1, () => composite('float', ['CAST(', e('num'), ' AS double precision)'], [])],
      ])();
    }
    case 'text': {
      const a = e();
      return rng.weighted<() => SqlPart>([
        [2, () => composite('text', ['(', a, ' || ', e(), ')'], [a])],
        [1, () => composite('text', [rng.pick(['upper(', 'lower(', 'trim(']), a, ')'], [a])],
        [1, () => composite('text', ['substr(', a, ', 1, 2)'], [a])],
        [1, () => composite('text', [rng.pick(['left(', 'right(']), a, `, ${rng.int(-1, 2)})`], [a])],
        [1, () => composite('text', ['replace(', a, ", 'a', 'xy')"], [a])],
        [1, () => composite('text', ['lpad(', a, ", 4, '*')"], [a])],
        [1, () => composite('text', ["concat_ws('-', ", a, ', ', e(), ')'], [a])],
        [1, () => composite('text', ['split_part(', a, ", ' ', 1)"], [a])],
        [1, () => composite('text', ['CAST(', e('int'), ' AS text)'], [])],
      ])();
    }
    case 'bool':
      return predicate(ctx);
    case 'date':
      return composite('date', ['(', e(), ' + ', e('int'), ')'], []);
    case 'intarr': {
      const a = e('int');
      return rng.weighted<() => SqlPart>([
        [2, () => composite('intarr', ['ARRAY[', a, ', ', e('int'), ']'], [])],
        [2, () => composite('intarr', ['array_append(', e(), ', ', a, ')'], [])],
        // Two-dimensional: PostgreSQL keeps the type integer[] (and fails on ragged rows).
        [1, () => composite('intarr', ['ARRAY[', e(), ', ', e(), ']'], [])],
      ])();
    }
  }
}

/** A boolean expression: comparisons, NULL tests, logic, IN, LIKE, and subquery predicates. */
export function predicate(ctx: ExprContext): SqlPart {
  const { rng } = ctx;
  if (ctx.depth >= 3) return rng.chance(0.8) ? comparison(ctx) : (atomOf(ctx, 'bool') ?? 'true');
  const d = deeper(ctx);
  const sub = ctx.depth < 2;
  return rng.weighted<() => SqlPart>([
    [6, () => comparison(d)],
    [1, () => atomOf(d, 'bool') ?? comparison(d)],
    [2, () => logic(d)],
    [1, () => composite('bool', ['NOT ', predicate(d)], [])],
    [1, () => nullTest(d)],
    [
      1,
      () =>
        composite(
          'bool',
          ['(', predicate(d), rng.pick([' IS TRUE', ' IS NOT FALSE', ' IS UNKNOWN']), ')'],
          [],
        ),
    ],
    [1, () => inList(d)],
    [1, () => like(d)],
    [1, () => between(d)],
    [1, () => composite('bool', ['(', expr(d, 'int'), ' = ANY(', expr(d, 'intarr'), '))'], [])],
    [sub ? 2 : 0, () => inSubquery(d)],
    [sub ? 2 : 0, () => composite('bool', [rng.pick(['', 'NOT ']), d.subquery(d, 'exists', 'int')], [])],
    [sub ? 1 : 0, () => quantified(d)],
  ])();
}

function comparison(ctx: ExprContext): SqlPart {
  const category = ctx.rng.pick(comparable);
  const a = expr(ctx, category);
  const b = expr(ctx, category);
  const op = ctx.rng.pick(['=', '<>', '<', '<=', '>', '>=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM']);
  return composite('bool', ['(', a, ` ${op} `, b, ')'], []);
}

function logic(ctx: ExprContext): SqlNode {
  const a = predicate(ctx);
  const b = predicate(ctx);
  return composite('bool', ['(', a, ctx.rng.pick([' AND ', ' OR ']), b, ')'], [a, b]);
}

function nullTest(ctx: ExprContext): SqlNode {
  const test = ctx.rng.pick([' IS NULL', ' IS NOT NULL']);
  return composite('bool', ['(', expr(ctx, ctx.rng.pick(comparable)), test, ')'], []);
}

function inList(ctx: ExprContext): SqlNode {
  const category = ctx.rng.pick(['int', 'text', 'num'] as const);
  const items = [expr(ctx, category), literal(ctx.rng, category), literal(ctx.rng, category)];
  if (ctx.rng.chance(0.2)) items.push(typedNull[category]);
  const not = ctx.rng.chance(0.3) ? ' NOT' : '';
  return composite('bool', ['(', expr(ctx, category), `${not} IN (`, ...join(items), '))'], []);
}

function join(items: readonly SqlPart[]): SqlPart[] {
  return items.flatMap((p, i) => (i === 0 ? [p] : [', ', p]));
}

function like(ctx: ExprContext): SqlNode {
  const pattern = ctx.rng.pick(["'a%'", "'%b'", "'_'", "'%'", "'a_%'", "'A%'"]);
  const op = ctx.rng.pick(['LIKE', 'NOT LIKE', 'ILIKE']);
  return composite('bool', ['(', expr(ctx, 'text'), ` ${op} ${pattern})`], []);
}

function between(ctx: ExprContext): SqlNode {
  const category = ctx.rng.pick(['int', 'num', 'date', 'text'] as const);
  const sym = ctx.rng.chance(0.3) ? 'SYMMETRIC ' : '';
  return composite(
    'bool',
    ['(', expr(ctx, category), ` BETWEEN ${sym}`, expr(ctx, category), ' AND ', expr(ctx, category), ')'],
    [],
  );
}

function inSubquery(ctx: ExprContext): SqlNode {
  const category = ctx.rng.pick(['int', 'text', 'num'] as const);
  const not = ctx.rng.chance(0.3) ? ' NOT' : '';
  return composite(
    'bool',
    ['(', expr(ctx, category), `${not} IN `, ctx.subquery(ctx, 'column', category), ')'],
    [],
  );
}

function quantified(ctx: ExprContext): SqlNode {
  const category = ctx.rng.pick(['int', 'num'] as const);
  const op = ctx.rng.pick(['=', '<', '>=', '<>']);
  const q = ctx.rng.pick(['ANY', 'ALL']);
  return composite(
    'bool',
    ['(', expr(ctx, category), ` ${op} ${q} `, ctx.subquery(ctx, 'column', category), ')'],
    [],
  );
}
