/**
 * @module test/unit/numeric
 * `Numeric` input/output, casts to and from floats and integers, rounding and typmod coercion, checked
 * against answers recorded from PostgreSQL 15.18 (`select try($$...$$)` over each expression).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EddyError, InternalError } from '../../src/common/errors.ts';
import { FINITE, NAN, NEG_INF, Numeric, POS_INF } from '../../src/common/numeric.ts';
import { grid, itLongResults, itPerOperation, type PgCase, type PgLongCase, p } from './numeric-check.ts';

const BIGINT_RANGE = 'ERROR 22003 bigint out of range';
const INTEGER_RANGE = 'ERROR 22003 integer out of range';
const SMALLINT_RANGE = 'ERROR 22003 smallint out of range';

/** PostgreSQL's error for a value that does not fit numeric(precision, scale) once rounded. */
function overflow(precision: string, scale: string, limit: string): string {
  return `ERROR 22003 numeric field overflow | A field with precision ${precision}, scale ${scale} must round to an absolute value less than ${limit}.`;
}

/**
 * PostgreSQL's answers, as cases of `numeric-check.ts`; a grid row is the arguments, then one result per
 * operation named at its head (null: not recorded). `tofloat` results are PostgreSQL's float8 text passed
 * through `String(Number(text))`.
 */
