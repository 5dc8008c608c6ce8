/**
 * @module common/types
 * SQL types as the binder and the engine see them, with their PostgreSQL names and OIDs.
 * A type is a small immutable object; scalar types are shared singletons, so `a === b` works for
 * them (use `sameType` when arrays or enums may be involved).
 */

export type ScalarTypeId =
  | 'bool'
  | 'int2'
  | 'int4'
  | 'int8'
  | 'numeric'
  | 'float4'
  | 'float8'
  | 'text'
  | 'varchar'
  /** char(n), `character(n)`: blank-padded; values are stored padded to n (common/bpchar.ts). */
  | 'bpchar'
  | 'bytea'
  | 'uuid'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'jsonb'
  /** The type of a string literal or NULL before context decides (PostgreSQL's `unknown`). */
  | 'unknown';

export interface ScalarType {
  readonly id: ScalarTypeId;
  /** varchar(n) and char(n) length, numeric(p,s) precision and scale; absent when unconstrained. */
  readonly maxLength?: number;
  readonly precision?: number;
  readonly scale?: number;
}

/**
 * An array of any number of dimensions, as in PostgreSQL (`int[]` and `int[][]` are one type):
 * the dimensions belong to each value (functions/array-dims.ts), so `element` is never an array.
 */
export interface ArrayType {
  readonly id: 'array';
  readonly element: SqlType;
  /**
   * The dimensions a column was declared with (`int[][]`: 2), kept only for pg_attribute's
   * attndims as PostgreSQL does; nothing else reads it and it never makes two types differ.
   */
  readonly declaredDims?: number;
}

/** A user-defined enum. Values are carried as their label text; ordering follows `labels`. */
export interface EnumType {
  readonly id: 'enum';
  readonly name: string;
  readonly labels: readonly string[];
  readonly oid: number;
}

export type SqlType = ScalarType | ArrayType | EnumType;

function scalar(id: ScalarTypeId): ScalarType {
  return Object.freeze({ id });
}

/** The shared scalar type singletons. */
export const T = {
  bool: scalar('bool'),
  int2: scalar('int2'),
  int4: scalar('int4'),
  int8: scalar('int8'),
  numeric: scalar('numeric'),
  float4: scalar('float4'),
  float8: scalar('float8'),
  text: scalar('text'),
  varchar: scalar('varchar'),
  bpchar: scalar('bpchar'),
  bytea: scalar('bytea'),
  uuid: scalar('uuid'),
  date: scalar('date'),
  time: scalar('time'),
  timestamp: scalar('timestamp'),
  timestamptz: scalar('timestamptz'),
  interval: scalar('interval'),
  jsonb: scalar('jsonb'),
  unknown: scalar('unknown'),
} as const satisfies Record<ScalarTypeId, ScalarType>;

/** The array type of `element`; an array of arrays is the same array type (int[][] is int[]). */
export function arrayOf(element: SqlType): ArrayType {
  if (element.id === 'array') return element;
  return Object.freeze({ id: 'array', element });
}

export function varchar(maxLength: number): ScalarType {
  return Object.freeze({ id: 'varchar', maxLength });
}

/** char(n): `character(n)`, blank-padded to n on output. */
export function bpchar(length: number): ScalarType {
  return Object.freeze({ id: 'bpchar', maxLength: length });
}

/** The type without its modifier: varchar(5) → varchar, char(3) → bpchar, numeric(5,2) → numeric. */
export function withoutTypmod(type: SqlType): SqlType {
  if (type.id === 'array') return arrayOf(withoutTypmod(type.element));
  if (type.id === 'enum') return type;
  return T[type.id];
}

export function numeric(precision: number, scale: number): ScalarType {
  return Object.freeze({ id: 'numeric', precision, scale });
}

/** PostgreSQL type OIDs, for the wire protocol and pg_catalog. */
const scalarOids: Record<ScalarTypeId, number> = {
  bool: 16,
  int2: 21,
  int4: 23,
  int8: 20,
  numeric: 1700,
  float4: 700,
  float8: 701,
  text: 25,
  varchar: 1043,
  bpchar: 1042,
  bytea: 17,
  uuid: 2950,
  date: 1082,
  time: 1083,
  timestamp: 1114,
  timestamptz: 1184,
  interval: 1186,
  jsonb: 3802,
  unknown: 705,
};

const arrayOids: Partial<Record<ScalarTypeId, number>> = {
  bool: 1000,
  int2: 1005,
  int4: 1007,
  int8: 1016,
  numeric: 1231,
  float4: 1021,
  float8: 1022,
  text: 1009,
  varchar: 1015,
  bpchar: 1014,
  bytea: 1001,
  uuid: 2951,
  date: 1182,
  time: 1183,
  timestamp: 1115,
  timestamptz: 1185,
  interval: 1187,
  jsonb: 3807,
};

export function typeOid(type: SqlType): number {
  switch (type.id) {
    case 'array': {
      const element = type.element as ScalarType | EnumType;
      return element.id === 'enum' ? 2277 : (arrayOids[element.id] ?? 2277);
    }
    case 'enum':
      return type.oid;
    default:
      return scalarOids[type.id];
  }
}

/** The name PostgreSQL prints for a type (`format_type`), e.g. `integer`, `character varying(10)`. */
export function typeName(type: SqlType): string {
  switch (type.id) {
    case 'array':
      return `${typeName(type.element)}[]`;
    case 'enum':
      return type.name;
    case 'varchar':
      return type.maxLength === undefined ? 'character varying' : `character varying(${type.maxLength})`;
    case 'bpchar':
      return type.maxLength === undefined ? 'character' : `character(${type.maxLength})`;
    case 'numeric':
      return type.precision === undefined ? 'numeric' : `numeric(${type.precision},${type.scale ?? 0})`;
    default:
      return scalarNames[type.id];
  }
}

const scalarNames: Record<ScalarTypeId, string> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float4: 'real',
  float8: 'double precision',
  text: 'text',
  varchar: 'character varying',
  bpchar: 'character',
  bytea: 'bytea',
  uuid: 'uuid',
  date: 'date',
  time: 'time without time zone',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  jsonb: 'jsonb',
  unknown: 'unknown',
};

export function sameType(a: SqlType, b: SqlType): boolean {
  if (a === b) return true;
  if (a.id !== b.id) return false;
  if (a.id === 'array') return sameType(a.element, (b as ArrayType).element);
  if (a.id === 'enum') return a.oid === (b as EnumType).oid;
  return true;
}

/** PostgreSQL type categories, used by operator and function resolution. */
export type TypeCategory = 'B' | 'N' | 'S' | 'D' | 'T' | 'U' | 'A' | 'E' | 'X';

export function typeCategory(type: SqlType): TypeCategory {
  switch (type.id) {
    case 'bool':
      return 'B';
    case 'int2':
    case 'int4':
    case 'int8':
    case 'numeric':
    case 'float4':
    case 'float8':
      return 'N';
    case 'text':
    case 'varchar':
    case 'bpchar':
      return 'S';
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'D';
    case 'interval':
      return 'T';
    case 'array':
      return 'A';
    case 'enum':
      return 'E';
    case 'unknown':
      return 'X';
    default:
      return 'U';
  }
}

export function isNumeric(type: SqlType): boolean {
  return typeCategory(type) === 'N';
}

export function isInteger(type: SqlType): boolean {
  return type.id === 'int2' || type.id === 'int4' || type.id === 'int8';
}

export function isStringType(type: SqlType): boolean {
  return type.id === 'text' || type.id === 'varchar' || type.id === 'bpchar' || type.id === 'unknown';
}
