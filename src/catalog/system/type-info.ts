/**
 * @module catalog/system/type-info
 * How an Eddy type appears in pg_attribute and pg_type (oid, typmod, length, alignment,
 * collation) and PostgreSQL's format_type over type oids and typmods, for built-in types and the
 * catalog's enums.
 */

import { type EnumType, type SqlType, typeOid } from '../../common/types.ts';
import type { Catalog } from '../catalog.ts';
import { builtinTypeByOid } from './builtin-types.ts';
import { COLLATION_DEFAULT } from './oids.ts';
import { quoteIdent } from './user-objects.ts';

export interface AttributeType {
  readonly oid: number;
  readonly typmod: number;
  readonly typlen: number;
  readonly typbyval: boolean;
  readonly typalign: string;
  readonly typstorage: string;
  readonly collation: number;
  readonly ndims: number;
}

/** PostgreSQL's typmod: varchar(n) and char(n) are n + 4, numeric(p,s) is (p << 16 | s) + 4, else -1. */
export function typmodOf(type: SqlType): number {
  if (type.id === 'array') return typmodOf(type.element);
  if ((type.id === 'varchar' || type.id === 'bpchar') && type.maxLength !== undefined)
    return type.maxLength + 4;
  if (type.id === 'numeric' && type.precision !== undefined)
    return ((type.precision << 16) | (type.scale ?? 0)) + 4;
  return -1;
}

export function attributeType(type: SqlType): AttributeType {
  const oid = typeOid(type);
  const builtin = builtinTypeByOid.get(oid);
  const isString = type.id === 'text' || type.id === 'varchar' || type.id === 'bpchar';
  const elementIsString =
    type.id === 'array' &&
    (type.element.id === 'text' || type.element.id === 'varchar' || type.element.id === 'bpchar');
  return {
    oid,
    typmod: typmodOf(type),
    typlen: builtin?.typlen ?? 4,
    typbyval: builtin?.typbyval ?? true,
    typalign: builtin?.typalign ?? 'i',
    typstorage: builtin?.typstorage ?? 'p',
    collation: isString || elementIsString ? COLLATION_DEFAULT : 0,
    ndims: type.id === 'array' ? (type.declaredDims ?? 1) : 0,
  };
}

const timePrecisionTypes: Readonly<Record<number, readonly [string, string]>> = {
  1083: ['time', ' without time zone'],
  1114: ['timestamp', ' without time zone'],
  1184: ['timestamp', ' with time zone'],
};

/** format_type(oid, typmod) for a built-in or enum type; `???` when the oid names no type. */
export function formatType(catalog: Catalog, oid: number, typmod: number | null): string {
  const builtin = builtinTypeByOid.get(oid);
  if (!builtin) {
    const e = enumByOid(catalog, oid);
    return e ? quoteIdent(e.name) : '???';
  }
  if (builtin.typcategory === 'A' && builtin.typelem !== 0 && builtin.typname.startsWith('_')) {
    return `${formatType(catalog, builtin.typelem, typmod)}[]`;
  }
  const mod = typmod ?? -1;
  switch (oid) {
    case 1042:
      // An explicit -1 prints the internal name: char without a length would mean char(1).
      if (typmod !== null && typmod < 0) return 'bpchar';
      return mod >= 4 ? `character(${mod - 4})` : 'character';
    case 1043:
      return mod >= 4 ? `character varying(${mod - 4})` : 'character varying';
    case 1700:
      return mod >= 4 ? `numeric(${((mod - 4) >> 16) & 0xffff},${(mod - 4) & 0xffff})` : 'numeric';
  }
  const timeType = timePrecisionTypes[oid];
  if (timeType && mod >= 0) return `${timeType[0]}(${mod})${timeType[1]}`;
  return builtin.formatName;
}

export function enumByOid(catalog: Catalog, oid: number): EnumType | undefined {
  return catalog.allEnumTypes().find((t) => t.oid === oid);
}
