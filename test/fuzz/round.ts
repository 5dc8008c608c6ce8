/**
 * @module test/fuzz/round
 * One fuzzing round, a pure function of (seed, round): a schema, its first rows, queries to run
 * ad hoc, queries to maintain as materialized views, random transactions to feed them, and the
 * metamorphic cases (TLP, NoREC). Cases are named `seed:round:mode:index` for `--case`.
 */
import { predicate } from './expr-gen.ts';
import { type GeneratedQuery, generateFromList, generateQuery } from './query-gen.ts';
import { Rng } from './rng.ts';
import {
  generateSchema,
  insertSql,
  type RowLiterals,
  randomRow,
  type Schema,
  type TableSpec,
} from './schema-gen.ts';
import { node, type SqlPart } from './sql-tree.ts';

export type Mode = 'adhoc' | 'incremental' | 'tlp' | 'norec';

export interface RoundSizes {
  readonly adhoc: number;
  readonly views: number;
  readonly steps: number;
  readonly metamorphic: number;
}

export const defaultSizes: RoundSizes = { adhoc: 24, views: 6, steps: 6, metamorphic: 6 };

/** A metamorphic case: `SELECT <items> FROM <from>` and a predicate; the tree is node([select, p]). */
export interface Round {
  readonly seed: number;
  readonly round: number;
  readonly schema: Schema;
  readonly rows: readonly (readonly RowLiterals[])[];
  readonly adhoc: readonly GeneratedQuery[];
  readonly views: readonly GeneratedQuery[];
  /** Transactions after the first rows, each a list of statements. */
  readonly steps: readonly (readonly string[])[];
  readonly tlp: readonly SqlPart[];
  readonly norec: readonly SqlPart[];
}

export function generateRound(seed: number, round: number, sizes: RoundSizes = defaultSizes): Round {
  const schema = generateSchema(new Rng(seed, round, 0));
  const dataRng = new Rng(seed, round, 1);
  let nextId = 1;
  const rows = schema.tables.map((t) =>
    Array.from({ length: dataRng.int(0, 12) }, () => randomRow(dataRng, t, nextId++)),
  );
  const query = (stream: number) => (i: number) => generateQuery(new Rng(seed, round, stream, i), schema);
  const stepRng = new Rng(seed, round, 4);
  const steps = Array.from({ length: sizes.steps }, () => transaction(stepRng, schema, () => nextId++));
  return {
    seed,
    round,
    schema,
    rows,
    adhoc: Array.from({ length: sizes.adhoc }, (_, i) => query(2)(i)),
    views: Array.from({ length: sizes.views }, (_, i) => query(3)(i)),
    steps,
    tlp: Array.from({ length: sizes.metamorphic }, (_, i) =>
      metamorphicCase(new Rng(seed, round, 5, i), schema),
    ),
    norec: Array.from({ length: sizes.metamorphic }, (_, i) =>
      metamorphicCase(new Rng(seed, round, 6, i), schema),
    ),
  };
}

function metamorphicCase(rng: Rng, schema: Schema): SqlPart {
  const { from, itemsSql, context } = generateFromList(rng, schema);
  return node([node(['SELECT ', itemsSql, ' FROM ', from]), predicate(context)]);
}

/** A transaction of 1–4 writes: inserts, and updates and deletes by id or by a predicate. */
function transaction(rng: Rng, schema: Schema, newId: () => number): string[] {
  return Array.from({ length: rng.int(1, 4) }, () => {
    const table = rng.pick(schema.tables);
    return rng.weighted<() => string>([
      [
        4,
        () =>
          insertSql(
            table,
            Array.from({ length: rng.int(1, 3) }, () => randomRow(rng, table, newId())),
          ),
      ],
      [2, () => `DELETE FROM ${table.name} WHERE ${condition(rng, table)}`],
      [3, () => `UPDATE ${table.name} SET ${assignment(rng, table)} WHERE ${condition(rng, table)}`],
    ])();
  });
}

function condition(rng: Rng, table: TableSpec): string {
  if (rng.chance(0.6) || table.columns.length === 0) return `id = ${rng.int(1, 40)}`;
  const column = rng.pick(table.columns);
  return rng.chance(0.5) ? `${column.name} IS NULL` : `${column.name} = ${column.type.literal(rng)}`;
}

function assignment(rng: Rng, table: TableSpec): string {
  const columns = rng.sample(table.columns, rng.int(1, Math.max(1, table.columns.length)));
  return columns.map((c) => `${c.name} = ${c.type.literal(rng)}`).join(', ');
}