const pgCases: readonly PgCase[] = [
  ['in', '0', '0'],
  ['in', '1', '1'],
  ['in', '-1', '-1'],
  ['in', '1.50', '1.50'],
  ['in', '0.000', '0.000'],
  ['in', '.5', '0.5'],
  ['in', '5.', '5'],
  ['in', '-.5', '-0.5'],
  ['in', '+5', '5'],
  ['in', ' 12.340 ', '12.340'],
  ['in', '1.5e3', '1500'],
  ['in', '1.50e1', '15.0'],
  ['in', '1e-3', '0.001'],
  ['in', '1E+2', '100'],
  ['in', '1e 5', '100000'],
  ['in', '  -0.0  ', '0.0'],
  ['in', 'NaN', 'NaN'],
  ['in', 'nan', 'NaN'],
  ['in', '  NaN ', 'NaN'],
  ['in', 'Infinity', 'Infinity'],
  ['in', '-Infinity', '-Infinity'],
  ['in', '+inf', 'Infinity'],
  ['in', '-INF', '-Infinity'],
  ['in', 'inf', 'Infinity'],
  ['in', 'infinity', 'Infinity'],
  ['in', '1e', 'ERROR 22P02 invalid input syntax for type numeric: "1e"'],
  ['in', 'e5', 'ERROR 22P02 invalid input syntax for type numeric: "e5"'],
  ['in', '.', 'ERROR 22P02 invalid input syntax for type numeric: "."'],
  ['in', '-', 'ERROR 22P02 invalid input syntax for type numeric: "-"'],
  ['in', '1.2.3', 'ERROR 22P02 invalid input syntax for type numeric: "1.2.3"'],
  ['in', '1 2', 'ERROR 22P02 invalid input syntax for type numeric: "1 2"'],
  ['in', 'abc', 'ERROR 22P02 invalid input syntax for type numeric: "abc"'],
  ['in', '12abc', 'ERROR 22P02 invalid input syntax for type numeric: "12abc"'],
  ['in', '0e-20000', 'ERROR 22003 value overflows numeric format'],
  ['in', '1e131072', 'ERROR 22003 value overflows numeric format'],
  ['in', '1e-16384', 'ERROR 22003 value overflows numeric format'],
  ['in', '00012.3400', '12.3400'],
  ['in', '-0', '0'],
  ['in', '1e-2147483647', 'ERROR 22003 value overflows numeric format'],
  ['in', '1e1073741823', 'ERROR 22003 value overflows numeric format'],
  ['in', '1e1073741822', 'ERROR 22003 value overflows numeric format'],
  ['in', '+-1', 'ERROR 22P02 invalid input syntax for type numeric: "+-1"'],
  ['in', '--1', 'ERROR 22P02 invalid input syntax for type numeric: "--1"'],
  ['in', '1e+', 'ERROR 22P02 invalid input syntax for type numeric: "1e+"'],
  ['in', '1.e2', '100'],
  ['in', '0.0000001e7', '1'],
  ['in', '123456789012345678901234567890.123456789', '123456789012345678901234567890.123456789'],
  ...grid(['round', 'trunc'], 2, [
    ['2.5', '0', '3', '2'],
    ['2.5', '1', '2.5', '2.5'],
    ['2.5', '2', '2.50', '2.50'],
    ['2.5', '-1', '0', '0'],
    ['2.5', '-2', '0', '0'],
    ['2.5', '5', '2.50000', '2.50000'],
    ['2.5', '-5', '0', '0'],
    ['-2.5', '0', '-3', '-2'],
    ['-2.5', '1', '-2.5', '-2.5'],
    ['-2.5', '2', '-2.50', '-2.50'],
    ['-2.5', '-1', '0', '0'],
    ['-2.5', '-2', '0', '0'],
    ['-2.5', '5', '-2.50000', '-2.50000'],
    ['-2.5', '-5', '0', '0'],
    ['3.5', '0', '4', '3'],
    ['3.5', '1', '3.5', '3.5'],
    ['3.5', '2', '3.50', '3.50'],
    ['3.5', '-1', '0', '0'],
    ['3.5', '-2', '0', '0'],
    ['3.5', '5', '3.50000', '3.50000'],
    ['3.5', '-5', '0', '0'],
    ['1.45', '0', '1', '1'],
    ['1.45', '1', '1.5', '1.4'],
    ['1.45', '2', '1.45', '1.45'],
    ['1.45', '-1', '0', '0'],
    ['1.45', '-2', '0', '0'],
    ['1.45', '5', '1.45000', '1.45000'],
    ['1.45', '-5', '0', '0'],
    ['-1.45', '0', '-1', '-1'],
    ['-1.45', '1', '-1.5', '-1.4'],
    ['-1.45', '2', '-1.45', null],
    ['-1.45', '-1', '0', null],
    ['-1.45', '-2', '0', null],
    ['-1.45', '5', '-1.45000', null],
    ['-1.45', '-5', '0', null],
    ['0.5', '0', '1', null],
    ['0.5', '1', '0.5', null],
    ['0.5', '2', '0.50', null],
    ['0.5', '-1', '0', null],
    ['0.5', '-2', '0', null],
  ]),
  ...grid(['ceil', 'floor', 'abs', 'neg', 'sign', 'trimscale'], 1, [
    ['2.5', '3', '2', '2.5', '-2.5', '1', '2.5'],
    ['-2.5', '-2', '-3', '2.5', '2.5', '-1', '-2.5'],
    ['3.5', '4', '3', '3.5', '-3.5', '1', '3.5'],
    ['1.45', '2', '1', '1.45', '-1.45', '1', '1.45'],
    ['-1.45', '-1', '-2', '1.45', '1.45', '-1', '-1.45'],
    ['0.5', '1', '0', '0.5', '-0.5', '1', '0.5'],
  ]),
  ...grid(['ceil', 'floor'], 1, [
    ['-0.5', '0', '-1'],
    ['1234.5678', '1235', '1234'],
    ['0', '0', '0'],
    ['NaN', 'NaN', 'NaN'],
  ]),
  ['float8', '0', '0'],
  ['float8', '1', '1'],
  ['float8', '-1', '-1'],
  ['float8', '0.1', '0.1'],
  ['float8', '1.5', '1.5'],
  ['float8', '0.3333333333333333', '0.333333333333333'],
  ['float8', '1e20', '100000000000000000000'],
  ['float8', '1e21', '1000000000000000000000'],
  ['float8', '1e-20', '0.00000000000000000001'],
  ['float8', '1e-5', '0.00001'],
  ['float8', '1e-4', '0.0001'],
  ['float8', '1.23456789012345678', '1.23456789012346'],
  ['float8', '123456789012345.6', '123456789012346'],
  ['float8', '1000000000000005', '1000000000000000'],
  ['float8', '100000000000000.5', '100000000000000'],
  ['float8', '9999999999999999', '10000000000000000'],
  ['float8', '2.5', '2.5'],
  ['float8', '-2.5e-7', '-0.00000025'],
  ['float8', '3.141592653589793', '3.14159265358979'],
  ['float8', 'NaN', 'NaN'],
  ['float8', 'Infinity', 'Infinity'],
  ['float8', '-Infinity', '-Infinity'],
  ['float8', '12345.678', '12345.678'],
  ['float8', '4.35', '4.35'],
  ['float8', '100', '100'],
  ['float8', '1e15', '1000000000000000'],
  ['float8', '1e16', '10000000000000000'],
  ['float4', '0.1', '0.1'],
  ['float4', '1.5', '1.5'],
  ['float4', '1234567', '1234570'],
  ['float4', '0.333333333', '0.333333'],
  ['float4', '3.14159265', '3.14159'],
  ['float4', '1e20', '100000000000000000000'],
  ['float4', 'NaN', 'NaN'],
  ['float4', 'Infinity', 'Infinity'],
  ['float4', '16777217', '16777200'],
  ['float4', '123456.7', '123457'],
  ['tofloat', '0', '0'],
  ['tofloat', '1.5', '1.5'],
  ['tofloat', '-1.5', '-1.5'],
  ['tofloat', '1e308', '1e+308'],
  ['tofloat', '1.7976931348623157e308', '1.7976931348623157e+308'],
  ['tofloat', '1e-320', '1e-320'],
  ['tofloat', '0.1', '0.1'],
  ['tofloat', '123456789012345678901234567890', '1.2345678901234568e+29'],
  ['tofloat', 'NaN', 'NaN'],
  ['tofloat', 'Infinity', 'Infinity'],
  ['tofloat', '-Infinity', '-Infinity'],
  ['tofloat', '1e-323', '1e-323'],
  ['tofloat', '2.5e-324', '5e-324'],
  ['tofloat', '3e-324', '5e-324'],
  ...grid(['int8', 'int4', 'int2'], 1, [
    ['0', '0', '0', '0'],
    ['2.5', '3', '3', '3'],
    ['-2.5', '-3', '-3', '-3'],
    ['3.4999', '3', '3', '3'],
    ['9223372036854775807', '9223372036854775807', INTEGER_RANGE, SMALLINT_RANGE],
    ['9223372036854775807.4', '9223372036854775807', INTEGER_RANGE, SMALLINT_RANGE],
    ['9223372036854775807.5', BIGINT_RANGE, INTEGER_RANGE, SMALLINT_RANGE],
    ['-9223372036854775808', '-9223372036854775808', INTEGER_RANGE, SMALLINT_RANGE],
    ['-9223372036854775808.5', BIGINT_RANGE, INTEGER_RANGE, SMALLINT_RANGE],
    ['9007199254740993', '9007199254740993', INTEGER_RANGE, SMALLINT_RANGE],
    ['NaN', 'ERROR 0A000 cannot convert NaN to bigint', 'ERROR 0A000 cannot convert NaN to integer', null],
    [
      'Infinity',
      'ERROR 0A000 cannot convert infinity to bigint',
      'ERROR 0A000 cannot convert infinity to integer',
      null,
    ],
    [
      '-Infinity',
      'ERROR 0A000 cannot convert infinity to bigint',
      'ERROR 0A000 cannot convert infinity to integer',
      null,
    ],
    ['1e30', BIGINT_RANGE, INTEGER_RANGE, null],
  ]),
  ['int8', '2147483647.5', '2147483648'],
  ['int8', '-2147483648.4', '-2147483648'],
  ['int8', '-2147483648.5', '-2147483649'],
  ['int8', '32767.5', '32768'],
  ['int8', '-32768.4', '-32768'],
  ['int8', '0.5', '1'],
  ['int8', '-0.5', '-1'],
  ['int8', '1e-30', '0'],
  ['coerce', '1.234', '5', '2', '1.23'],
  ['coerce', '1.235', '5', '2', '1.24'],
  ['coerce', '999.995', '5', '2', overflow('5', '2', '10^3')],
  ['coerce', '999.994', '5', '2', '999.99'],
  ['coerce', '-999.995', '5', '2', overflow('5', '2', '10^3')],
  ['coerce', '12345', '5', '0', '12345'],
  ['coerce', '123456', '5', '0', overflow('5', '0', '10^5')],
  ['coerce', '0.001', '3', '5', '0.00100'],
  ['coerce', '0.01', '3', '5', overflow('3', '5', '10^-2')],
  ['coerce', '0.00999', '3', '5', '0.00999'],
  ['coerce', '0.009995', '3', '5', overflow('3', '5', '10^-2')],
  ['coerce', '123456', '5', '-2', '123500'],
  ['coerce', '12345678', '5', '-2', overflow('5', '-2', '10^7')],
  ['coerce', '12349999', '5', '-2', overflow('5', '-2', '10^7')],
  ['coerce', '1234', '3', '-1', '1230'],
  ['coerce', '0.4', '1', '0', '0'],
  ['coerce', '0.5', '1', '0', '1'],
  ['coerce', '9.5', '1', '0', overflow('1', '0', '10^1')],
  ['coerce', 'NaN', '5', '2', 'NaN'],
  [
    'coerce',
    'Infinity',
    '5',
    '2',
    'ERROR 22003 numeric field overflow | A field with precision 5, scale 2 cannot hold an infinite value.',
  ],
  [
    'coerce',
    '-Infinity',
    '10',
    '0',
    'ERROR 22003 numeric field overflow | A field with precision 10, scale 0 cannot hold an infinite value.',
  ],
  ['coerce', '0', '1', '0', '0'],
  ['coerce', '0.0000', '2', '1', '0.0'],
  ['coerce', '1', '1', '1', overflow('1', '1', '1')],
  ['coerce', '0.9', '1', '1', '0.9'],
  ['coerce', '0.95', '1', '1', overflow('1', '1', '1')],
  ['coerce', '99', '2', '0', '99'],
  ['coerce', '1e10', '20', '10', overflow('20', '10', '10^10')],
  ['round', '-86.5689357369', '-1', '-90'],
  ['round', '67478309', '-2', '67478300'],
  ['round', '3449572709.4', '3', '3449572709.400'],
  ['round', '59433970', '8', '59433970.00000000'],
  ['coerce', '0.0000000066', '11', '8', '0.00000001'],
  ['coerce', '-6496661666.04', '4', '0', overflow('4', '0', '10^4')],
  ['coerce', '9282748204950.78729547559842350', '12', '1', overflow('12', '1', '10^11')],
  ['coerce', '-80031770947862999445568363533.8', '1', '7', overflow('1', '7', '10^-6')],
  ['float8', '-7956.003078216445', '-7956.00307821644'],
  ['float8', '68.41114720806823', '68.4111472080682'],
  ['float8', '2.8512738316018592e+17', '285127383160186000'],
  ['float8', '-4.177054047092e+19', '-41770540470920000000'],
];

