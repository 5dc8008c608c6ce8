/**
 * @module sql/bind/type-name
 * Resolves a parsed PostgreSQL TypeName (with typmods and array bounds) to an Eddy SqlType,
 * including the SQL-standard spellings and user-defined enums.
 */
import type { Node, TypeName } from 'libpg-query';
import type { Catalog } from '../../catalog/catalog.ts';
import { catalogTypeAlias } from '../../catalog/system/reg-cast.ts';
import { DataError, FeatureNotSupportedError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import { arrayOf, bpchar, numeric, type SqlType, T, varchar } from '../../common/types.ts';
import { ARRAY_DIMS_MAX, tooManyDimensions } from '../../functions/array-dims.ts';

const namedTypes: Record<string, SqlType> = {
  bool: T.bool,
  boolean: T.bool,
  int2: T.int2,
  smallint: T.int2,
  int4: T.int4,
  int: T.int4,
  integer: T.int4,
  int8: T.int8,
  bigint: T.int8,
  numeric: T.numeric,
  decimal: T.numeric,
  float4: T.float4,
  real: T.float4,
  float8: T.float8,
  float: T.float8,
  'double precision': T.float8,
  text: T.text,
  varchar: T.varchar,
  'character varying': T.varchar,
  bpchar: T.bpchar,
  char: T.text,
  character: bpchar(1),
  string: T.text,
  name: T.text,
  bytea: T.bytea,
  uuid: T.uuid,
  date: T.date,
  time: T.time,
  timetz: T.time,
  timestamp: T.timestamp,
  timestamptz: T.timestamptz,
  interval: T.interval,
  jsonb: T.jsonb,
  json: T.jsonb,
};

/** The bare type name (last component, lower-case), e.g. `int4` for `pg_catalog.int4`. */
export function typeNameText(typeName: TypeName): string {
  const names = (typeName.names ?? []).map((n: Node) => ('String' in n ? (n.String.sval ?? '') : ''));
  return names[names.length - 1] ?? '';
}

export function resolveTypeName(typeName: TypeName, catalog: Catalog): SqlType {
  const name = typeNameText(typeName);
  const mods = (typeName.typmods ?? []).map(typmodValue);
  const type = baseType(name, mods, catalog, typeName.location);
  const bounds = typeName.arrayBounds ?? [];
  if (bounds.length > ARRAY_DIMS_MAX) throw tooManyDimensions(bounds.length);
  if (bounds.length === 0) return type;
  const array = arrayOf(type);
  return bounds.length === 1 ? array : Object.freeze({ ...array, declaredDims: bounds.length });
}

function baseType(name: string, mods: number[], catalog: Catalog, location?: number): SqlType {
  if (name === 'varchar' && mods.length > 0) return varchar(checkedLength('varchar', mods[0]!));
  if (name === 'bpchar' && mods.length > 0) return bpchar(checkedLength('char', mods[0]!));
  if (name === 'numeric' && mods.length > 0) return numeric(mods[0]!, mods[1] ?? 0);
  if (name === 'float4' && mods.length > 0) return mods[0]! <= 24 ? T.float4 : T.float8;
  if (name === 'float8' && mods.length > 0) return mods[0]! <= 24 ? T.float4 : T.float8;
  const known = namedTypes[name];
  if (known) return known;
  const enumType = catalog.enumType(name);
  if (enumType) return enumType;
  const catalogType = catalogTypeAlias(name);
  if (catalogType) return catalogType;
  throw new UndefinedObjectError(SqlState.undefinedObject, `type "${name}" does not exist`, {
    position: location === undefined ? undefined : location + 1,
  });
}

/** PostgreSQL's bounds on a varchar(n) or char(n) length (22023). */
function checkedLength(type: 'varchar' | 'char', n: number): number {
  if (n < 1)
    throw new DataError(SqlState.invalidParameterValue, `length for type ${type} must be at least 1`);
  if (n > 10485760) {
    throw new DataError(SqlState.invalidParameterValue, `length for type ${type} cannot exceed 10485760`);
  }
  return n;
}

function typmodValue(node: Node): number {
  if ('A_Const' in node && node.A_Const.ival) return node.A_Const.ival.ival ?? 0;
  if ('A_Const' in node) return 0;
  throw new FeatureNotSupportedError('type modifiers must be integer constants');
}
