/**
 * @module catalog/system/information-schema
 * The SQL-standard information_schema views over Eddy's catalog: schemata, tables, columns,
 * views, table_constraints, key_column_usage, constraint_column_usage and the one-row views
 * (catalog name, roles, character set). Values follow PostgreSQL 15's definitions of these views.
 */
import type { SqlType } from '../../common/types.ts';
import type { Column } from '../../plan/logical.ts';
import type { Catalog, RelationEntry, ViewEntry } from '../catalog.ts';
import { builtinTypeByOid } from './builtin-types.ts';
import { DATABASE_NAME, namespaces, ROLE_NAME } from './oids.ts';
import { type SystemRelationDef, systemRelationDefs } from './system-relations.ts';
import type { SystemRow } from './system-row.ts';
import { attributeType, formatType } from './type-info.ts';
import { defaultText, userDefaults, userIndexes, viewDefinition } from './user-objects.ts';

const yes = (b: boolean): string => (b ? 'YES' : 'NO');

export function schemataRows(): SystemRow[] {
  return namespaces.map(([, name]) => ({
    catalog_name: DATABASE_NAME,
    schema_name: name,
    schema_owner: ROLE_NAME,
  }));
}

function tableType(r: RelationEntry): string {
  return r.kind === 'view' || r.kind === 'materializedView' ? 'VIEW' : 'BASE TABLE';
}

export function tablesRows(catalog: Catalog): SystemRow[] {
  // PostgreSQL leaves materialized views out of information_schema.tables.
  const user = catalog
    .allRelations()
    .filter((r) => r.kind !== 'materializedView')
    .map((r) => ({ schema: 'public', name: r.name, type: tableType(r), insertable: r.kind === 'table' }));
  const system = systemRelationDefs.map((d) => ({
    schema: d.schemaName,
    name: d.name,
    type: d.relkind === 'v' ? 'VIEW' : 'BASE TABLE',
    insertable: false,
  }));
  return [...user, ...system].map((t) => ({
    table_catalog: DATABASE_NAME,
    table_schema: t.schema,
    table_name: t.name,
    table_type: t.type,
    is_insertable_into: yes(t.insertable),
    is_typed: 'NO',
  }));
}

export function viewsRows(catalog: Catalog): SystemRow[] {
  return catalog
    .allRelations()
    .filter((r): r is ViewEntry => r.kind === 'view')
    .map((r) => ({
      table_catalog: DATABASE_NAME,
      table_schema: 'public',
      table_name: r.name,
      view_definition: viewDefinition(r),
      check_option: 'NONE',
      is_updatable: 'NO',
      is_insertable_into: 'NO',
      is_trigger_updatable: 'NO',
      is_trigger_deletable: 'NO',
      is_trigger_insertable_into: 'NO',
    }));
}

/** data_type, udt_name and the precision columns of one column's type. */
function typeColumns(catalog: Catalog, type: SqlType): SystemRow {
  const t = attributeType(type);
  const udt = builtinTypeByOid.get(t.oid);
  if (type.id === 'enum') {
    return { data_type: 'USER-DEFINED', udt_schema: 'public', udt_name: type.name };
  }
  const base: SystemRow = {
    data_type: type.id === 'array' ? 'ARRAY' : formatType(catalog, t.oid, null),
    udt_schema: 'pg_catalog',
    udt_name: udt?.typname ?? null,
  };
  switch (type.id) {
    case 'varchar':
    case 'bpchar':
      return {
        ...base,
        character_maximum_length: type.maxLength ?? null,
        character_octet_length: type.maxLength === undefined ? 1073741824 : type.maxLength * 4,
      };
    case 'text':
      return { ...base, character_octet_length: 1073741824 };
    case 'int2':
    case 'int4':
    case 'int8': {
      const bits = type.id === 'int2' ? 16 : type.id === 'int4' ? 32 : 64;
      return { ...base, numeric_precision: bits, numeric_precision_radix: 2, numeric_scale: 0 };
    }
    case 'float4':
    case 'float8':
      return { ...base, numeric_precision: type.id === 'float4' ? 24 : 53, numeric_precision_radix: 2 };
    case 'numeric':
      return {
        ...base,
        numeric_precision: type.precision ?? null,
        numeric_precision_radix: 10,
        numeric_scale: type.precision === undefined ? null : (type.scale ?? 0),
      };
    case 'date':
      return { ...base, datetime_precision: 0 };
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
      return { ...base, datetime_precision: 6 };
    default:
      return base;
  }
}

