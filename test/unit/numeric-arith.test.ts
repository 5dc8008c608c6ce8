/**
 * @module test/unit/numeric-arith
 * `Numeric` arithmetic, ordering, hashing and avg: a table of answers recorded from PostgreSQL 15.18,
 * then seeded property tests (fast-check) against BigInt oracles.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hashBigInt, hashNumber, Numeric } from '../../src/common/numeric.ts';
import { grid, itPerOperation, type PgCase, p } from './numeric-check.ts';

const DIV0 = 'ERROR 22012 division by zero';

/**
 * PostgreSQL's answers, as cases of `numeric-check.ts`; a grid row is the arguments, then one result per
 * operation named at its head.
 */
const pgCases: readonly PgCase[] = [
  ...grid(['add', 'sub', 'mul', 'div', 'mod', 'cmp', 'divtrunc'], 2, [
    ['1', '2', '3', '-1', '2', '0.50000000000000000000', '1', '-1', '0'],
    ['1.5', '2.25', '3.75', '-0.75', '3.375', '0.66666666666666666667', '1.50', '-1', '0'],
    ['-1.5', '1.5', '0.0', '-3.0', '-2.25', '-1.00000000000000000000', '0.0', '-1', '-1'],
    ['0.1', '0.2', '0.3', '-0.1', '0.02', '0.50000000000000000000', '0.1', '-1', '0'],
    [
      '99999999999999999999',
      '1',
      '100000000000000000000',
      '99999999999999999998',
      '99999999999999999999',
      '99999999999999999999',
      '0',
      '1',
      '99999999999999999999',
    ],
    ['1.000', '-1', '0.000', '2.000', '-1.000', '-1.00000000000000000000', '0.000', '1', '-1'],
    ['NaN', '1', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', '1', 'NaN'],
    ['Infinity', '-Infinity', 'NaN', 'Infinity', '-Infinity', 'NaN', 'NaN', '1', 'NaN'],
    ['Infinity', 'Infinity', 'Infinity', 'NaN', 'Infinity', 'NaN', 'NaN', '0', 'NaN'],
    ['-Infinity', '5', '-Infinity', '-Infinity', '-Infinity', '-Infinity', 'NaN', '-1', '-Infinity'],
    ['5', 'Infinity', 'Infinity', '-Infinity', 'Infinity', '0', '5', '-1', '0'],
    ['Infinity', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', 'NaN', '-1', 'NaN'],
    ['0', 'Infinity', 'Infinity', '-Infinity', 'NaN', '0', '0', '-1', '0'],
    ['-0.00', '0', '0.00', '0.00', '0.00', DIV0, DIV0, '0', DIV0],
  ]),
  ...grid(['div', 'mod', 'divtrunc', 'mul'], 2, [
    ['1', '3', '0.33333333333333333333', '1', '0', '3'],
    ['2', '3', '0.66666666666666666667', '2', '0', '6'],
    ['10', '4', '2.5000000000000000', '2', '2', '40'],
    ['1', '7', '0.14285714285714285714', '1', '0', '7'],
    ['100', '7', '14.2857142857142857', '2', '14', '700'],
    ['1', '9999', '0.00010001000100010001', '1', '0', '9999'],
    ['1', '10000', '0.000100000000000000000000', '1', '0', '10000'],
    ['10000', '1', '10000.0000000000000000', '0', '10000', '10000'],
    ['9999', '1', '9999.0000000000000000', '0', '9999', '9999'],
    ['1.0', '3', '0.33333333333333333333', '1.0', '0', '3.0'],
    [
      '1.00000000000000000000',
      '3',
      '0.33333333333333333333',
      '1.00000000000000000000',
      '0',
      '3.00000000000000000000',
    ],
  ]),
  ...grid(['div', 'mod', 'mul'], 2, [
    ['123456789', '0.001', '123456789000.00000000', '0.000', '123456.789'],
    ['0.001', '123456789', '0.0000000000081000000737100007', '0.001', '123456.789'],
    ['-7', '2', '-3.5000000000000000', '-1', '-14'],
    ['7', '-2', '-3.5000000000000000', '1', '-14'],
    ['-7', '-2', '3.5000000000000000', '-1', '14'],
    ['1', '0', DIV0, DIV0, '0'],
    ['0', '0', DIV0, DIV0, '0'],
    ['0', '5', '0.00000000000000000000', '0', '0'],
    ['5', '0.0', DIV0, DIV0, '0.0'],
    ['0.5', '0.25', '2.0000000000000000', '0.00', '0.125'],
  ]),
  ['div', '12345.678', '0.0001', '123456780.000000000000'],
  ['div', '1', '3.000000000000000000001', '0.333333333333333333333'],
  ['div', '2', '1', '2.0000000000000000'],
  ['div', '5000', '5000', '1.00000000000000000000'],
  ['div', '4999', '5000', '0.99980000000000000000'],
  ['div', '1e-20', '3', '0.0000000000000000000033333333333333333333'],
  ['div', '1e20', '3', '33333333333333333333'],
  ['div', '22', '7', '3.1428571428571429'],
  ['div', '1', '1000000', '0.000001000000000000000000'],
  ['div', '3.1', '2', '1.5500000000000000'],
  ['div', '-0.000001', '7', '-0.000000142857142857142857'],
  ['div', '1', '99999999', '0.000000010000000100000001'],
  ['div', '99999999', '1', '99999999.000000000000'],
  ['cmp', '1.50', '1.5', '0'],
  ['cmp', '1', '1.0000000000000000001', '-1'],
  ['cmp', '-1', '-1.0', '0'],
  ['cmp', '2', '10', '-1'],
  ['cmp', '-2', '-10', '1'],
  ['cmp', '0', '-0.00', '0'],
  ['cmp', 'NaN', 'Infinity', '1'],
  ['cmp', 'NaN', 'NaN', '0'],
  ['cmp', '-Infinity', '-1e1000', '-1'],
  ['cmp', '1e1000', 'Infinity', '-1'],
  ['avgint', '1', '2', '1.5000000000000000'],
  ['avgint', '1', '2', '3', '2.0000000000000000'],
  ['avgint', '1', '2', '3', '4', '2.5000000000000000'],
  ['avgint', '1', '1.00000000000000000000'],
  ['avgint', '-5', '5', '0.00000000000000000000'],
  ['avgint', '100', '200', '300', '200.0000000000000000'],
  ['avgint', '2147483647', '2147483647', '2147483647.00000000'],
  ['avgint', '1', '1', '1', '1', '1', '1', '2', '1.1428571428571429'],
  ['avgint', '10000', '20000', '15000.000000000000'],
  ['avgint', '0', '0.00000000000000000000'],
  ['avgnum', '1.5', '2.25', '1.8750000000000000'],
  ['avgnum', '0.001', '0.002', '0.00150000000000000000'],
  ['avgnum', '1e-20', '1', '0.50000000000000000001'],
  ['avgnum', '1000000', '2000000', '1500000.000000000000'],
  ['avgnum', '1.50', '2.5', '2.0000000000000000'],
  ['avgnum', 'NaN', '1', 'NaN'],
  ['avgnum', 'Infinity', '1', 'Infinity'],
  ['avgnum', 'Infinity', '-Infinity', 'NaN'],
  ['mul', '232322.18', '0.6', '139393.308'],
  ['mod', '-0.4', '0.00000000076245378', '-0.00000000047717608'],
  ['cmp', '-65.1594789277', '-0.00028545', '-1'],
  ['mul', '297839335216.76060327', '6.45', '1921063712148.1058910915'],
  ['cmp', '0.00000829373909905', '24.3281321698', '-1'],
  ['div', '1802.41644991', '0.0000', DIV0],
  ['div', '3340682246346.93539463560567110', '0.0037786504', '884094026361087.91504914179705537'],
  ['sub', '-1.5', '0.96405215', '-2.46405215'],
  ['mod', '5842052820321751543', '-0.00000000000087396', '0.00000000000086872'],
  ['mod', '-0.00000000000000001', '-864284415002', '-0.00000000000000001'],
  ['cmp', '15629401', '-764227408084453.35627', '1'],
  ['div', '-36730.9078221092417980360802492', '4370913588.0975390863', '-0.0000084034852398206627566'],
  ['add', '27525349142.2', '-0.0000000000000000000000008', '27525349142.1999999999999999999999992'],
  ['cmp', '0.0007', '98617845613569176407.6679014302', '-1'],
  ['mul', '0.0000000000000000000068403', '12', '0.0000000000000000000820836'],
  ['cmp', '-52022', '-926178210590882164.64', '1'],
  ['divtrunc', '443.11201423941177910', '0.0737', '6012'],
  ['add', '7', '-7062.0823', '-7055.0823'],
  ['div', '0.0005', '3122926.09617', '0.0000000001601062543917407954'],
  ['divtrunc', '0.00960', '-6641.83629807', '0'],
  ['divtrunc', '-2808303607460537692736960.66339', '0.00000000', DIV0],
  ['cmp', '682717797188800.72310', '-770.60', '1'],
  ['divtrunc', '-8222029142737.09317119168239006', '5279223989186826963447.01773240', '0'],
  ['mod', '989092.65', '-0.006', '0.000'],
  ['add', '7011.15192979', '0.0000000007', '7011.1519297907'],
  ['mod', '-85166193521.9', '0.0074637319', '-0.0027238356'],
  ['add', '0.47', '-0.0000000006', '0.4699999994'],
  ['mod', '31995047', '0.0000000000000046062605225', '0.0000000000000029649264575'],
  ['mul', '301520334596840034183216674584', '36173113', '10906929135169303999433359473211259992'],
  ['sub', '-0.56', '-11.5676661596', '11.0076661596'],
  ['mul', '0.0000078182159055696862136', '93', '0.0007270940792179808178648'],
  ['cmp', '67836914770534742.545', '5', '1'],
  ['sub', '495.07129', '61042310016.3', '-61042309521.22871'],
  ['div', '0.00518', '0.00000000000000069', '7507246376811.59420289855072464'],
  ['divtrunc', '-0.007', '43179.170', '0'],
  [
    'div',
    '-0.00000000000000573',
    '865462580173684569369076890544',
    '-0.0000000000000000000000000000000000000000000066207368536373694755',
  ],
  ['add', '0.04', '0.00018702', '0.04018702'],
  ['sub', '0', '0.082', '-0.082'],
  ['add', '714630074782221058800424596.533', '-516202839774', '714630074782220542597584822.533'],
  ['mod', '47', '479092584.246', '47.000'],
  ['div', '2312738629205251.8987', '30986846248', '74636.141112764071'],
  ['mod', '-352101972262694.38800', '-37484.3706481557735253435625857', '-17314.1423894403289572863635556'],
  ['div', '-5691970118.8713017176', '0.08', '-71149626485.8912714700'],
  ['cmp', '0.008', '9.4', '-1'],
  ['divtrunc', '-32292489887354791515', '-309153088040', '104454689'],
  [
    'add',
    '25181.6593856280453709027111435',
    '-0.0000000000000000025825817',
    '25181.6593856280453709001285618',
  ],
  ['divtrunc', '0.010', '105.66914758876958043', '0'],
  ['mul', '0.00000000000000760', '-0.00032570', '-0.0000000000000000024753200'],
  ['divtrunc', '0.00056', '-0.0000038213', '-146'],
  ['sub', '0.1', '0.0000000000000000064075067', '0.0999999999999999935924933'],
  ['sub', '-0.03', '0.00032648', '-0.03032648'],
  ['sub', '1613775.45427', '-322271986555', '322273600330.45427'],
  ['mul', '68.0', '0.00000000000000006', '0.000000000000004080'],
  ['add', '0.0000000000000442526114155', '0.0699', '0.0699000000000442526114155'],
  ['sub', '6.3118', '0.0034477840', '6.3083522160'],
  ['mul', '4733164458783537500309066.78825', '0.008', '37865315670268300002472.53430600'],
];

function evaluate(op: string, args: readonly string[]): string {
  const [a, b] = args;
  switch (op) {
    case 'add':
      return p(a).add(p(b)).toString();
    case 'sub':
      return p(a).sub(p(b)).toString();
    case 'mul':
      return p(a).mul(p(b)).toString();
    case 'div':
      return p(a).div(p(b)).toString();
    case 'mod':
      return p(a).mod(p(b)).toString();
    case 'divtrunc':
      return p(a).divTrunc(p(b)).toString();
    case 'cmp':
      return String(p(a).compare(p(b)));
    case 'avgint':
    case 'avgnum':
      return Numeric.avg(
        args.reduce((sum, x) => sum.add(p(x)), Numeric.ZERO),
        args.length,
      ).toString();
    default:
      throw new Error(`no such operation ${op}`);
  }
}

describe('Numeric arithmetic against PostgreSQL 15', () => {
  itPerOperation(pgCases, evaluate);

  it('avg keeps 16 significant digits (avg(int4) of 1,2 and of 1,2,3)', () => {
    assert.equal(Numeric.avg(Numeric.fromInt(3), 2).toString(), '1.5000000000000000');
    assert.equal(Numeric.avg(Numeric.fromInt(6), 3n).toString(), '2.0000000000000000');
  });
});

const pow10 = (n: number) => 10n ** BigInt(n);
const arbNumeric = fc
  .tuple(fc.bigInt(-(10n ** 30n), 10n ** 30n), fc.integer({ min: 0, max: 20 }))
  .map(([digits, scale]) => new Numeric(digits, scale));
const params = { seed: 20240517, numRuns: 400 };

/** Sign of a − b by cross-multiplying to a common scale. */
function oracleCompare(a: Numeric, b: Numeric): number {
  const x = a.digits * pow10(b.scale);
  const y = b.digits * pow10(a.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('Numeric properties', () => {
  it('add and sub are exact inverses at the wider scale', () => {
    fc.assert(
      fc.property(arbNumeric, arbNumeric, (a, b) => {
        const sum = a.add(b);
        assert.equal(sum.scale, Math.max(a.scale, b.scale));
        assert.ok(sum.sub(b).equals(a));
        assert.equal(a.sub(b).compare(a.add(b.neg())), 0);
      }),
      params,
    );
  });

  it('mul is exact with the summed scale', () => {
    fc.assert(
      fc.property(arbNumeric, arbNumeric, (a, b) => {
        const product = a.mul(b);
        assert.equal(product.digits, a.digits * b.digits);
        assert.equal(product.scale, a.scale + b.scale);
      }),
      params,
    );
  });

  it('div is rounded to within half a unit of its last digit', () => {
    fc.assert(
      fc.property(arbNumeric, arbNumeric, (a, b) => {
        fc.pre(b.digits !== 0n);
        const q = a.div(b);
        assert.ok(q.scale >= Math.max(a.scale, b.scale));
        // |a − q·b| ≤ |b|·10^-scale / 2, all scaled to integers.
        const error = a.digits * pow10(q.scale + b.scale) - q.digits * b.digits * pow10(a.scale);
        const bound = (b.digits < 0n ? -b.digits : b.digits) * pow10(a.scale);
        assert.ok(2n * (error < 0n ? -error : error) <= bound);
      }),
      params,
    );
  });

  it('mod has the dividend sign and a smaller magnitude than the divisor', () => {
    fc.assert(
      fc.property(arbNumeric, arbNumeric, (a, b) => {
        fc.pre(b.digits !== 0n);
        const r = a.mod(b);
        assert.ok(r.abs().compare(b.abs()) < 0);
        assert.ok(r.signum() === 0 || r.signum() === a.signum());
        assert.ok(a.divTrunc(b).mul(b).add(r).equals(a));
      }),
      params,
    );
  });

  it('compare agrees with a cross-multiplying oracle and ignores scale', () => {
    fc.assert(
      fc.property(arbNumeric, arbNumeric, fc.integer({ min: 0, max: 25 }), (a, b, k) => {
        assert.equal(a.compare(b), oracleCompare(a, b));
        assert.equal(b.compare(a), -a.compare(b));
        const widened = new Numeric(a.digits * pow10(k), a.scale + k);
        assert.equal(a.compare(widened), 0);
        assert.ok(a.equals(widened));
        assert.equal(a.hashCode(), widened.hashCode());
      }),
      params,
    );
  });

  it('an integral value hashes as its integer does', () => {
    fc.assert(
      fc.property(fc.bigInt(-(10n ** 25n), 10n ** 25n), fc.integer({ min: 0, max: 30 }), (n, k) => {
        const h = new Numeric(n * pow10(k), k).hashCode();
        assert.equal(h, hashBigInt(n));
        if (n >= -(2n ** 53n) + 1n && n <= 2n ** 53n - 1n) assert.equal(h, hashNumber(Number(n)));
      }),
      params,
    );
  });

  it('hashes are 32-bit ints, stable for specials and spread for neighbours', () => {
    assert.equal(hashNumber(-0), hashNumber(0));
    assert.equal(hashNumber(5), hashBigInt(5n));
    assert.equal(hashNumber(-(2 ** 40)), hashBigInt(-(2n ** 40n)));
    assert.equal(p('NaN').hashCode(), Numeric.NaN.hashCode());
    const specials = new Set(
      [Numeric.NaN, Numeric.POSITIVE_INFINITY, Numeric.NEGATIVE_INFINITY].map((n) => n.hashCode()),
    );
    assert.equal(specials.size, 3);
    const hashes = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const h = new Numeric(BigInt(i), 2).hashCode();
      assert.equal(h, h | 0);
      hashes.add(h & 0xfff);
    }
    assert.ok(hashes.size > 600, `only ${hashes.size} of 4096 buckets used by 1000 keys`);
    assert.equal(p('1.5').hashCode(), p('1.50000').hashCode());
    assert.notEqual(p('1.5').hashCode(), p('15').hashCode());
  });

  it('sorts in PostgreSQL order: -Infinity, finite values, Infinity, NaN', () => {
    const values = ['NaN', '1.0', 'Infinity', '-1e100', '-Infinity', '0', '1', 'NaN', '0.5'].map(p);
    const sorted = values.sort(Numeric.compare).map(String);
    assert.deepEqual(sorted, [
      '-Infinity',
      '-1' + '0'.repeat(100),
      '0',
      '0.5',
      '1.0',
      '1',
      'Infinity',
      'NaN',
      'NaN',
    ]);
    assert.ok(Numeric.NaN.equals(p('nan')));
  });
});
