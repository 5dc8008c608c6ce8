/**
 * The storage value codec: every value form round-trips to an identical form (fast-check over
 * all of them, nested arrays and jsonb trees included), and damaged input fails with XX001.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Interval } from '../../src/common/interval.ts';
import { Jsonb } from '../../src/common/jsonb.ts';
import { jsonbFromJs } from '../../src/common/jsonb-convert.ts';
import { Numeric } from '../../src/common/numeric.ts';
import type { Value } from '../../src/common/value.ts';
import { ByteReader, ByteWriter, type PlainData, writePlainInTurns } from '../../src/storage/value-codec.ts';

/** Exact identity of forms: JS type, -0 vs 0, NaN, Numeric scale, jsonb tree shape. */
function sameForm(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a === null || typeof a !== 'object') return a === b;
  if (b === null || typeof b !== 'object') return false;
  if (a.constructor !== b.constructor) return false;
  if (a instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b as Uint8Array));
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => sameForm(x, bb[i]));
  }
  if (a instanceof Jsonb) return sameForm(a.value, (b as Jsonb).value);
  const ka = Object.keys(a);
  return ka.every((k) => sameForm((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const numberArb = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.double(),
  fc.constantFrom(-0, Number.NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }),
);
const numericArb = fc.oneof(
  fc
    .tuple(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.integer({ min: 0, max: 30 }))
    .map(([d, s]) => new Numeric(d, s)),
  fc.constantFrom(Numeric.NaN, Numeric.POSITIVE_INFINITY, Numeric.NEGATIVE_INFINITY, Numeric.ZERO),
);
const jsonArb = fc
  .jsonValue({ maxDepth: 4 })
  .map((v) => jsonbFromJs(v))
  .chain((j) => fc.constant(j));
const scalarArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  numberArb,
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).filter((b) => b > 2n ** 53n || b < -(2n ** 53n)),
  numericArb,
  fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('\0')),
  fc.uuid(),
  fc.uint8Array({ maxLength: 40 }),
  fc
    .tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: -1e6, max: 1e6 }), fc.integer())
    .map(([m, d, u]) => new Interval(m, d, u * 1000)),
  jsonArb,
  fc.constantFrom(jsonbFromJs({ n: 1.5, s: 'x', a: [1, null, true] }), Jsonb.NULL),
);
const valueArb: fc.Arbitrary<Value> = fc.letrec<{ value: Value; array: Value[] }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalarArb, tie('array')),
  array: fc.array(tie('value'), { maxLength: 4 }),
})).value;

test('every value form round-trips to an identical form', () => {
  fc.assert(
    fc.property(fc.array(valueArb, { maxLength: 8 }), (row) => {
      const w = new ByteWriter(4);
      for (const v of row) w.value(v);
      const r = new ByteReader(w.finish().slice());
      const back = row.map(() => r.value());
      assert.ok(r.done);
      assert.ok(sameForm(row, back), `${String(row)} came back as ${String(back)}`);
    }),
    { seed: 8, numRuns: 2000 },
  );
});

/** Plain data as operator state images are made (ADR 0004): values, arrays, string-keyed objects. */
const plainArb: fc.Arbitrary<PlainData> = fc.letrec<{
  plain: PlainData;
  list: PlainData[];
  record: PlainData;
}>((tie) => ({
  plain: fc.oneof({ depthSize: 'small', withCrossShrink: true }, valueArb, tie('list'), tie('record')),
  list: fc.array(tie('plain'), { maxLength: 4 }),
  record: fc.dictionary(fc.string(), tie('plain'), { maxKeys: 4, noNullPrototype: true }),
})).plain;

test('plain data (state images) round-trips to an identical form, keys and their order included', () => {
  fc.assert(
    fc.property(plainArb, (data) => {
      const w = new ByteWriter(4);
      w.plain(data);
      const r = new ByteReader(w.finish().slice());
      const back = r.plain();
      assert.ok(r.done);
      assert.ok(sameForm(data, back));
      assert.equal(JSON.stringify(keysOf(back)), JSON.stringify(keysOf(data)));
    }),
    { seed: 8, numRuns: 1000 },
  );
  // A plain object is not a value: reading one as a value fails with XX001.
  const w = new ByteWriter();
  w.plain({ a: 1 });
  assert.throws(() => new ByteReader(w.finish()).value(), { code: 'XX001' });
});

/** The key lists of every object in `data`, depth first. */
function keysOf(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(keysOf);
  if (data !== null && typeof data === 'object' && !(data instanceof Uint8Array) && !(data instanceof Jsonb))
    return Object.entries(data).map(([k, v]) => [k, keysOf(v)]);
  return null;
}

test('numbers keep -0, NaN, infinities and their JS type', () => {
  const values: Value[] = [-0, 0, Number.NaN, Infinity, -Infinity, 2 ** 31, -(2 ** 31), 1.5, 2n ** 70n];
  const w = new ByteWriter();
  for (const v of values) w.value(v);
  const r = new ByteReader(w.finish());
  for (const v of values) assert.ok(Object.is(r.value(), v));
});

test('a truncated or unknown encoding fails with XX001, never a wrong value', () => {
  const w = new ByteWriter();
  w.value('hello');
  const bytes = w.finish();
  assert.throws(() => new ByteReader(bytes.subarray(0, 3)).value(), { code: 'XX001' });
  assert.throws(() => new ByteReader(Uint8Array.of(200)).value(), { code: 'XX001' });
});

test('strings are written as their UTF-8 length and bytes, whatever their length and code points', () => {
  const encoder = new TextEncoder();
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 5000 }))),
      (texts) => {
        const w = new ByteWriter(4);
        for (const t of texts) w.string(t);
        const expected: number[] = [];
        for (const t of texts) {
          const bytes = encoder.encode(t);
          let n = bytes.length;
          while (n >= 0x80) {
            expected.push((n % 0x80) | 0x80);
            n = Math.floor(n / 0x80);
          }
          expected.push(n, ...bytes);
        }
        assert.deepEqual([...w.finish()], expected);
        const r = new ByteReader(w.finish().slice());
        for (const t of texts) assert.equal(r.string(), new TextDecoder().decode(encoder.encode(t)));
      },
    ),
    { numRuns: 200 },
  );
});

test('plain data written over several turns has the bytes of plain(), and the turns are taken', async () => {
  const entries = Array.from({ length: 5000 }, (_, i) => ({
    id: i,
    data: [`key ${i}`, [i, i * 1.5, null], [1n << 70n]],
  }));
  const delta: PlainData = {
    version: 1,
    circuit: { operators: [{ node: 3, delta: { full: false, upserts: entries, deletes: [1, 2] } }] },
  };
  const whole = new ByteWriter();
  whole.plain(delta);
  const streamed = new ByteWriter();
  let turns = 0;
  // A slice budget of 0 ms: every 64 elements is a turn.
  await writePlainInTurns(streamed, delta, async () => void turns++, 0);
  assert.ok(turns >= 5000 / 64 - 1, `${turns} turns`);
  assert.deepEqual(Buffer.from(streamed.finish()), Buffer.from(whole.finish()));
});
