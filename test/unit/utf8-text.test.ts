/**
 * @module test/unit/utf8-text
 * Strict UTF-8 decoding and Unicode checks: PostgreSQL's 22021 message naming the same bytes it
 * would (the lead byte and the continuation bytes it announces), NUL refused, valid text intact.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkUnicodeText, decodeUtf8 } from '../../src/common/utf8-text.ts';

const refusal = (run: () => unknown): string => {
  try {
    run();
  } catch (e) {
    const err = e as { code: string; message: string };
    assert.equal(err.code, '22021');
    return err.message.replace('invalid byte sequence for encoding "UTF8": ', '');
  }
  return assert.fail('accepted');
};

test('bytes that are not UTF-8 are named as PostgreSQL names them', () => {
  const cases: [number[], string][] = [
    [[0x61, 0xff], '0xff'],
    [[0xe2, 0x82], '0xe2 0x82'],
    [[0xed, 0xa0, 0x80], '0xed 0xa0 0x80'],
    [[0xc3], '0xc3'],
    [[0xc0, 0x80], '0xc0 0x80'],
    [[0xf4, 0x90, 0x80, 0x80], '0xf4 0x90 0x80 0x80'],
    [[0x80], '0x80'],
    [[0x61, 0x00, 0x62], '0x00'],
  ];
  for (const [bytes, shown] of cases)
    assert.equal(
      refusal(() => decodeUtf8(new Uint8Array(bytes))),
      shown,
    );
});

test('valid UTF-8 decodes, also a slice of a larger buffer', () => {
  assert.equal(decodeUtf8(new Uint8Array([0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80])), 'é😀');
  assert.equal(decodeUtf8(Buffer.from('xxabcxx'), 2, 5), 'abc');
  assert.equal(decodeUtf8(new Uint8Array([0xef, 0xbb, 0xbf, 0x61])), '\ufeffa');
});

test('JavaScript strings: lone surrogates and NUL are refused, pairs pass', () => {
  assert.equal(
    refusal(() => checkUnicodeText('a\ud800')),
    '0xed 0xa0 0x80',
  );
  assert.equal(
    refusal(() => checkUnicodeText('\udfffz')),
    '0xed 0xbf 0xbf',
  );
  assert.equal(
    refusal(() => checkUnicodeText('\ude00\ud83d')),
    '0xed 0xb8 0x80',
  );
  assert.equal(
    refusal(() => checkUnicodeText('a\0')),
    '0x00',
  );
  assert.equal(checkUnicodeText('ok \u{1F600}'), 'ok \u{1F600}');
});
