/**
 * @module functions/engine-form
 * Checks that a JavaScript value already is a column type's value in Eddy's own forms
 * (common/value.ts): what `query()` returns, and what generators and other Eddy instances send.
 * The library's bulk insert takes such values as they are with `valueForm: 'engine'`, so a
 * malformed one (1.5 in a bigint, a NaN date) is refused at the door instead of reaching a view.
 */
import { SemanticError, SqlState } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { Jsonb } from '../common/jsonb.ts';
import { Numeric } from '../common/numeric.ts';
import { type SqlType, typeName } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { isRectangular } from './array-dims.ts';
import { INT8_MAX, INT8_MIN } from './int-ops.ts';
import { parseText } from './text-io.ts';

/** Returns the value when it is the column type's engine form (never null), else throws 42804. */
export type EngineFormCheck = (value: unknown) => Value;

/** The check for a column of `type` named `column`. */
export function engineFormCheckFor(type: SqlType, column: string): EngineFormCheck {
  const is = formTest(type);
  return (v) => {
    if (is(v)) return v as Value;
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `column "${column}" is of type ${typeName(type)} but the value is not in Eddy's form of that type`,
      {
        hint: "Values with valueForm: 'engine' must be as query() returns them (see the README's value table).",
      },
    );
  };
}

function formTest(type: SqlType): (v: unknown) => boolean {
  switch (type.id) {
    case 'bool':
      return (v) => typeof v === 'boolean';
    case 'int2':
      return (v) => Number.isInteger(v) && (v as number) >= -32768 && (v as number) <= 32767;
    case 'int4':
      return (v) => Number.isInteger(v) && (v as number) >= -2147483648 && (v as number) <= 2147483647;
    case 'int8':
      return (v) =>
        Number.isSafeInteger(v) ||
        (typeof v === 'bigint' && !Number.isSafeInteger(Number(v)) && v >= INT8_MIN && v <= INT8_MAX);
    case 'float4':
    case 'float8':
      return (v) => typeof v === 'number';
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return (v) => Number.isSafeInteger(v);
    case 'numeric':
      return (v) => v instanceof Numeric;
    case 'interval':
      return (v) => v instanceof Interval;
    case 'jsonb':
      return (v) => v instanceof Jsonb;
    case 'bytea':
      return (v) => v instanceof Uint8Array;
    case 'text':
      return (v) => typeof v === 'string';
    case 'varchar':
      if (type.maxLength === undefined) return (v) => typeof v === 'string';
      return (v) => typeof v === 'string' && parseText(v, type) === v;
    case 'uuid':
    case 'enum':
      // The canonical text is what the type's input gives back unchanged (length, case, label).
      return (v) => typeof v === 'string' && parseText(v, type) === v;
    case 'array': {
      const element = formTest(type.element);
      // A nested array is a sub-array: engine-form elements are never JavaScript arrays.
      const fits = (v: unknown): boolean =>
        Array.isArray(v) && v.every((e) => e === null || (Array.isArray(e) ? fits(e) : element(e)));
      return (v) => fits(v) && isRectangular(v as Value[]);
    }
    default:
      return () => false;
  }
}