/** Results too long for the table: [operation, argument, length, first 30 chars, last 30 chars]. */
const pgLongCases: readonly PgLongCase[] = [
  ['in', '1e-16383', 16385, '0.0000000000000000000000000000', '000000000000000000000000000001'],
  ['in', '1e131071', 131072, '100000000000000000000000000000', '000000000000000000000000000000'],
  ['in', '9.99e131071', 131072, '999000000000000000000000000000', '000000000000000000000000000000'],
  ['float8', '1e308', 309, '100000000000000000000000000000', '000000000000000000000000000000'],
  ['float8', '5e-324', 340, '0.0000000000000000000000000000', '000000000000000494065645841247'],
  ['float8', '0.1e-310', 328, '0.0000000000000000000000000000', '000000000000000999999999999948'],
  [
    'float8',
    '1.7976931348623157e308',
    309,
    '179769313486232000000000000000',
    '000000000000000000000000000000',
  ],
  ['tofloat', '1.8e308', 365, 'ERROR 22003 "18000000000000000', 'ange for type double precision'],
  ['tofloat', '1e-400', 458, 'ERROR 22003 "0.000000000000000', 'ange for type double precision'],
];

function evaluate(op: string, args: readonly string[]): string {
  const [a, b, c] = args;
  switch (op) {
    case 'in':
      return p(a).toString();
    case 'round':
      return p(a).round(Number(b)).toString();
    case 'trunc':
      return p(a).trunc(Number(b)).toString();
    case 'ceil':
      return p(a).ceil().toString();
    case 'floor':
      return p(a).floor().toString();
    case 'abs':
      return p(a).abs().toString();
    case 'neg':
      return p(a).neg().toString();
    case 'sign':
      return p(a).sign().toString();
    case 'trimscale':
      return p(a).trimScale().toString();
    case 'float8':
      return Numeric.fromFloat(Number(a)).toString();
    case 'float4':
      return Numeric.fromFloat(Math.fround(Number(a)), 6).toString();
    case 'tofloat':
      return String(p(a).toFloat());
    case 'int8':
      return String(p(a).toInt64());
    case 'int4':
      return String(p(a).toInt32());
    case 'int2':
      return String(p(a).toInt16());
    case 'coerce':
      return Numeric.coerce(p(a), Number(b), Number(c)).toString();
    default:
      throw new Error(`no such operation ${op}`);
  }
}

