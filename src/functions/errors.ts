/**
 * @module functions/errors
 * The errors the scalar function library raises, with PostgreSQL's codes and wording. Builders
 * live here so hot paths stay one `throw` long and every message is spelled once.
 */
import { DataError, SqlState } from '../common/errors.ts';

export function outOfRange(what: 'smallint' | 'integer' | 'bigint'): DataError {
  return new DataError(SqlState.numericValueOutOfRange, `${what} out of range`);
}

export function divisionByZero(): DataError {
  return new DataError(SqlState.divisionByZero, 'division by zero');
}

export function floatOverflow(): DataError {
  return new DataError(SqlState.numericValueOutOfRange, 'value out of range: overflow');
}

export function floatUnderflow(): DataError {
  return new DataError(SqlState.numericValueOutOfRange, 'value out of range: underflow');
}

/** `invalid input syntax for type integer: "x"` (22P02), as every input function words it. */
export function invalidSyntax(typeName: string, text: string): DataError {
  return new DataError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${typeName}: "${text}"`,
  );
}

export function inputOutOfRange(typeName: string, text: string): DataError {
  return new DataError(
    SqlState.numericValueOutOfRange,
    `value "${text}" is out of range for type ${typeName}`,
  );
}