function columnRow(
  catalog: Catalog,
  schema: string,
  table: string,
  c: Column,
  i: number,
  updatable: boolean,
): SystemRow {
  return {
    table_catalog: DATABASE_NAME,
    table_schema: schema,
    table_name: table,
    column_name: c.name,
    ordinal_position: i + 1,
    is_nullable: yes(c.nullable),
    udt_catalog: DATABASE_NAME,
    ...typeColumns(catalog, c.type),
    dtd_identifier: String(i + 1),
    is_self_referencing: 'NO',
    is_identity: 'NO',
    identity_cycle: 'NO',
    is_generated: 'NEVER',
    is_updatable: yes(updatable),
  };
}

let systemColumns: SystemRow[] | undefined;

export function columnsRows(catalog: Catalog): SystemRow[] {
  const defaults = new Map(userDefaults(catalog).map((d) => [`${d.relation.id}:${d.attnum}`, d.expr]));
  const rows: SystemRow[] = [];
  for (const r of catalog.allRelations()) {
    r.schema.forEach((c, i) => {
      const expr = defaults.get(`${r.id}:${i + 1}`);
      rows.push({
        ...columnRow(catalog, 'public', r.name, c, i, r.kind === 'table'),
        column_default: expr ? defaultText(expr) : null,
      });
    });
  }
  systemColumns ??= systemRelationDefs.flatMap((d: SystemRelationDef) =>
    d.schema.map((c, i) => columnRow(catalog, d.schemaName, d.name, c, i, false)),
  );
  return [...rows, ...systemColumns];
}

function constraintBase(name: string, table: string): SystemRow {
  return {
    constraint_catalog: DATABASE_NAME,
    constraint_schema: 'public',
    constraint_name: name,
    table_catalog: DATABASE_NAME,
    table_schema: 'public',
    table_name: table,
  };
}

export function tableConstraintsRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog)
    .filter((i) => i.primary)
    .map((i) => ({
      ...constraintBase(i.name, i.relation.name),
      constraint_type: 'PRIMARY KEY',
      is_deferrable: 'NO',
      initially_deferred: 'NO',
      enforced: 'YES',
      nulls_distinct: 'YES',
    }));
}

export function keyColumnUsageRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog)
    .filter((i) => i.primary)
    .flatMap((i) =>
      i.columns.map((c, k) => ({
        ...constraintBase(i.name, i.relation.name),
        column_name: i.relation.schema[c]!.name,
        ordinal_position: k + 1,
      })),
    );
}

export function constraintColumnUsageRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog)
    .filter((i) => i.primary)
    .flatMap((i) =>
      i.columns.map((c) => ({
        ...constraintBase(i.name, i.relation.name),
        column_name: i.relation.schema[c]!.name,
      })),
    );
}

export function oneRowViews(): Record<string, SystemRow[]> {
  return {
    information_schema_catalog_name: [{ catalog_name: DATABASE_NAME }],
    enabled_roles: [{ role_name: ROLE_NAME }],
    applicable_roles: [],
    character_sets: [
      {
        character_set_catalog: null,
        character_set_schema: null,
        character_set_name: 'UTF8',
        character_repertoire: 'UCS',
        form_of_use: 'UTF8',
        default_collate_catalog: DATABASE_NAME,
        default_collate_schema: 'pg_catalog',
        default_collate_name: 'C.UTF-8',
      },
    ],
  };
}
