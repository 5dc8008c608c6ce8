/**
 * @module functions/catalog-array
 * Catalog entries for the array functions, with PostgreSQL 15's signatures. The array operators
 * (`||`, `@>`, `<@`, `&&`) and array_to_string / width_bucket live in catalog-string.ts.
 */
import { arrayOf, T } from '../common/types.ts';
import * as A from './array-fns.ts';
import * as O from './array-ops.ts';
import { type CatalogBuilder, P } from './catalog-types.ts';

const { int4, text } = T;

export function addArrayCatalog(c: CatalogBuilder): void {
  const { anyarray, anycompatible, anycompatiblearray } = P;
  c.strict(['array_length', 'array_upper'], [anyarray, int4], int4, A.arrayLength);
  c.strict('array_lower', [anyarray, int4], int4, A.arrayLower);
  c.strict('array_ndims', [anyarray], int4, A.arrayNdims);
  c.strict('array_dims', [anyarray], text, A.arrayDims);
  c.strict('cardinality', [anyarray], int4, A.cardinality);
  c.strict('trim_array', [anyarray, int4], anyarray, A.trimArray);
  c.fn('array_append', {
    args: [anycompatiblearray, anycompatible],
    returns: anycompatiblearray,
    strict: false,
    impl: O.arrayAppend,
  });
  c.fn('array_prepend', {
    args: [anycompatible, anycompatiblearray],
    returns: anycompatiblearray,
    strict: false,
    impl: O.arrayPrepend,
  });
  c.fn('array_cat', {
    args: [anycompatiblearray, anycompatiblearray],
    returns: anycompatiblearray,
    strict: false,
    impl: O.arrayCat,
  });
  c.fn('array_position', {
    args: [anycompatiblearray, anycompatible],
    returns: int4,
    strict: false,
    impl: A.arrayPosition,
  });
  c.fn('array_position', {
    args: [anycompatiblearray, anycompatible, int4],
    returns: int4,
    strict: false,
    impl: A.arrayPositionFrom,
  });
  c.fn('array_positions', {
    args: [anycompatiblearray, anycompatible],
    returns: arrayOf(int4),
    strict: false,
    impl: A.arrayPositions,
  });
  c.fn('array_remove', {
    args: [anycompatiblearray, anycompatible],
    returns: anycompatiblearray,
    strict: false,
    impl: A.arrayRemove,
  });
  c.fn('array_replace', {
    args: [anycompatiblearray, anycompatible, anycompatible],
    returns: anycompatiblearray,
    strict: false,
    impl: A.arrayReplace,
  });
  c.fn('unnest', {
    args: [anyarray],
    returns: P.anyelement,
    strict: true,
    returnsSet: true,
    impl: A.unnest,
  });
}
