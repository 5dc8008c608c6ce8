/**
 * @module catalog/system/resolve
 * Name resolution for relations in FROM, as PostgreSQL's search path would do it with Eddy's one
 * user schema: `public.x` and `x` are user relations, `pg_catalog.x` and `information_schema.x`
 * system ones, and an unqualified pg_catalog name not taken by a user relation is the system one.
 */
import { SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import type { Catalog } from '../catalog.ts';
import { type SystemRelationDef, systemRelationDef } from './system-relations.ts';

function getPlan(def: SystemRelationDef): LogicalPlan {
  return { kind: 'get', relationId: def.id, name: def.name, schema: def.schema };
}

/**
 * The plan reading system relation `schemaName.name`, or undefined when the name is a user
 * relation's (the caller resolves it in the catalog). Unknown schemas raise 42P01.
 */
export function resolveSystemRelation(
  schemaName: string | undefined,
  name: string,
  catalog: Catalog,
  position?: number,
): LogicalPlan | undefined {
  if (schemaName === undefined || schemaName === '') {
    if (catalog.relation(name)) return undefined;
    const def = systemRelationDef('pg_catalog', name);
    return def ? getPlan(def) : undefined;
  }
  if (schemaName === 'public') return undefined;
  if (schemaName === 'pg_catalog' || schemaName === 'information_schema') {
    const def = systemRelationDef(schemaName, name);
    if (def) return getPlan(def);
  }
  throw new UndefinedObjectError(SqlState.undefinedTable, `relation "${schemaName}.${name}" does not exist`, {
    position,
  });
}
