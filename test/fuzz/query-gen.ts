/**
 * @module test/fuzz/query-gen
 * Random queries over a random schema: FROM lists with every join kind (ON, USING, comma),
 * derived tables and CTEs; plain, grouped (keys may be expressions, correlated subqueries
 * included) and whole-table aggregate SELECTs with HAVING, DISTINCT and DISTINCT ON; top-k with a
 * total order or WITH TIES; set operations with ALL. Subqueries come from here too (expr-gen
 * calls back), so correlation can reach any depth. Results never depend on how ties are broken.
 */
import { aggregate } from './aggregate-gen.ts';
import { type Atom, type ExprContext, expr, predicate } from './expr-gen.ts';
import type { Rng } from './rng.ts';
import type { Category, Schema } from './schema-gen.ts';
import { list, node, type SqlNode, type SqlPart } from './sql-tree.ts';

export interface OutputColumn {
  readonly name: string;
  readonly category: Category;
}

export interface GeneratedQuery {
  readonly tree: SqlPart;
  readonly columns: readonly OutputColumn[];
}

interface Relation {
  readonly alias: string;
  readonly columns: readonly OutputColumn[];
  /** A table of the schema (has a unique `id`). */
  readonly base: boolean;
}

interface Level {
  readonly rng: Rng;
  readonly schema: Schema;
  readonly outer: readonly Atom[];
  readonly depth: number;
  /** CTEs visible at this level. */
  readonly ctes: readonly Relation[];
  /** Shared alias counter: aliases are unique within a query. */
  readonly names: { next: number };
}

const anyCategory: readonly Category[] = [
  'int',
  'int',
  'num',
  'float',
  'text',
  'text',
  'bool',
  'date',
  'intarr',
];

/** A whole query: a SELECT, a set operation, or a SELECT with CTEs. */
export function generateQuery(rng: Rng, schema: Schema): GeneratedQuery {
  const level: Level = { rng, schema, outer: [], depth: 0, ctes: [], names: { next: 0 } };
  return query(level, undefined);
}

function query(level: Level, categories: readonly Category[] | undefined): GeneratedQuery {
  const { rng } = level;
  const shape = rng.weighted<'select' | 'setop' | 'cte'>([
    [6, 'select'],
    [level.depth < 2 ? 2 : 0, 'setop'],
    [level.depth < 2 ? 2 : 0, 'cte'],
  ]);
  if (shape === 'setop') {
    const left = select(level, categories);
    const right = select(
      level,
      left.columns.map((c) => c.category),
    );
    const op = rng.pick(['UNION', 'UNION ALL', 'INTERSECT', 'INTERSECT ALL', 'EXCEPT', 'EXCEPT ALL']);
    return {
      tree: node(['(', left.tree, `) ${op} (`, right.tree, ')'], [left.tree, right.tree]),
      columns: left.columns,
    };
  }
  if (shape === 'cte') {
    const count = rng.int(1, 2);
    const defs: SqlPart[] = [];
    let ctes = level.ctes;
    for (let i = 0; i < count; i++) {
      const body = select({ ...level, ctes, depth: level.depth + 1 }, undefined);
      const alias = `c${level.names.next++}`;
      defs.push(node([`${alias} AS (`, body.tree, ')']));
      ctes = [...ctes, { alias, columns: body.columns, base: false }];
    }
    const main = select({ ...level, ctes }, categories);
    return { tree: node(['WITH ', list(defs, ', ', 1), ' ', main.tree], [main.tree]), columns: main.columns };
  }
  return select(level, categories);
}

interface From {
  readonly tree: SqlPart;
  readonly relations: readonly Relation[];
}

function atomsOf(relations: readonly Relation[]): Atom[] {
  return relations.flatMap((r) =>
    r.columns.map((c) => ({ sql: `${r.alias}.${c.name}`, category: c.category })),
  );
}

