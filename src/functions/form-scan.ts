/**
 * @module functions/form-scan
 * The bulk insert's fast lane: one pass over a flat batch, row by row, that passes over values
 * already in their column's canonical form (common/value.ts), so only the others pay for a
 * converter call. The forms are chosen once per column; the loop is compiled once per table shape.
 */
import type { SqlType } from '../common/types.ts';

/** A canonical form a loop can test inline; `'none'` sends every value to the converter. */
export type ScanForm = 'int2' | 'int4' | 'safeInteger' | 'number' | 'string' | 'boolean' | 'none';

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
  string: "typeof v === 'string'",
  boolean: "typeof v === 'boolean'",
  none: 'false',
};

const scanners = new Map<string, RowScanner>();

/**
 * The scanner for rows whose columns have these forms: one pass over the flat batch, row by row,
 * with every column's test written out in the loop body. Generated from the fixed `FORM_TESTS`
 * (never from input) and cached per list of forms, so each table shape compiles once.
 */
export function rowScanner(forms: readonly ScanForm[]): RowScanner {
  const key = forms.join(',');
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
  return new Function(body)() as RowScanner;
}
