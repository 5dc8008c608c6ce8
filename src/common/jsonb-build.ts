/**
 * @module common/jsonb-build
 * Building documents from SQL values: jsonb_build_object, jsonb_build_array, and jsonb_agg /
 * jsonb_object_agg as pure helpers over a group's values (the aggregate operator keeps the group).
 * Values convert as to_jsonb does; a SQL NULL value becomes a JSON null, a NULL key is an error.
 */
import { type TimeZone, UTC } from './datetime-zone.ts';
import { DataError, SqlState } from './errors.ts';
import { Jsonb } from './jsonb.ts';
import { jsonKeyOf, jsonValueOf } from './jsonb-convert.ts';
import { buildObject, type JsonValue } from './jsonb-value.ts';
import type { SqlType } from './types.ts';
import type { Value } from './value.ts';

/** jsonb_build_object(VARIADIC "any"): alternating keys and values, each with its SQL type. */
export function jsonbBuildObject(
  args: readonly Value[],
  types: readonly SqlType[],
  zone: TimeZone = UTC,
): Jsonb {
  if (args.length % 2 !== 0) {
    throw new DataError(SqlState.invalidParameterValue, 'argument list must have even number of elements', {
      hint: 'The arguments of jsonb_build_object() must consist of alternating keys and values.',
    });
  }
  const keys: string[] = [];
  const values: JsonValue[] = [];
  for (let i = 0; i < args.length; i += 2) {
    const key = args[i]!;
    if (key === null)
      throw new DataError(SqlState.invalidParameterValue, `argument ${i + 1}: key must not be null`);
    keys.push(jsonKeyOf(key, types[i]!, zone));
    values.push(jsonValueOf(args[i + 1]!, types[i + 1]!, zone));
  }
  return new Jsonb(buildObject(keys, values));
}

/** jsonb_build_array(VARIADIC "any"). */
export function jsonbBuildArray(
  args: readonly Value[],
  types: readonly SqlType[],
  zone: TimeZone = UTC,
): Jsonb {
  const out = new Array<JsonValue>(args.length);
  for (let i = 0; i < args.length; i++) out[i] = jsonValueOf(args[i]!, types[i]!, zone);
  return new Jsonb(out);
}

/** jsonb_agg over a group's values in order; SQL NULL for an empty group. */
export function jsonbAgg(values: readonly Value[], type: SqlType, zone: TimeZone = UTC): Jsonb | null {
  if (values.length === 0) return null;
  const out = new Array<JsonValue>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = jsonValueOf(values[i]!, type, zone);
  return new Jsonb(out);
}

/** jsonb_object_agg over a group's (key, value) pairs in order (a repeated key: the last wins); NULL if empty. */
export function jsonbObjectAgg(
  keys: readonly Value[],
  values: readonly Value[],
  keyType: SqlType,
  valueType: SqlType,
  zone: TimeZone = UTC,
): Jsonb | null {
  if (keys.length === 0) return null;
  const outKeys: string[] = [];
  const outValues: JsonValue[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (key === null) throw new DataError(SqlState.invalidParameterValue, 'field name must not be null');
    outKeys.push(jsonKeyOf(key, keyType, zone));
    outValues.push(jsonValueOf(values[i]!, valueType, zone));
  }
  return new Jsonb(buildObject(outKeys, outValues));
}