function fromItem(level: Level): { tree: SqlPart; relation: Relation } {
  const { rng } = level;
  const alias = `x${level.names.next++}`;
  const kind = rng.weighted<'table' | 'cte' | 'derived'>([
    [6, 'table'],
    [level.ctes.length > 0 ? 4 : 0, 'cte'],
    [level.depth < 2 ? 1 : 0, 'derived'],
  ]);
  if (kind === 'cte') {
    const cte = rng.pick(level.ctes);
    return { tree: `${cte.alias} AS ${alias}`, relation: { alias, columns: cte.columns, base: false } };
  }
  if (kind === 'derived') {
    const sub = query({ ...level, depth: level.depth + 1 }, undefined);
    return {
      tree: node(['(', sub.tree, `) AS ${alias}`]),
      relation: { alias, columns: sub.columns, base: false },
    };
  }
  const table = rng.pick(level.schema.tables);
  const columns = [
    { name: 'id', category: 'int' as const },
    ...table.columns.map((c) => ({ name: c.name, category: c.type.category })),
  ];
  return { tree: `${table.name} AS ${alias}`, relation: { alias, columns, base: true } };
}

function fromClause(level: Level, maxItems: number): From {
  const { rng } = level;
  const first = fromItem(level);
  const parts: SqlPart[] = [first.tree];
  const relations = [first.relation];
  const count = rng.int(1, maxItems);
  for (let i = 1; i < count; i++) {
    const next = fromItem(level);
    const last = i === count - 1;
    const kind = rng.weighted<string>([
      [3, 'JOIN'],
      [3, 'LEFT JOIN'],
      [2, 'RIGHT JOIN'],
      [2, 'FULL JOIN'],
      [1, 'CROSS JOIN'],
      [last ? 2 : 0, ','],
    ]);
    const shared = next.relation.base
      ? next.relation.columns.filter((c) =>
          relations.some(
            (r) => r.base && r.columns.some((d) => d.name === c.name && d.category === c.category),
          ),
        )
      : [];
    if (kind === ',' || kind === 'CROSS JOIN') {
      parts.push(kind === ',' ? ', ' : ' CROSS JOIN ', next.tree);
    } else if (shared.length > 0 && rng.chance(0.25)) {
      parts.push(` ${kind} `, next.tree, ` USING (${rng.pick(shared).name})`);
    } else {
      parts.push(
        ` ${kind} `,
        next.tree,
        ' ON ',
        joinCondition(level, relations, next.relation, kind === 'FULL JOIN'),
      );
    }
    relations.push(next.relation);
  }
  return { tree: node(parts), relations };
}

/** An equality between the new relation and an earlier one, and sometimes any predicate (not for FULL JOIN). */
function joinCondition(level: Level, left: readonly Relation[], right: Relation, equiOnly: boolean): SqlPart {
  const { rng } = level;
  const leftAtoms = atomsOf(left);
  const pairs = atomsOf([right]).flatMap((r) =>
    leftAtoms.filter((l) => l.category === r.category && r.category !== 'float').map((l) => [l, r] as const),
  );
  const equality: SqlPart =
    pairs.length > 0 ? (([l, r]) => `${l.sql as string} = ${r.sql as string}`)(rng.pick(pairs)) : 'true';
  if (equiOnly) return equality;
  const ctx = exprContext(level, [...leftAtoms, ...atomsOf([right])], null);
  return rng.weighted<() => SqlPart>([
    [4, () => equality],
    [2, () => node(['(', equality, ' AND ', predicate(ctx), ')'], [equality])],
    [1, () => predicate(ctx)],
  ])();
}

function exprContext(
  level: Level,
  atoms: readonly Atom[],
  totalOrder: readonly string[] | null,
): ExprContext {
  return {
    rng: level.rng,
    schema: level.schema,
    atoms,
    rowAtoms: atoms,
    outer: level.outer,
    allowAggregates: false,
    allowWindows: false,
    totalOrder,
    depth: level.depth,
    subquery: (ctx, shape, category) => subquery(level, ctx, shape, category),
  };
}

