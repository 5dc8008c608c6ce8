/**
 * @module catalog/system/oids
 * The object ids the system catalogs show. Built-in objects keep PostgreSQL 15's oids; a user
 * relation or enum is 100000 + its catalog id (one counter serves both, so they never collide);
 * objects Eddy's catalog keeps no id for (indexes, primary keys, defaults) get an oid from 10^9 on,
 * fixed per object for the catalog's lifetime.
 */
import type { Catalog } from '../catalog.ts';

export const NAMESPACE_PG_CATALOG = 11;
export const NAMESPACE_PUBLIC = 2200;
export const NAMESPACE_INFORMATION_SCHEMA = 13207;
export const NAMESPACE_PG_TOAST = 99;

export const namespaces: readonly (readonly [oid: number, name: string])[] = [
  [NAMESPACE_PG_CATALOG, 'pg_catalog'],
  [NAMESPACE_PUBLIC, 'public'],
  [NAMESPACE_INFORMATION_SCHEMA, 'information_schema'],
  [NAMESPACE_PG_TOAST, 'pg_toast'],
];

/** The one role (a superuser) and the one database. */
export const ROLE_OID = 10;
export const ROLE_NAME = 'eddy';
export const DATABASE_OID = 16384;
export const DATABASE_NAME = 'eddy';

export const AM_HEAP = 2;
export const AM_BTREE = 403;
export const COLLATION_DEFAULT = 100;
/** btree opclass of each indexed type is not modelled: every index column reports this one. */
export const OPCLASS_DEFAULT = 1978;

const USER_OID_BASE = 100_000;
const DERIVED_OID_BASE = 1_000_000_000;

/** The oid of a user relation (table, source, view, materialized view) with catalog id `id`. */
export function relationOid(id: number): number {
  return USER_OID_BASE + id;
}

/** The catalog id of a user relation oid, or undefined when `oid` is not in the user range. */
export function relationIdOfOid(oid: number): number | undefined {
  return oid > USER_OID_BASE && oid < DERIVED_OID_BASE ? oid - USER_OID_BASE : undefined;
}

interface DerivedOids {
  next: number;
  readonly byOwner: WeakMap<object, Map<string, number>>;
}

const derived = new WeakMap<Catalog, DerivedOids>();

/**
 * The oid of an object the catalog keeps no id for: the `role` of `owner` (an index entry's
 * 'index', a relation's 'pkey', 'pkey-constraint', 'default:3'), assigned on first use.
 */
export function derivedOid(catalog: Catalog, owner: object, role: string): number {
  let state = derived.get(catalog);
  if (!state) {
    state = { next: DERIVED_OID_BASE, byOwner: new WeakMap() };
    derived.set(catalog, state);
  }
  let roles = state.byOwner.get(owner);
  if (!roles) {
    roles = new Map();
    state.byOwner.set(owner, roles);
  }
  let oid = roles.get(role);
  if (oid === undefined) {
    oid = state.next++;
    roles.set(role, oid);
  }
  return oid;
}
