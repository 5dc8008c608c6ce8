/**
 * @module runtime/statements/insert-values
 * Rows given as JavaScript values (the library's `insert()`, `insertBatch()`, `insertBatches()`)
 * → a table's rows: every value converted as a parameter of `INSERT … VALUES ($1, …)` would be
 * (functions/js-input), `undefined` and missing object keys take the column's DEFAULT, and a bad
 * value is a `RowInputError` naming the table, row and column. Converters are chosen once per
 * table per call; nothing is applied until every row of the call has converted.
 */
import type { TableColumn, TableEntry } from '../../catalog/catalog.ts';
import { timeZone } from '../../common/datetime-zone.ts';
import {
  ConstraintError,
  DataError,
  EddyError,
  RowInputError,
  SemanticError,
  SqlState,
} from '../../common/errors.ts';
import { checkUnicodeText } from '../../common/utf8-text.ts';
import type { Value } from '../../common/value.ts';
import { engineFormCheckFor } from '../../functions/engine-form.ts';
import {
  engineScanForm,
  formsKey,
  isVouchedInForm,
  jsScanForm,
  type RowScanner,
  rowScanner,
} from '../../functions/form-scan.ts';
import { jsInputFor } from '../../functions/js-input.ts';
import { columnDefaults, type DefaultProducer } from './column-defaults.ts';
import type { StatementContext } from './context.ts';

/**
 * How values arrive: `'js'` (the default) converts natural JavaScript values as parameters;
 * `'engine'` takes values already in Eddy's own forms (as `query()` returns them), checked only.
 */
export type ValueForm = 'js' | 'engine';

/**
 * One table's per-column converters and defaults for one call, each made when first needed: a bulk
 * call whose values are all in form (the common case) builds none of them.
 */
export interface TableInput {
  readonly table: TableEntry;
  /** Column j's converter of a value that is neither null nor undefined. */
  converter(column: number): (value: unknown) => Value;
  /** Column j's DEFAULT, with this call's clock readings. */
  defaultOf(column: number): DefaultProducer;
  /** Finds the next value not already in its column's form: only those meet a converter. */
  readonly scan: RowScanner;
  /** The columns' forms (functions/form-scan's `formsKey`): an array vouched for in them needs no scan. */
  readonly formsKey: string;
}

/** A `valueForm` option as given (absent is `'js'`); anything else is 22023. */
export function valueFormOption(given: unknown): ValueForm {
  if (given === undefined || given === 'js' || given === 'engine') return given ?? 'js';
  throw new DataError(SqlState.invalidParameterValue, `invalid valueForm "${String(given)}"`, {
    hint: "Use 'js' (JavaScript values, converted) or 'engine' (Eddy's own forms, checked).",
  });
}

export function tableInput(ctx: StatementContext, table: TableEntry, form: ValueForm = 'js'): TableInput {
  const settings = ctx.session.settings;
  const converters: ((value: unknown) => Value)[] = [];
  let defaults: DefaultProducer[] | undefined;
  const converter = (j: number) => {
    const c = table.columns[j]!;
    converters[j] ??=
      form === 'engine'
        ? engineFormCheckFor(c.type, c.name)
        : jsInputFor(c.type, c.name, timeZone(settings.timeZone));
    return converters[j];
  };
  const defaultOf = (j: number) => {
    defaults ??= columnDefaults(table, settings);
    return defaults[j]!;
  };
  return { table, converter, defaultOf, ...shapeScan(table.columns, form) };
}

/** A table shape's scan and forms key in one value form. */
type ShapeScan = Pick<TableInput, 'scan' | 'formsKey'>;

/** Per column list (a catalog entry's, never changed once made), per value form: built once, not per call. */
const shapeScans = new WeakMap<readonly TableColumn[], Partial<Record<ValueForm, ShapeScan>>>();

function shapeScan(columns: readonly TableColumn[], form: ValueForm): ShapeScan {
  let byForm = shapeScans.get(columns);
  if (byForm === undefined) shapeScans.set(columns, (byForm = {}));
  let shape = byForm[form];
  if (shape === undefined) {
    const forms = columns.map((c) => (form === 'engine' ? engineScanForm(c.type) : jsScanForm(c.type)));
    shape = { scan: rowScanner(forms), formsKey: formsKey(forms) };
    byForm[form] = shape;
  }
  return shape;
}

/**
 * Rows given as arrays in column order or as objects keyed by column name → one flat row-major
 * array (row i's column j at `i * arity + j`).
 */
