/**
 * The array function entries of the catalog (src/functions/catalog-array.ts, array-fns.ts),
 * resolved by signature and run as the binder runs them, NULL arguments included. Expected texts
 * are PostgreSQL 15's answers (psql; unnest's rows joined by `|`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrayRemove, arrayReplace } from '../../src/functions/array-fns.ts';
import { type Case, evalCase } from './functions-catalog-support.ts';

const CASES: Case[] = [
  ['array_length(int4[],int4)', ['{1,2,3}', '1'], '3'],
  ['array_length(int4[],int4)', ['{}', '1'], 'NULL'],
  ['array_length(int4[],int4)', ['{1,2}', '2'], 'NULL'],
  ['array_length(int4[],int4)', ['{1,2}', '0'], 'NULL'],
  ['array_length(int4[],int4)', ['{1,2}', 'NULL'], 'NULL'],
  ['array_upper(text[],int4)', ['{a,b,c}', '1'], '3'],
  ['array_upper(int4[],int4)', ['{}', '1'], 'NULL'],
  ['array_lower(int4[],int4)', ['{5,6}', '1'], '1'],
  ['array_lower(int4[],int4)', ['{5}', '2'], 'NULL'],
  ['array_lower(int4[],int4)', ['{}', '1'], 'NULL'],
  ['array_ndims(int4[])', ['{1}'], '1'],
  ['array_ndims(int4[])', ['{}'], 'NULL'],
  ['array_dims(text[])', ['{a,b}'], '[1:2]'],
  ['array_dims(int4[])', ['{}'], 'NULL'],
  ['cardinality(int4[])', ['{1,NULL}'], '2'],
  ['cardinality(int4[])', ['{}'], '0'],
  ['cardinality(int4[])', ['NULL'], 'NULL'],
  ['array_append(int4[],int4)', ['{1,2}', '3'], '{1,2,3}'],
  ['array_append(int4[],int4)', ['NULL', 'NULL'], '{NULL}'],
  ['array_append(text[],text)', ['{}', 'x'], '{x}'],
  ['array_prepend(int4,int4[])', ['0', '{1}'], '{0,1}'],
  ['array_prepend(int4,int4[])', ['NULL', 'NULL'], '{NULL}'],
  ['array_cat(int4[],int4[])', ['{1}', '{2,NULL}'], '{1,2,NULL}'],
  ['array_cat(int4[],int4[])', ['{1}', 'NULL'], '{1}'],
  ['array_cat(int4[],int4[])', ['NULL', 'NULL'], 'NULL'],
  ['array_position(int4[],int4)', ['{1,2,3,2}', '2'], '2'],
  ['array_position(int4[],int4)', ['{1,NULL,3}', 'NULL'], '2'],
  ['array_position(int4[],int4)', ['{1,2}', 'NULL'], 'NULL'],
  ['array_position(int4[],int4)', ['NULL', '1'], 'NULL'],
  ['array_position(int4[],int4)', ['{1,2,3}', '5'], 'NULL'],
  ['array_position(float8[],float8)', ['{NaN,1}', 'NaN'], '1'],
  ['array_position(numeric[],numeric)', ['{1.0,2.00}', '2'], '2'],
  ['array_position(interval[],interval)', ['{"1 day","1 mon"}', '30 days'], '2'],
  ['array_position(text[],text)', ['{a,b}', 'B'], 'NULL'],
  ['array_position(int4[],int4,int4)', ['{1,2,3,2}', '2', '3'], '4'],
  ['array_position(int4[],int4,int4)', ['{1,2,3}', '1', '-5'], '1'],
  ['array_position(int4[],int4,int4)', ['{1,2,3}', '1', '10'], 'NULL'],
  ['array_position(int4[],int4,int4)', ['{1,2}', '2', 'NULL'], 'ERR 22004 initial position must not be null'],
  ['array_position(int4[],int4,int4)', ['{1,2}', 'NULL', 'NULL'], 'NULL'],
  ['array_position(int4[],int4,int4)', ['{}', '1', 'NULL'], 'NULL'],
  ['array_position(int4[],int4,int4)', ['{1,NULL,NULL}', 'NULL', '3'], '3'],
  ['array_positions(int4[],int4)', ['{1,2,3,2}', '2'], '{2,4}'],
  ['array_positions(int4[],int4)', ['{1,NULL,NULL}', 'NULL'], '{2,3}'],
  ['array_positions(int4[],int4)', ['{1,2}', 'NULL'], '{}'],
  ['array_positions(int4[],int4)', ['NULL', '1'], 'NULL'],
  ['array_positions(int4[],int4)', ['{}', '1'], '{}'],
  ['array_remove(int4[],int4)', ['{1,2,3,2}', '2'], '{1,3}'],
  ['array_remove(int4[],int4)', ['{1,NULL,3}', 'NULL'], '{1,3}'],
  ['array_remove(int4[],int4)', ['{2,2}', '2'], '{}'],
  ['array_remove(int4[],int4)', ['NULL', '1'], 'NULL'],
  ['array_remove(int4[],int4)', ['{1,2}', 'NULL'], '{1,2}'],
  ['array_remove(interval[],interval)', ['{"1 mon","30 days","1 day"}', '30 days'], '{"1 day"}'],
  ['array_replace(int4[],int4,int4)', ['{1,2,3,2}', '2', '9'], '{1,9,3,9}'],
  ['array_replace(int4[],int4,int4)', ['{1,NULL,3}', 'NULL', '0'], '{1,0,3}'],
  ['array_replace(int4[],int4,int4)', ['{1,2}', '2', 'NULL'], '{1,NULL}'],
  ['array_replace(int4[],int4,int4)', ['NULL', '1', '2'], 'NULL'],
  ['trim_array(int4[],int4)', ['{1,2,3}', '1'], '{1,2}'],
  ['trim_array(int4[],int4)', ['{1,2,3}', '3'], '{}'],
  ['trim_array(int4[],int4)', ['{}', '0'], '{}'],
  [
    'trim_array(int4[],int4)',
    ['{1,2,3}', '4'],
    'ERR 2202E number of elements to trim must be between 0 and 3',
  ],
  [
    'trim_array(int4[],int4)',
    ['{1,2,3}', '-1'],
    'ERR 2202E number of elements to trim must be between 0 and 3',
  ],
  ['unnest(int4[])', ['{1,NULL,3}'], '1|NULL|3'],
  ['unnest(text[])', ['{}'], ''],
  ['unnest(text[])', ['NULL'], ''],
  ['unnest(jsonb[])', ['{"{\\"a\\": 1}",null}'], '{"a": 1}|NULL'],
];

for (const [signature, args, expected] of CASES) {
  test(`${signature} ${args.join(', ')}`, () => {
    assert.equal(evalCase(signature, args), expected);
  });
}

test('array_remove and array_replace return the input when nothing matches', () => {
  const a = [1, 2, null];
  assert.equal(arrayRemove(a, 5), a);
  assert.equal(arrayReplace(a, 5, 6), a);
  assert.deepEqual(a, [1, 2, null]);
  assert.deepEqual(arrayReplace(a, null, 0), [1, 2, 0]);
  assert.deepEqual(a, [1, 2, null], 'the input is not modified');
});
