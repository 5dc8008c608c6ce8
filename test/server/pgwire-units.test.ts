/**
 * The wire layer's pure parts: framing across arbitrary chunk boundaries and its limits, binary
 * numeric both ways, COPY text and CSV escaping, and the statement-text scanning that routes
 * statements and finds embedded queries.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { UTC } from '../../src/common/datetime-zone.ts';
import { Numeric } from '../../src/common/numeric.ts';
import { T } from '../../src/common/types.ts';
import { readNumericBinary, writeNumericBinary } from '../../src/server/pgwire/binary-numeric.ts';
import { copyLine } from '../../src/server/pgwire/copy-out.ts';
import { type Frame, FrameReader } from '../../src/server/pgwire/frame-reader.ts';
import { MessageWriter } from '../../src/server/pgwire/message-writer.ts';
import {
  closingParen,
  highestParam,
  leadingWord,
  splitScript,
  topLevelWord,
} from '../../src/server/pgwire/sql-text.ts';
import { WireError } from '../../src/server/pgwire/wire-error.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

function frame(type: string, body: string): Buffer {
  const b = Buffer.alloc(5 + Buffer.byteLength(body));
  b.write(type, 0, 'latin1');
  b.writeInt32BE(b.length - 1, 1);
  b.write(body, 5);
  return b;
}

test('frames come out whole however the bytes are cut', () => {
  const stream = Buffer.concat([
    frame('Q', 'SELECT 1\0'),
    frame('S', ''),
    frame('Q', `${'x'.repeat(3000)}\0`),
  ]);
  for (const size of [1, 2, 3, 5, 7, 64, 1000, stream.length]) {
    const reader = new FrameReader(1 << 20);
    const out: Frame[] = [];
    for (let at = 0; at < stream.length; at += size) reader.push(stream.subarray(at, at + size), out);
    assert.deepEqual(
      out.map((f) => [String.fromCharCode(f.type), f.body.length]),
      [
        ['Q', 9],
        ['S', 0],
        ['Q', 3001],
      ],
      `chunks of ${size}`,
    );
    assert.equal(reader.bufferedBytes, 0);
  }
});

test('a frame length outside [4, max] is refused from its header alone', () => {
  const reader = new FrameReader(100);
  const header = Buffer.from([81, 0, 0, 0x10, 0]);
  assert.throws(
    () => reader.push(header, []),
    (e: unknown) => e instanceof WireError && e.fields.code === '54000',
  );
  assert.throws(
    () => new FrameReader(100).push(Buffer.from([81, 0, 0, 0, 2]), []),
    (e: unknown) => e instanceof WireError && e.fields.code === '08P01' && e.fields.severity === 'FATAL',
  );
});

test('binary numeric round-trips, with PostgreSQL’s layout', () => {
  const cases = [
    '0',
    '0.000',
    '1',
    '-1',
    '10000',
    '9999.9999',
    '123.4500',
    '-0.0001',
    '1e-20',
    '12345678901234567890.5',
    'NaN',
  ];
  for (const text of cases) {
    const n = Numeric.parse(text);
    const w = new MessageWriter();
    writeNumericBinary(w, n);
    const back = readNumericBinary(w.take());
    assert.equal(back.toString(), n.toString(), text);
  }
  const w = new MessageWriter();
  writeNumericBinary(w, Numeric.parse('10000.5'));
  // ndigits 3, weight 1, positive, dscale 1: digits 1 | 0 | 5000.
  assert.equal(w.take().toString('hex'), '00030001000000010001000013 88'.replace(' ', ''));
  assert.equal(readNumericBinary(Buffer.from('0002000000000004007b1194', 'hex')).toString(), '123.4500');
});

test('COPY text escapes backslashes, control characters and the delimiter; CSV quotes', () => {
  const columns = [
    { name: 'a', type: T.text },
    { name: 'b', type: T.int4 },
    { name: 'c', type: T.text },
  ];
  const text = { csv: false, delimiter: '\t', null: '\\N', header: false, quote: '"' };
  assert.equal(copyLine(['x\ty\\z\n', null, 'r\r'], columns, text, UTC), 'x\\ty\\\\z\\n\t\\N\tr\\r\n');
  const csv = { csv: true, delimiter: ',', null: '', header: false, quote: '"' };
  assert.equal(copyLine(['a,b', 1, ''], columns, csv, UTC), '"a,b",1,""\n');
  assert.equal(copyLine(['say "hi"', null, 'plain'], columns, csv, UTC), '"say ""hi""",,plain\n');
});

test('statement text: leading word, closing parenthesis, top-level words, parameters, scripts', () => {
  assert.equal(leadingWord('  /* a /* nested */ comment */ -- line\n  Subscribe t'), 'subscribe');
  assert.equal(leadingWord('   '), '');
  const q = "SELECT ')', $t$ ) $t$, \"a)\" -- )\n, E'\\')' /* ) */ FROM t) AS x";
  assert.equal(q.slice(closingParen(q, 0)), ') AS x');
  assert.equal(topLevelWord('DECLARE c CURSOR FOR SELECT (1) FOR UPDATE', 'for'), 17);
  assert.equal(topLevelWord('SELECT \'for\' AS "for"', 'for'), -1);
  assert.equal(highestParam("SELECT $2, '$9', $1 /* $7 */ FROM t WHERE a$3 = $10"), 10);
  assert.deepEqual(splitScript('SELECT 1;  '), [{ text: 'SELECT 1', offset: 0 }]);
  assert.deepEqual(splitScript("SELECT ';'; SELECT 2"), [
    { text: "SELECT ';'", offset: 0 },
    { text: 'SELECT 2', offset: 12 },
  ]);
  assert.deepEqual(splitScript(''), []);
});