export function convertRows(input: TableInput, rows: readonly unknown[]): Value[] {
  const { table } = input;
  const arity = table.columns.length;
  const out: Value[] = new Array(rows.length * arity);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (Array.isArray(row)) {
      if (row.length !== arity) throw rowError(wrongLength(table, row.length), table, i, undefined);
      convertInto(input, row, 0, out, i * arity, i);
    } else if (row !== null && typeof row === 'object') {
      const record = row as Readonly<Record<string, unknown>>;
      checkKeys(table, record, i);
      const base = i * arity;
      for (let j = 0; j < arity; j++) {
        const v = Object.hasOwn(record, table.columns[j]!.name) ? record[table.columns[j]!.name] : undefined;
        out[base + j] = convertOne(input, v, i, j);
      }
    } else {
      const error = new SemanticError(SqlState.datatypeMismatch, 'a row must be an array or an object');
      throw rowError(error, table, i, undefined);
    }
  }
  return out;
}

/**
 * A flat row-major array of `rowCount` rows (see `convertRows`), converted. The bulk path: values
 * already in their column's form are passed over by one compiled scan (functions/form-scan) and
 * only the others meet the converter; the array is copied only once a value changes. Every string
 * returned has passed the Unicode check (in the scan or after its converter), so the insert need
 * not check them again. An array Eddy's own producer vouched for in these forms is taken as is.
 */
export function convertFlat(
  input: TableInput,
  values: readonly unknown[],
  rowCount: number,
): readonly Value[] {
  const { table, scan } = input;
  const arity = table.columns.length;
  if (!Array.isArray(values)) {
    throw new DataError(
      SqlState.invalidParameterValue,
      `batch for "${table.name}" must be an array of values, got ${typeof values}`,
    );
  }
  if (!Number.isSafeInteger(rowCount) || rowCount < 0) {
    throw new DataError(
      SqlState.invalidParameterValue,
      `batch for "${table.name}": rowCount must be a non-negative integer, got ${String(rowCount)}`,
    );
  }
  if (values.length !== rowCount * arity) {
    throw new SemanticError(
      SqlState.syntaxError,
      `batch for "${table.name}" has ${values.length} values, expected ${rowCount} rows of ${arity}`,
    );
  }
  if (isVouchedInForm(values, input.formsKey)) return values as readonly Value[];
  let out: Value[] | null = null;
  for (let k = scan(values, 0); k < values.length; k = scan(values, k + 1)) {
    const j = k % arity;
    const v = values[k];
    const c = convertOne(input, v, (k - j) / arity, j);
    if (typeof c === 'string') checkString(c, table, (k - j) / arity, j);
    // -0 is === 0 but is not the canonical zero.
    if (c !== v || c === 0) {
      out ??= values.slice() as Value[];
      out[k] = c;
    }
  }
  return out ?? (values as readonly Value[]);
}

function convertInto(
  input: TableInput,
  src: readonly unknown[],
  from: number,
  out: Value[],
  to: number,
  row: number,
): void {
  for (let j = 0; j < input.table.columns.length; j++) {
    out[to + j] = convertOne(input, src[from + j], row, j);
  }
}

function convertOne(input: TableInput, value: unknown, row: number, column: number): Value {
  const { table } = input;
  try {
    const converted =
      value === null
        ? null
        : value === undefined
          ? input.defaultOf(column)()
          : input.converter(column)(value);
    if (converted === null && !table.columns[column]!.nullable) throw notNullViolation(table, column);
    return converted;
  } catch (err) {
    if (err instanceof EddyError) throw rowError(err, table, row, table.columns[column]!.name);
    throw err;
  }
}

function checkString(value: string, table: TableEntry, row: number, column: number): void {
  try {
    checkUnicodeText(value);
  } catch (err) {
    if (err instanceof EddyError) throw rowError(err, table, row, table.columns[column]!.name);
    throw err;
  }
}

function notNullViolation(table: TableEntry, column: number): ConstraintError {
  return new ConstraintError(
    SqlState.notNullViolation,
    `null value in column "${table.columns[column]!.name}" of relation "${table.name}" violates not-null constraint`,
  );
}

function rowError(err: EddyError, table: TableEntry, row: number, column: string | undefined): RowInputError {
  return new RowInputError(err, table.name, row, column);
}

function wrongLength(table: TableEntry, length: number): SemanticError {
  return new SemanticError(
    SqlState.syntaxError,
    `row has ${length} values but table "${table.name}" has ${table.columns.length} columns`,
  );
}

/** An object row may name only the table's columns (own keys; inherited members are not keys). */
function checkKeys(table: TableEntry, record: Readonly<Record<string, unknown>>, row: number): void {
  for (const key of Object.keys(record)) {
    if (!table.columns.some((c) => c.name === key)) {
      const error = new SemanticError(
        SqlState.undefinedColumn,
        `column "${key}" of relation "${table.name}" does not exist`,
      );
      throw rowError(error, table, row, key);
    }
  }
}
