/**
 * @module catalog/system/pg-type
 * pg_type (built-in types with PostgreSQL's oids and I/O functions, and the user's enums in
 * public), pg_enum and pg_collation. Enums have no array type of their own (typarray 0): an enum
 * array travels as anyarray, as Eddy's wire protocol describes it.
 */
import type { Catalog } from '../catalog.ts';
import { builtinTypes } from './builtin-types.ts';
import { COLLATION_DEFAULT, derivedOid, NAMESPACE_PG_CATALOG, NAMESPACE_PUBLIC, ROLE_OID } from './oids.ts';
import type { SystemRow } from './system-row.ts';

/** enum_in, enum_out, enum_recv, enum_send. */
const enumIo = [3504, 3505, 3532, 3533] as const;

function typeRow(oid: number, typname: string, namespace: number): SystemRow {
  return {
    oid,
    typname,
    typnamespace: namespace,
    typowner: ROLE_OID,
    typisdefined: true,
    typdelim: ',',
    typrelid: 0,
    typsubscript: 0,
    typmodin: 0,
    typmodout: 0,
    typanalyze: 0,
    typnotnull: false,
    typbasetype: 0,
    typtypmod: -1,
    typndims: 0,
  };
}

let builtinRows: SystemRow[] | undefined;

function builtinTypeRows(): SystemRow[] {
  builtinRows ??= builtinTypes.map((t) => ({
    ...typeRow(t.oid, t.typname, NAMESPACE_PG_CATALOG),
    typlen: t.typlen,
    typbyval: t.typbyval,
    typtype: t.typtype,
    typcategory: t.typcategory,
    typispreferred: t.typispreferred,
    typelem: t.typelem,
    typarray: t.typarray,
    typinput: t.io[0]?.[1] ?? 0,
    typoutput: t.io[1]?.[1] ?? 0,
    typreceive: t.io[2]?.[1] ?? 0,
    typsend: t.io[3]?.[1] ?? 0,
    typalign: t.typalign,
    typstorage: t.typstorage,
    typcollation: t.typcollation,
  }));
  return builtinRows;
}

export function pgTypeRows(catalog: Catalog): SystemRow[] {
  const enums = catalog.allEnumTypes().map((e) => ({
    ...typeRow(e.oid, e.name, NAMESPACE_PUBLIC),
    typlen: 4,
    typbyval: true,
    typtype: 'e',
    typcategory: 'E',
    typispreferred: false,
    typelem: 0,
    typarray: 0,
    typinput: enumIo[0],
    typoutput: enumIo[1],
    typreceive: enumIo[2],
    typsend: enumIo[3],
    typalign: 'i',
    typstorage: 'p',
    typcollation: 0,
  }));
  return [...builtinTypeRows(), ...enums];
}

/** One row per label, in declaration order. */
export function pgEnumRows(catalog: Catalog): SystemRow[] {
  return catalog.allEnumTypes().flatMap((e) =>
    e.labels.map((label, i) => ({
      oid: derivedOid(catalog, e, `label:${i}`),
      enumtypid: e.oid,
      enumsortorder: i + 1,
      enumlabel: label,
    })),
  );
}

export function pgCollationRows(): SystemRow[] {
  return [
    [COLLATION_DEFAULT, 'default', 'd'],
    [950, 'C', 'c'],
    [951, 'POSIX', 'c'],
  ].map(([oid, collname, collprovider]) => ({
    oid,
    collname,
    collnamespace: NAMESPACE_PG_CATALOG,
    collowner: ROLE_OID,
    collprovider,
    collisdeterministic: true,
    collencoding: -1,
    collcollate: collname === 'default' ? null : collname,
    collctype: collname === 'default' ? null : collname,
  }));
}
