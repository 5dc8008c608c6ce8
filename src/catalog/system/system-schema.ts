/**
 * @module catalog/system/system-schema
 * Turns a system relation's PostgreSQL column list (`relname name, relkind "char", …`) into an
 * Eddy schema. Catalog types without an Eddy counterpart take the nearest one: every oid and reg*
 * type is an int8 holding the oid, name / "char" / pg_node_tree and the information_schema
 * domains are text, oidvector and int2vector are arrays (1-based, unlike PostgreSQL's).
 */
import { assert } from '../../common/errors.ts';
import { arrayOf, type SqlType, T } from '../../common/types.ts';
import type { Column } from '../../plan/logical.ts';

/** PostgreSQL's oid, relkind ('r' catalog table, 'v' view) and column list of a system relation. */
export type ColumnSpec = readonly [oid: number, relkind: 'r' | 'v', columns: string];

const int8Array = arrayOf(T.int8);
const textArray = arrayOf(T.text);

const catalogTypes: Readonly<Record<string, SqlType>> = {
  oid: T.int8,
  regproc: T.int8,
  regtype: T.int8,
  xid: T.int8,
  name: T.text,
  text: T.text,
  '"char"': T.text,
  pg_node_tree: T.text,
  inet: T.text,
  anyarray: T.text,
  sql_identifier: T.text,
  character_data: T.text,
  yes_or_no: T.text,
  cardinal_number: T.int4,
  time_stamp: T.timestamptz,
  boolean: T.bool,
  smallint: T.int2,
  integer: T.int4,
  bigint: T.int8,
  real: T.float4,
  'double precision': T.float8,
  'timestamp with time zone': T.timestamptz,
  interval: T.interval,
  bytea: T.bytea,
  'oid[]': int8Array,
  'regtype[]': int8Array,
  oidvector: int8Array,
  int2vector: arrayOf(T.int2),
  'smallint[]': arrayOf(T.int2),
  'text[]': textArray,
  'aclitem[]': textArray,
  '"char"[]': textArray,
};

/** The Eddy columns of a PostgreSQL column list; every system column is nullable. */
export function parseColumns(list: string): Column[] {
  return list.split(',').map((item) => {
    const text = item.trim();
    const space = text.indexOf(' ');
    const name = text.slice(0, space);
    const pgType = text.slice(space + 1);
    const type = catalogTypes[pgType];
    assert(type, `system column ${name} has unmapped type ${pgType}`);
    return { name, type, nullable: true };
  });
}
