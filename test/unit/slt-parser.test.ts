/**
 * @module test/unit/slt-parser.test
 * The sqllogictest runner's record parser, value formatting and result hashing, checked against the
 * reference driver's rules (C printf, MD5 of the values each followed by a newline) and real corpus
 * hashes.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Numeric } from '../../src/common/numeric.ts';
import { T } from '../../src/common/types.ts';
import { formatValue, printfFixed3, sanitize, truncateToInt64 } from '../slt/runner/format.ts';
import { engineNames, isSkipped, parseSlt, type QueryRecord } from '../slt/runner/parser.ts';
import { canonicalValues, checkResult, hashSummary, md5Values } from '../slt/runner/result-check.ts';

const sample = [
  'hash-threshold 8',
  '',
  'statement ok',
  'CREATE TABLE tab2(col0 INTEGER, col1 INTEGER, col2 INTEGER)',
  '',
  'statement error',
  'INSERT INTO nowhere VALUES(1)',
  '',
  'skipif postgresql # PostgreSQL requires AS when renaming output columns',
  'query III rowsort',
  'SELECT DISTINCT * FROM tab2',
  '  WHERE col0 IS NOT NULL',
  '----',
  '9 values hashing to 75c998aa53ac83218cbf2feb962d0a49',
  '',
  'onlyif mysql # DIV for integer division: ',
  'query I rowsort label-1',
  'SELECT DISTINCT 20 DIV - 97 FROM tab0',
  '----',
  '0',
  '',
  'hash-threshold 0',
  '',
  'query IT valuesort label-1',
  'SELECT 1, NULL',
  '----',
  '1',
  'NULL',
  '',
  'query I',
  'SELECT 1',
  '',
  'halt',
].join('\n');

describe('parseSlt', () => {
  test('reads every record kind with its line, conditions and threshold', () => {
    const records = parseSlt(sample);
    assert.deepEqual(
      records.map((r) => [r.kind, r.line]),
      [
        ['statement', 3],
        ['statement', 6],
        ['query', 10],
        ['query', 17],
        ['query', 24],
        ['query', 30],
        ['halt', 33],
      ],
    );
    const [create, insert, q1, q2, q3, q4] = records;
    assert.equal(create.kind === 'statement' && create.expectError, false);
    assert.equal(insert.kind === 'statement' && insert.expectError, true);
    const hashed = q1 as QueryRecord;
    assert.equal(hashed.types, 'III');
    assert.equal(hashed.sort, 'rowsort');
    assert.equal(hashed.sql, 'SELECT DISTINCT * FROM tab2\n  WHERE col0 IS NOT NULL');
    assert.deepEqual(hashed.expected, { kind: 'hash', count: 9, hash: '75c998aa53ac83218cbf2feb962d0a49' });
    assert.deepEqual(hashed.conditions, [{ kind: 'skipif', engine: 'postgresql' }]);
    assert.equal(hashed.hashThreshold, 8);
    assert.equal((q2 as QueryRecord).label, 'label-1');
    const listed = q3 as QueryRecord;
    assert.equal(listed.sort, 'valuesort');
    assert.equal(listed.hashThreshold, 0);
    assert.deepEqual(listed.expected, { kind: 'values', values: ['1', 'NULL'] });
    assert.equal((q4 as QueryRecord).sort, 'nosort');
    assert.deepEqual((q4 as QueryRecord).expected, { kind: 'none' });
  });

  test('CRLF files parse like LF files', () => {
    assert.deepEqual(parseSlt(sample.replace(/\n/g, '\r\n')), parseSlt(sample));
  });

  test('the default hash threshold is 8', () => {
    const [q] = parseSlt('query I nosort\nSELECT 1\n----\n1\n');
    assert.equal((q as QueryRecord).hashThreshold, 8);
  });

  test('skipif/onlyif: only markers that exclude postgresql skip', () => {
    assert.equal(isSkipped([{ kind: 'skipif', engine: 'postgresql' }]), true);
    assert.equal(isSkipped([{ kind: 'skipif', engine: 'mysql' }]), false);
    assert.equal(isSkipped([{ kind: 'onlyif', engine: 'mysql' }]), true);
    assert.equal(isSkipped([{ kind: 'onlyif', engine: 'postgresql' }]), false);
    assert.equal(isSkipped([]), false);
    // Eddy also answers to `eddy`: its own syntax beside PostgreSQL's spelling of the same query.
    const eddy = engineNames('eddy');
    assert.equal(isSkipped([{ kind: 'onlyif', engine: 'eddy' }], eddy), false);
    assert.equal(isSkipped([{ kind: 'onlyif', engine: 'eddy' }], engineNames('postgres')), true);
    assert.equal(isSkipped([{ kind: 'skipif', engine: 'eddy' }], eddy), true);
    assert.equal(isSkipped([{ kind: 'skipif', engine: 'eddy' }], engineNames('postgres')), false);
    assert.equal(isSkipped([{ kind: 'onlyif', engine: 'postgresql' }], eddy), false);
  });

  test('a malformed header is reported with its line', () => {
    assert.throws(
      () => parseSlt('\n\nstatement maybe\nSELECT 1\n', 'x.test'),
      /x\.test:3: bad statement mode/,
    );
  });

  test('a result block cut off from its query by a blank line is rejected, not dropped', () => {
    assert.throws(
      () => parseSlt('query I rowsort\nSELECT 1\n\n----\n1\n', 'x.test'),
      /x\.test:4: a result block \(`----`\) without its query/,
    );
  });

  test('unknown directives, dangling conditions and statements with results are rejected', () => {
    assert.throws(() => parseSlt('loop i 0 3\nSELECT 1\n', 'x.test'), /x\.test:1: unknown directive: loop/);
    assert.throws(
      () => parseSlt('skipif mysql\n\nquery I\nSELECT 1\n', 'x.test'),
      /x\.test:2: skipif is not followed by a record/,
    );
    assert.throws(
      () => parseSlt('statement ok\nSELECT 1\n----\n1\n', 'x.test'),
      /x\.test:1: a statement record has no result block/,
    );
  });
});

describe('formatValue', () => {
  test('I truncates toward zero to an int64, like sqlite3_column_int64', () => {
    assert.equal(formatValue(7, 'I'), '7');
    assert.equal(formatValue(-7.9, 'I'), '-7');
    assert.equal(formatValue(-0.5, 'I'), '0');
    assert.equal(formatValue(2.5, 'I'), '2');
    assert.equal(formatValue(9007199254740993n, 'I'), '9007199254740993');
    assert.equal(formatValue(new Numeric(-123456n, 2), 'I'), '-1234');
    assert.equal(formatValue(new Numeric(4733333333n, 8), 'I'), '47');
    assert.equal(formatValue(true, 'I'), '1');
    assert.equal(formatValue('12abc', 'I'), '12');
    assert.equal(formatValue('x', 'I'), '0');
    assert.equal(truncateToInt64(1e300), '9223372036854775807');
    assert.equal(truncateToInt64(-1e300), '-9223372036854775808');
  });

  test('R prints %.3f with C rounding (exact ties to even)', () => {
    // Expected strings from C/Python '%.3f'.
    assert.equal(printfFixed3(0.0625), '0.062');
    assert.equal(printfFixed3(0.5625), '0.562');
    assert.equal(printfFixed3(0.1875), '0.188');
    assert.equal(printfFixed3(1234567.8125), '1234567.812');
    assert.equal(printfFixed3(-0.0625), '-0.062');
    assert.equal(printfFixed3(1.0005), '1.000');
    assert.equal(printfFixed3(2.0005), '2.001');
    assert.equal(printfFixed3(123.4567), '123.457');
    assert.equal(printfFixed3(-0.0001), '-0.000');
    assert.equal(printfFixed3(-0), '-0.000');
    assert.equal(printfFixed3(1e21), '1000000000000000000000.000');
    assert.equal(formatValue(3, 'R'), '3.000');
    assert.equal(formatValue(new Numeric(15n, 1), 'R'), '1.500');
    assert.equal(formatValue(false, 'R'), '0.000');
  });

  test('T prints text; NULL, empty and unprintable bytes as the reference driver does', () => {
    assert.equal(formatValue(null, 'I'), 'NULL');
    assert.equal(formatValue(null, 'T'), 'NULL');
    assert.equal(formatValue('', 'T'), '(empty)');
    // Blanks alone would write a blank line, which ends a record (a char(3) value '   ').
    assert.equal(formatValue('   ', 'T'), '(empty)');
    assert.equal(formatValue(' a ', 'T'), ' a ');
    assert.equal(formatValue('a\tb', 'T'), 'a@b');
    // One '@' per UTF-8 byte: é is two bytes, € three, 😀 four.
    assert.equal(sanitize('é€😀~'), '@@@@@@@@@~');
    assert.equal(formatValue(42, 'T', T.int4), '42');
    assert.equal(formatValue(0.5, 'T', T.float8), '0.5');
    assert.equal(formatValue(1e-5, 'T', T.float8), '1e-05');
    assert.equal(formatValue(new Numeric(-5n, 3), 'T', T.numeric), '-0.005');
    assert.equal(formatValue(true, 'T', T.bool), 't');
    assert.equal(formatValue(19000, 'T', T.date), '2022-01-08');
  });
});

describe('result hashing and checking', () => {
  // tab2 of random/aggregates/slt_good_0.test; its `SELECT DISTINCT * …` record hashes to this.
  const tab2 = [
    [64, 77, 40],
    [75, 67, 58],
    [46, 51, 23],
  ];
  const columns = [
    { name: 'col0', type: T.int4 },
    { name: 'col1', type: T.int4 },
    { name: 'col2', type: T.int4 },
  ];

  test('MD5 of the values each followed by a newline', () => {
    assert.equal(md5Values([]), 'd41d8cd98f00b204e9800998ecf8427e');
    const rows = tab2.map((r) => r.map(String));
    assert.equal(
      hashSummary(canonicalValues(rows, 'rowsort')),
      '9 values hashing to 75c998aa53ac83218cbf2feb962d0a49',
    );
  });

  test('sort modes', () => {
    const rows = () => [
      ['2', '10'],
      ['10', '1'],
    ];
    assert.deepEqual(canonicalValues(rows(), 'nosort'), ['2', '10', '10', '1']);
    // Byte order, as the reference driver's strcmp: '10' < '2'.
    assert.deepEqual(canonicalValues(rows(), 'rowsort'), ['10', '1', '2', '10']);
    assert.deepEqual(canonicalValues(rows(), 'valuesort'), ['1', '10', '10', '2']);
  });

  test('checkResult compares hashes, values and the column count', () => {
    const [hashed] = parseSlt(
      'query III rowsort\nSELECT * FROM tab2\n----\n9 values hashing to 75c998aa53ac83218cbf2feb962d0a49\n',
    ) as QueryRecord[];
    assert.equal(checkResult(hashed, { columns, rows: tab2 }).ok, true);
    assert.equal(checkResult(hashed, { columns, rows: tab2.slice(1) }).ok, false);
    const [listed] = parseSlt('query II valuesort\nSELECT 1\n----\n1\n2\n') as QueryRecord[];
    const two = columns.slice(0, 2);
    assert.equal(checkResult(listed, { columns: two, rows: [[2.7, 1]] }).ok, true);
    assert.equal(checkResult(listed, { columns: two, rows: [[1, 3]] }).ok, false);
    const wrongWidth = checkResult(listed, { columns, rows: [[1, 2, 3]] });
    assert.deepEqual(wrongWidth, { ok: false, got: 'expected 2 columns, got 3' });
  });
});
