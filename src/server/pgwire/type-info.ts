/**
 * @module server/pgwire/type-info
 * What the wire says about a type beyond its OID: typlen and typmod for RowDescription, and the
 * reverse mapping from the parameter type OIDs a client declares in Parse to Eddy's SQL types.
 */
import type { Catalog } from '../../catalog/catalog.ts';
import { arrayOf, type ScalarTypeId, type SqlType, T, typeOid } from '../../common/types.ts';
import { WireError, WireState } from './wire-error.ts';

const fixedLengths: Partial<Record<ScalarTypeId, number>> = {
  bool: 1,
  int2: 2,
  int4: 4,
  int8: 8,
  float4: 4,
  float8: 8,
  date: 4,
  time: 8,
  timestamp: 8,
  timestamptz: 8,
  interval: 16,
  uuid: 16,
  unknown: -2,
};

/** pg_type.typlen: the fixed width, -1 for variable length, -2 for `unknown` (a C string). */
export function typeLength(type: SqlType): number {
  if (type.id === 'enum') return 4;
  if (type.id === 'array') return -1;
  return fixedLengths[type.id] ?? -1;
}

/** The type modifier PostgreSQL reports: varchar(n) and char(n) → n + 4, numeric(p,s) → (p << 16 | s) + 4. */
export function typeModifier(type: SqlType): number {
  if ((type.id === 'varchar' || type.id === 'bpchar') && type.maxLength !== undefined)
    return type.maxLength + 4;
  if (type.id === 'numeric' && type.precision !== undefined)
    return ((type.precision << 16) | ((type.scale ?? 0) & 0xffff)) + 4;
  return -1;
}

const byOid = new Map<number, SqlType>();
for (const t of Object.values(T)) {
  if (t.id === 'unknown') continue;
  byOid.set(typeOid(t), t);
  const array = arrayOf(t);
  const oid = typeOid(array);
  if (oid !== 2277) byOid.set(oid, array);
}
// Types Eddy does not have but clients commonly declare: read them as their nearest Eddy type.
byOid.set(114, T.jsonb); // json
byOid.set(199, arrayOf(T.jsonb)); // json[]
byOid.set(19, T.text); // name
byOid.set(1003, arrayOf(T.text)); // name[]
byOid.set(26, T.int8); // oid
byOid.set(18, T.text); // "char"

/** The type a client declared for a parameter; undefined (OID 0 or `unknown`) means "infer it". */
export function typeForOid(oid: number, catalog: Catalog): SqlType | undefined {
  if (oid === 0 || oid === 705) return undefined;
  const known = byOid.get(oid);
  if (known) return known;
  for (const e of catalog.allEnumTypes()) if (e.oid === oid) return e;
  throw WireError.error(WireState.featureNotSupported, `parameter type with OID ${oid} is not supported`);
}