/** One SELECT; `categories` fixes its output columns (for the right side of a set operation). */
function select(level: Level, categories: readonly Category[] | undefined): GeneratedQuery {
  const { rng } = level;
  const from = fromClause(level, level.depth === 0 ? 3 : 2);
  const rowAtoms = atomsOf(from.relations);
  const totalOrder = from.relations.every((r) => r.base) ? from.relations.map((r) => `${r.alias}.id`) : null;
  const base = exprContext(level, rowAtoms, totalOrder);
  const mode = rng.weighted<'plain' | 'grouped' | 'aggregate'>([
    [6, 'plain'],
    [3, 'grouped'],
    [1, 'aggregate'],
  ]);
  const wanted = categories ?? Array.from({ length: rng.int(1, 4) }, () => rng.pick(anyCategory));
  const where = rng.chance(0.7) ? node([' WHERE ', predicate(base)], ['']) : '';
  let itemCtx: ExprContext;
  let groupBy: SqlPart = '';
  let having: SqlPart = '';
  if (mode === 'plain') {
    itemCtx = { ...base, allowWindows: rng.chance(0.3) };
  } else if (mode === 'grouped') {
    const keys = Array.from({ length: rng.int(1, 2) }, () => groupKey(base));
    const keyAtoms = keys.map((k) => ({ sql: k.sql, category: k.category }));
    itemCtx = {
      ...base,
      atoms: keyAtoms,
      allowAggregates: true,
      allowWindows: rng.chance(0.2),
      totalOrder: null,
    };
    const keyList = list(
      keys.map((k) => k.sql),
      ', ',
      1,
    );
    // Now and then grouping sets: each set's rows carry NULL for the keys it leaves out.
    const sets = rng.weighted<() => SqlPart[]>([
      [8, () => [keyList]],
      [1, () => ['ROLLUP (', keyList, ')']],
      [1, () => ['CUBE (', keyList, ')']],
      [
        1,
        () => [
          'GROUPING SETS ((',
          keyList,
          '), ',
          rng.chance(0.5) ? '()' : node(['(', keys[0]!.sql, ')']),
          ')',
        ],
      ],
    ])();
    groupBy = node([' GROUP BY ', ...sets]);
    if (rng.chance(0.4)) having = node([' HAVING ', predicate({ ...itemCtx, allowWindows: false })], ['']);
  } else {
    itemCtx = { ...base, atoms: [], allowAggregates: true, totalOrder: null };
  }
  const items = wanted.map((category, i) => {
    const e =
      mode === 'aggregate' && rng.chance(0.7) ? aggregate(itemCtx, category) : expr(itemCtx, category);
    return node([e, ` AS o${i}`]);
  });
  const columns = wanted.map((category, i) => ({ name: `o${i}`, category }));
  const distinct = rng.chance(0.15) ? 'DISTINCT ' : '';
  const positions = columns.map((_, i) => String(i + 1));
  let tail: SqlPart = '';
  let head: SqlPart = distinct;
  const roll = rng.next();
  if (roll < 0.12) {
    // Ordered by every output column, so the rows kept do not depend on how ties are broken.
    const dirs = positions.map((p) => `${p}${rng.pick(['', ' DESC', ' NULLS FIRST', ' DESC NULLS LAST'])}`);
    const offset = rng.chance(0.3) ? ` OFFSET ${rng.int(1, 3)}` : '';
    tail = node([` ORDER BY ${dirs.join(', ')} LIMIT ${rng.int(0, 5)}${offset}`], ['']);
  } else if (roll < 0.2) {
    const keys = rng
      .sample(positions, rng.int(1, positions.length))
      .map((p) => `${p}${rng.pick(['', ' DESC'])}`);
    tail = node([` ORDER BY ${keys.join(', ')} FETCH FIRST ${rng.int(1, 4)} ROWS WITH TIES`], ['']);
  } else if (roll < 0.26 && distinct === '' && mode === 'plain') {
    head = node(['DISTINCT ON (', nodeOfItem(items[0]!), ') ']);
    tail = ` ORDER BY ${positions.join(', ')}`;
  }
  const tree = node([
    'SELECT ',
    head,
    list(items, ', ', categories === undefined ? 1 : items.length),
    ' FROM ',
    from.tree,
    where,
    groupBy,
    having,
    tail,
  ]);
  return { tree, columns };
}

