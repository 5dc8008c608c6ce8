/**
 * @module runtime/statements/column-defaults
 * A table's column DEFAULTs, ready for one statement: a constant is computed once; anything else
 * (random(), gen_random_uuid(), clock_timestamp()) runs per row, as PostgreSQL runs it, with
 * now() and its kin reading the inserting statement's clock (see plan/clock-calls).
 */
import type { TableColumn, TableEntry } from '../../catalog/catalog.ts';
import type { Value } from '../../common/value.ts';
import { type ClockReadings, resolveClockCalls } from '../../plan/clock-calls.ts';
import { compileScalar } from '../../plan/compile-scalar.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';

/** Produces one row's value for a column left out (or given as DEFAULT). */
export type DefaultProducer = () => Value;

const noRow: readonly Value[] = [];

/** The producers of every column of `table`, in column order, for a statement with these readings. */
export function columnDefaults(table: TableEntry, clock: ClockReadings): DefaultProducer[] {
  return table.columns.map((c) => columnDefault(c, clock));
}

function columnDefault(column: TableColumn, clock: ClockReadings): DefaultProducer {
  const expr = column.defaultExpr;
  if (!expr) return () => null;
  if (expr.kind === 'literal') {
    const value = expr.value;
    return () => value;
  }
  const run = compileScalar(resolveClockCalls(expr, clock));
  return () => run(noRow, 0);
}

/** The column's DEFAULT as an expression for this statement (UPDATE … SET c = DEFAULT). */
export function defaultExpression(column: TableColumn, clock: ClockReadings): ScalarExpr {
  return column.defaultExpr
    ? resolveClockCalls(column.defaultExpr, clock)
    : { kind: 'literal', value: null, type: column.type };
}
