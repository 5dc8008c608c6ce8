/**
 * The bulk insert's row scanner (functions/form-scan): it stops exactly at the values not in
 * their column's form — wrong types, fractions, out-of-range integers, negative zero — from any
 * starting position, mid-row included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Numeric } from '../../src/common/numeric.ts';
import { numeric, T } from '../../src/common/types.ts';
import {
  engineScanForm,
  formsKey,
  isVouchedInForm,
  jsScanForm,
  rowScanner,
  type ScanForm,
  vouchInForm,
} from '../../src/functions/form-scan.ts';

const FORMS: ScanForm[] = ['int2', 'int4', 'safeInteger', 'number', 'string', 'boolean', 'none'];

/** Every position the scanner visits, following it from 0 as convertFlat does. */
function stops(values: readonly unknown[]): number[] {
  const scan = rowScanner(FORMS);
  const out: number[] = [];
  for (let k = scan(values, 0); k < values.length; k = scan(values, k + 1)) out.push(k);
  return out;
}

test('values in form are passed over; the none column always stops', () => {
  const row = [1, -5, 2 ** 53 - 1, 0.5, 'x', true, 'anything'];
  assert.deepEqual(stops([...row, ...row]), [6, 13]);
});

test('each form refuses what is not its canonical value', () => {
  const cases: [number, unknown][] = [
    [0, 40000],
    [0, 1.5],
    [1, 2 ** 31],
    [1, -0],
    [1, '1'],
    [2, 2 ** 53],
    [2, 1n],
    [3, -0],
    [3, '0.5'],
    [4, 1],
    [5, 'true'],
  ];
  for (const [column, bad] of cases) {
    const row: unknown[] = [1, 2, 3, 4.5, 's', false, null];
    row[column] = bad;
    assert.deepEqual(
      stops([...row, ...row]),
      [column, 6, column + 7, 13],
      `${String(bad)} in column ${column}`,
    );
  }
});

test('one scanner per table shape', () => {
  assert.equal(rowScanner(['int4', 'string']), rowScanner(['int4', 'string']));
  assert.notEqual(rowScanner(['int4', 'string']), rowScanner(['string', 'int4']));
});

test('numeric: a Numeric is in form; a number, string or look-alike object is not', () => {
  const scan = rowScanner(['int4', 'numeric']);
  const values = [1, Numeric.parse('1.5'), 2, 1.5, 3, '1.5', 4, { sign: 1 }, 5, Numeric.parse('NaN')];
  const out: number[] = [];
  for (let k = scan(values, 0); k < values.length; k = scan(values, k + 1)) out.push(k);
  assert.deepEqual(out, [3, 5, 7]);
});

test('numeric(p,s) values always meet the converter in the js form; the engine form checks the class', () => {
  assert.equal(jsScanForm(T.numeric), 'numeric');
  assert.equal(jsScanForm(numeric(5, 2)), 'none');
  assert.equal(engineScanForm(numeric(5, 2)), 'numeric');
});

test('a vouch holds for its own array and exactly the forms it names', () => {
  const values = [1, 'a', 2, 'b'];
  vouchInForm(values, ['int4', 'string']);
  assert.equal(isVouchedInForm(values, formsKey(['int4', 'string'])), true);
  assert.equal(isVouchedInForm(values, formsKey(['safeInteger', 'string'])), false);
  assert.equal(isVouchedInForm(values, formsKey(['string', 'int4'])), false);
  assert.equal(isVouchedInForm(values.slice(), formsKey(['int4', 'string'])), false);
});

test("no array can be vouched for in the form 'none', which no value has", () => {
  assert.throws(() => vouchInForm([], ['int4', 'none']), { code: 'XX000' });
});