describe('Numeric against PostgreSQL 15', () => {
  itPerOperation(pgCases, evaluate);

  itLongResults(pgLongCases, evaluate);
});

describe('Numeric representation', () => {
  it('keeps digits and display scale', () => {
    const n = p('-001.50');
    assert.equal(n.digits, -150n);
    assert.equal(n.scale, 2);
    assert.equal(n.special, FINITE);
    assert.equal(new Numeric(150n, 2).toString(), '1.50');
    assert.equal(new Numeric(-5n, 3).toString(), '-0.005');
    assert.equal(new Numeric(0n, 3).toString(), '0.000');
    assert.equal(p('-0.00').toString(), '0.00');
  });

  it('has NaN and infinities as special values', () => {
    assert.equal(p('nan').special, NAN);
    assert.equal(p(' -inf').special, NEG_INF);
    assert.equal(Numeric.POSITIVE_INFINITY.special, POS_INF);
    assert.ok(p('NaN').isNaN() && !p('NaN').isFinite());
    assert.ok(p('1').isFinite() && !p('Infinity').isFinite());
    assert.equal(Numeric.fromFloat(Number.NaN), Numeric.NaN);
    assert.equal(Numeric.fromFloat(-Infinity).toString(), '-Infinity');
    assert.deepEqual([Numeric.NaN.toFloat(), p('-inf').toFloat()], [Number.NaN, -Infinity]);
  });

  it('tells integers apart', () => {
    assert.ok(p('1.000').isInteger());
    assert.ok(p('-12').isInteger());
    assert.ok(!p('1.001').isInteger());
    assert.ok(!Numeric.NaN.isInteger());
    assert.ok(!Numeric.POSITIVE_INFINITY.isInteger());
  });

  it('converts to int8 in value.ts form: a number when safe, else a bigint', () => {
    assert.equal(p('9007199254740991').toInt64(), 9007199254740991);
    assert.equal(p('9007199254740992').toInt64(), 9007199254740992n);
    assert.equal(p('-9223372036854775808').toInt64(), -9223372036854775808n);
    assert.equal(p('2.5').toInt64(), 3);
    assert.equal(p('-2.5').toInt32(), -3);
  });

  it('builds from integers', () => {
    assert.equal(Numeric.fromInt(42).toString(), '42');
    assert.equal(Numeric.fromInt(-9223372036854775808n).toString(), '-9223372036854775808');
    assert.equal(Numeric.fromInt(-0).toString(), '0');
    assert.throws(() => Numeric.fromInt(1.5), InternalError);
  });

  it('round-trips its own text at the same scale', () => {
    for (const text of [
      '0',
      '0.000',
      '-1.50',
      '123456789012345678901234567890.000000001',
      'NaN',
      '-Infinity',
    ]) {
      const n = p(text);
      assert.equal(p(n.toString()).toString(), n.toString());
      assert.equal(p(n.toString()).scale, n.scale);
    }
  });

  it('keeps float4 casts to 6 significant digits and float8 to 15', () => {
    assert.equal(Numeric.fromFloat(Math.fround(0.1), 6).toString(), '0.1');
    assert.equal(Numeric.fromFloat(0.1 + 0.2).toString(), '0.3');
    assert.equal(Numeric.fromFloat(2 ** 60).toString(), '1152921504606850000');
  });

  it('reports typmod overflow with PostgreSQL detail', () => {
    assert.throws(
      () => Numeric.coerce(p('1000'), 5, 2),
      (e: unknown) =>
        e instanceof EddyError &&
        e.code === '22003' &&
        e.message === 'numeric field overflow' &&
        e.detail === 'A field with precision 5, scale 2 must round to an absolute value less than 10^3.',
    );
  });
});
