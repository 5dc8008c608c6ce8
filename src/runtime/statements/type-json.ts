/**
 * @module runtime/statements/type-json
 * The column types a CDC source resolved upstream, as JSON in its logged statement: scalar type
 * ids and arrays of them (the only types upstream columns map to).
 */
import { arrayOf, type SqlType, T } from '../../common/types.ts';

export function encodeType(type: SqlType): unknown {
  return type.id === 'array' ? { array: encodeType(type.element) } : type.id;
}

export function decodeType(json: unknown): SqlType {
  if (typeof json === 'object' && json !== null && 'array' in json) return arrayOf(decodeType(json.array));
  const scalar = T[json as keyof typeof T];
  if (scalar === undefined) throw new Error(`unknown type in a logged CDC source: ${JSON.stringify(json)}`);
  return scalar;
}
