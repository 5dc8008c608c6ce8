/**
 * @module catalog/system/system-relations
 * The system relations' identities: schema, name, PostgreSQL oid, relkind and Eddy schema, with
 * a negative relation id each (user relation ids are positive, so the two never collide).
 * Contents are computed by the producers in registry.ts.
 */
import type { Column } from '../../plan/logical.ts';
import { informationSchemaColumns } from './information-schema-columns.ts';
import { NAMESPACE_INFORMATION_SCHEMA, NAMESPACE_PG_CATALOG } from './oids.ts';
import { pgCatalogColumns } from './pg-catalog-columns.ts';
import { type ColumnSpec, parseColumns } from './system-schema.ts';

export type SystemSchemaName = 'pg_catalog' | 'information_schema';

export interface SystemRelationDef {
  /** Negative: the relation id `get` plans carry. */
  readonly id: number;
  readonly oid: number;
  readonly schemaName: SystemSchemaName;
  readonly namespaceOid: number;
  readonly name: string;
  readonly relkind: 'r' | 'v';
  readonly schema: readonly Column[];
}

function defs(
  specs: Readonly<Record<string, ColumnSpec>>,
  schemaName: SystemSchemaName,
  namespaceOid: number,
  firstId: number,
): SystemRelationDef[] {
  return Object.entries(specs).map(([name, [oid, relkind, columns]], i) => ({
    id: firstId - i,
    oid,
    schemaName,
    namespaceOid,
    name,
    relkind,
    schema: parseColumns(columns),
  }));
}

const pgCatalog = defs(pgCatalogColumns, 'pg_catalog', NAMESPACE_PG_CATALOG, -1);
const informationSchema = defs(
  informationSchemaColumns,
  'information_schema',
  NAMESPACE_INFORMATION_SCHEMA,
  -1 - pgCatalog.length,
);

export const systemRelationDefs: readonly SystemRelationDef[] = [...pgCatalog, ...informationSchema];

const byKey = new Map(systemRelationDefs.map((d) => [`${d.schemaName}.${d.name}`, d]));
const byId = new Map(systemRelationDefs.map((d) => [d.id, d]));
const byOid = new Map(systemRelationDefs.map((d) => [d.oid, d]));

export function systemRelationDef(schemaName: SystemSchemaName, name: string): SystemRelationDef | undefined {
  return byKey.get(`${schemaName}.${name}`);
}

export function systemRelationById(id: number): SystemRelationDef | undefined {
  return byId.get(id);
}

export function systemRelationByOid(oid: number): SystemRelationDef | undefined {
  return byOid.get(oid);
}
