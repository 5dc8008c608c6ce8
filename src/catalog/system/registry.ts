/**
 * @module catalog/system/registry
 * The system relations' contents: a producer per relation computes its rows from the catalog at
 * read time (nothing is stored, so they are always current). Relations without a producer model
 * features Eddy lacks (triggers, policies, publications, …) and are empty.
 */
import { assert } from '../../common/errors.ts';
import type { Value } from '../../common/value.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { readRelations } from '../../plan/plan-visit.ts';
import type { Catalog } from '../catalog.ts';
import * as I from './information-schema.ts';
import * as C from './pg-class.ts';
import { pgLanguageRows, pgProcRows } from './pg-proc.ts';
import * as S from './pg-server.ts';
import { pgCollationRows, pgEnumRows, pgTypeRows } from './pg-type.ts';
import * as V from './pg-views.ts';
import { systemRelationById } from './system-relations.ts';
import { type SystemRow, toRows } from './system-row.ts';

type Producer = (catalog: Catalog) => readonly SystemRow[];

const oneRow = I.oneRowViews();

const producers: Readonly<Record<string, Producer>> = {
  'pg_catalog.pg_namespace': C.pgNamespaceRows,
  'pg_catalog.pg_class': C.pgClassRows,
  'pg_catalog.pg_attribute': C.pgAttributeRows,
  'pg_catalog.pg_attrdef': C.pgAttrdefRows,
  'pg_catalog.pg_index': C.pgIndexRows,
  'pg_catalog.pg_constraint': C.pgConstraintRows,
  'pg_catalog.pg_am': C.pgAmRows,
  'pg_catalog.pg_type': pgTypeRows,
  'pg_catalog.pg_enum': pgEnumRows,
  'pg_catalog.pg_collation': pgCollationRows,
  'pg_catalog.pg_proc': pgProcRows,
  'pg_catalog.pg_language': pgLanguageRows,
  'pg_catalog.pg_database': S.pgDatabaseRows,
  'pg_catalog.pg_roles': S.pgRolesRows,
  'pg_catalog.pg_authid': S.pgAuthidRows,
  'pg_catalog.pg_user': S.pgUserRows,
  'pg_catalog.pg_shadow': S.pgUserRows,
  'pg_catalog.pg_tablespace': S.pgTablespaceRows,
  'pg_catalog.pg_settings': S.pgSettingsRows,
  'pg_catalog.pg_tables': V.pgTablesRows,
  'pg_catalog.pg_views': V.pgViewsRows,
  'pg_catalog.pg_matviews': V.pgMatviewsRows,
  'pg_catalog.eddy_hydration': V.eddyHydrationRows,
  'pg_catalog.eddy_view_steps': V.eddyViewStepsRows,
  'pg_catalog.eddy_sources': V.eddySourcesRows,
  'pg_catalog.eddy_sinks': V.eddySinksRows,
  'pg_catalog.pg_indexes': V.pgIndexesRows,
  'information_schema.schemata': I.schemataRows,
  'information_schema.tables': I.tablesRows,
  'information_schema.columns': I.columnsRows,
  'information_schema.views': I.viewsRows,
  'information_schema.table_constraints': I.tableConstraintsRows,
  'information_schema.key_column_usage': I.keyColumnUsageRows,
  'information_schema.constraint_column_usage': I.constraintColumnUsageRows,
  ...Object.fromEntries(
    Object.entries(oneRow).map(([name, rows]) => [`information_schema.${name}`, () => rows]),
  ),
};

/** The current rows of system relation `id` (negative), computed from `catalog`. */
export function readSystemRelation(catalog: Catalog, id: number): Value[][] {
  const def = systemRelationById(id);
  assert(def, `system relation ${id} exists`);
  const producer = producers[`${def.schemaName}.${def.name}`];
  return producer ? toRows(def.schema, producer(catalog)) : [];
}

/** True for the ids of system relations (what `get` nodes over them carry). */
export function isSystemRelationId(id: number): boolean {
  return id < 0;
}

/** True when `plan` reads a system relation anywhere (subqueries included). */
export function readsSystemRelations(plan: LogicalPlan): boolean {
  for (const id of readRelations(plan)) if (isSystemRelationId(id)) return true;
  return false;
}