/** The expression of a select item (`<expr> AS oN`). */
function nodeOfItem(item: SqlNode): SqlPart {
  return item.parts[0]!;
}

/** A grouping key: mostly a column, sometimes an expression or a (correlated) scalar subquery. */
function groupKey(ctx: ExprContext): Atom {
  const { rng } = ctx;
  const columns = ctx.atoms.filter((a) => a.category !== 'float');
  if (columns.length > 0 && rng.chance(0.75)) return rng.pick(columns);
  const category = rng.pick(['int', 'text', 'bool'] as const);
  if (rng.chance(0.5))
    return { sql: ctx.subquery({ ...ctx, depth: ctx.depth + 1 }, 'scalar', category), category };
  return { sql: node(['(', expr({ ...ctx, depth: 2 }, category), ')']), category };
}

/** Subqueries inside expressions; they see every enclosing level's columns as outer references. */
function subquery(
  level: Level,
  ctx: ExprContext,
  shape: 'scalar' | 'column' | 'exists',
  category: Category,
): SqlNode {
  const { rng } = level;
  const inner: Level = { ...level, outer: [...ctx.atoms, ...ctx.outer], depth: ctx.depth + 1, ctes: [] };
  const from = fromClause(inner, 2);
  const atoms = atomsOf(from.relations);
  const c = exprContext(inner, atoms, null);
  const where = rng.chance(0.8) ? node([' WHERE ', predicate(c)], ['']) : '';
  if (shape === 'exists') return node(['EXISTS (SELECT 1 FROM ', from.tree, where, ')']);
  if (shape === 'scalar') {
    if (rng.chance(0.7)) {
      const agg = aggregate({ ...c, atoms: [], allowAggregates: true }, category);
      return node(['(SELECT ', agg, ' FROM ', from.tree, where, ')']);
    }
    return node(['(SELECT ', expr(c, category), ' FROM ', from.tree, where, ' ORDER BY 1 LIMIT 1)']);
  }
  if (rng.chance(0.25)) {
    // A CTE inside the subquery, its body correlated with the enclosing query.
    const alias = `c${level.names.next++}`;
    return node([
      `(WITH ${alias} AS (SELECT `,
      expr(c, category),
      ' AS o0 FROM ',
      from.tree,
      where,
      `) SELECT ${alias}.o0 FROM ${alias})`,
    ]);
  }
  if (rng.chance(0.2)) {
    const key = rng.pick(atoms);
    const agg = aggregate({ ...c, atoms: [], allowAggregates: true }, category);
    return node(['(SELECT ', agg, ' FROM ', from.tree, where, ` GROUP BY ${key.sql as string})`]);
  }
  return node(['(SELECT ', expr(c, category), ' FROM ', from.tree, where, ')']);
}

/** For metamorphic cases: a FROM list, plain select items over it, and a context for predicates. */
export function generateFromList(
  rng: Rng,
  schema: Schema,
): { from: SqlPart; itemsSql: SqlPart; context: ExprContext } {
  const level: Level = { rng, schema, outer: [], depth: 0, ctes: [], names: { next: 0 } };
  const from = fromClause(level, 3);
  const context = exprContext(level, atomsOf(from.relations), null);
  const items = Array.from({ length: rng.int(1, 3) }, (_, i) =>
    node([expr(context, rng.pick(anyCategory)), ` AS o${i}`]),
  );
  return { from: from.tree, itemsSql: list(items, ', ', 1), context };
}
