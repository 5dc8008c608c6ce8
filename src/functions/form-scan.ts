/**
 * @module functions/form-scan
 * The bulk insert's fast lane: one pass over a flat batch, row by row, that passes over values
 * already in their column's canonical form (common/value.ts), so only the others pay for a
 * converter call. The forms are chosen once per column; the loop is compiled once per table shape.
 * Arrays that Eddy's own producers vouch for (`vouchInForm`) need no scan at all.
 */
import { assert } from '../common/errors.ts';
import { Numeric } from '../common/numeric.ts';
import type { SqlType } from '../common/types.ts';

/** A canonical form a loop can test inline; `'none'` sends every value to the converter. */
export type ScanForm = 'int2' | 'int4' | 'safeInteger' | 'number' | 'string' | 'boolean' | 'numeric' | 'none';

/** The form a natural JavaScript value of this column type already has (the js-input mapping). */
export function jsScanForm(type: SqlType): ScanForm {
  switch (type.id) {
    case 'int2':
    case 'int4':
      return type.id;
    case 'int8':
      return 'safeInteger';
    case 'float8':
      return 'number';
    case 'text':
      return 'string';
    case 'varchar':
      // varchar(n) checks the length of every value: only an unbounded varchar is any string.
      return type.maxLength === undefined ? 'string' : 'none';
    case 'bool':
      return 'boolean';
    case 'numeric':
      // A Numeric is taken as is only where no precision and scale are to be enforced.
      return type.precision === undefined ? 'numeric' : 'none';
    default:
      return 'none';
  }
}

/** The form of Eddy's own values of this column type that needs no further check (engine-form). */
export function engineScanForm(type: SqlType): ScanForm {
  switch (type.id) {
    case 'int8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'safeInteger';
    case 'numeric':
      // The engine form's check of a numeric is the class alone (functions/engine-form).
      return 'numeric';
    default:
      return jsScanForm(type);
  }
}

/** Returns the first position ≥ `from` whose value is not in its column's form, or `values.length`. */
export type RowScanner = (values: readonly unknown[], from: number) => number;

/** Each form's test of a value `v`, as a JavaScript expression; a negative zero is never in form. */
const FORM_TESTS: Record<ScanForm, string> = {
  int2: "typeof v === 'number' && (v | 0) === v && v >= -32768 && v <= 32767 && (v !== 0 || 1 / v > 0)",
  int4: "typeof v === 'number' && (v | 0) === v && (v !== 0 || 1 / v > 0)",
  safeInteger: 'Number.isSafeInteger(v) && (v !== 0 || 1 / v > 0)',
  number: "typeof v === 'number' && (v !== 0 || 1 / v > 0)",
  // Text as PostgreSQL's text can hold it (common/utf8-text): a string failing here meets its converter and the check that names it.
  string: "typeof v === 'string' && v.isWellFormed() && v.indexOf('\\0') === -1",
  boolean: "typeof v === 'boolean'",
  numeric: 'v instanceof Numeric',
  none: 'false',
};

const scanners = new Map<string, RowScanner>();

/** The name of a list of forms, one per column: the scanner cache's key and what a vouch records. */
export function formsKey(forms: readonly ScanForm[]): string {
  return forms.join(',');
}

/** Arrays vouched for by Eddy's own code, with the forms key each value is in (module-private). */
const vouched = new WeakMap<readonly unknown[], string>();

/**
 * Records that `values`, a row-major array of rows with one value per form, holds only values
 * in their column's form, now and whenever its producer writes to it again: a scan would pass
 * over all of them, so the bulk insert skips it. Only for Eddy's own producers whose values are
 * in form by construction (the Nexmark generator), with a test holding them to it; never for
 * an array that code outside Eddy fills. Freezing the array would prove it cannot change, but
 * costs more than the scan it saves (BENCHMARKS.md, "Library insert path").
 */
export function vouchInForm(values: readonly unknown[], forms: readonly ScanForm[]): void {
  // 'none' is never in form: a vouch naming it would be false.
  assert(!forms.includes('none'), `no value is in form 'none' (${formsKey(forms)})`);
  vouched.set(values, formsKey(forms));
}

/** True when `values` was vouched for with exactly these forms (by key): scanning it would find nothing. */
export function isVouchedInForm(values: readonly unknown[], key: string): boolean {
  return vouched.get(values) === key;
}

/**
 * The scanner for rows whose columns have these forms: one pass over the flat batch, row by row,
 * with every column's test written out in the loop body. Generated from the fixed `FORM_TESTS`
 * (never from input) and cached per list of forms, so each table shape compiles once.
 */
export function rowScanner(forms: readonly ScanForm[]): RowScanner {
  const key = formsKey(forms);
  let scanner = scanners.get(key);
  if (scanner === undefined) {
    scanner = compileScanner(forms);
    scanners.set(key, scanner);
  }
  return scanner;
}

function compileScanner(forms: readonly ScanForm[]): RowScanner {
  const arity = forms.length;
  const columnTests = forms.map((form) => `(v) => ${FORM_TESTS[form]}`).join(', ');
  const rowTests = forms
    .map((form, j) => `v = values[k + ${j}]; if (!(${FORM_TESTS[form]})) return k + ${j};`)
    .join('\n      ');
  const body = `
    "use strict";
    // Numeric is the generated function's one parameter: the class the numeric test names.
    const columnTests = [${columnTests}];
    return (values, from) => {
      const n = values.length;
      let k = from;
      for (; k < n && k % ${arity} !== 0; k++) if (!columnTests[k % ${arity}](values[k])) return k;
      for (; k < n; k += ${arity}) {
        let v;
      ${rowTests}
      }
      return n;
    };`;
  // Compiled from FORM_TESTS' fixed text only (no input reaches it), once per table shape.
  return new Function('Numeric', body)(Numeric) as RowScanner;
}
