/**
 * @module catalog/system/pg-views
 * The convenience views over the catalog: pg_tables, pg_views, pg_matviews and pg_indexes, for
 * the user's relations (schema public) and the system relations themselves.
 */

import { sourceTarget } from '../../connectors/source-spec.ts';
import type { Catalog, ViewEntry } from '../catalog.ts';
import { ROLE_NAME } from './oids.ts';
import { systemRelationDefs } from './system-relations.ts';
import type { SystemRow } from './system-row.ts';
import { indexDefinition, userIndexes, viewDefinition } from './user-objects.ts';

function indexedRelations(catalog: Catalog): Set<number> {
  return new Set(userIndexes(catalog).map((i) => i.relation.id));
}

export function pgTablesRows(catalog: Catalog): SystemRow[] {
  const indexed = indexedRelations(catalog);
  const user = catalog
    .allRelations()
    .filter((r) => r.kind === 'table' || r.kind === 'source')
    .map((r) => ({ schemaname: 'public', tablename: r.name, hasindexes: indexed.has(r.id) }));
  const system = systemRelationDefs
    .filter((d) => d.relkind === 'r')
    .map((d) => ({ schemaname: d.schemaName, tablename: d.name, hasindexes: false }));
  return [...user, ...system].map((r) => ({
    ...r,
    tableowner: ROLE_NAME,
    hasrules: false,
    hastriggers: false,
    rowsecurity: false,
  }));
}

export function pgViewsRows(catalog: Catalog): SystemRow[] {
  const user = catalog
    .allRelations()
    .filter((r): r is ViewEntry => r.kind === 'view')
    .map((r) => ({ schemaname: 'public', viewname: r.name, definition: viewDefinition(r) }));
  const system = systemRelationDefs
    .filter((d) => d.relkind === 'v')
    .map((d) => ({ schemaname: d.schemaName, viewname: d.name, definition: null }));
  return [...user, ...system].map((r) => ({ ...r, viewowner: ROLE_NAME }));
}

export function pgMatviewsRows(catalog: Catalog): SystemRow[] {
  const indexed = indexedRelations(catalog);
  return catalog
    .allRelations()
    .filter((r): r is ViewEntry => r.kind === 'materializedView')
    .map((r) => ({
      schemaname: 'public',
      matviewname: r.name,
      matviewowner: ROLE_NAME,
      hasindexes: indexed.has(r.id),
      ispopulated: !catalog.hydrating.has(r.id),
      definition: viewDefinition(r),
    }));
}

export function pgIndexesRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog).map((i) => ({
    schemaname: 'public',
    tablename: i.relation.name,
    indexname: i.name,
    indexdef: indexDefinition(i),
  }));
}

/** Eddy's own: the background hydration of new materialized views, one row per view still hydrating. */
export function eddyViewStepsRows(catalog: Catalog): SystemRow[] {
  return [...catalog.stepOverruns].map(([id, o]) => ({
    view: catalog.relationById(id).name,
    over_budget: o.count,
    last_step: o.lastStep,
    last_ms: Math.round(o.lastMs * 10) / 10,
  }));
}

export function eddyHydrationRows(catalog: Catalog): SystemRow[] {
  return [...catalog.hydrating].map(([id, h]) => ({
    view: catalog.relationById(id).name,
    done: h.done,
    total: h.total,
    percent: h.total === 0 ? 100 : Math.floor((h.done / h.total) * 1000) / 10,
  }));
}

/** Connector sources with their progress; a source not yet polled shows as starting. */
export function eddySourcesRows(catalog: Catalog): SystemRow[] {
  return catalog.allRelations().flatMap((r) => {
    if (r.kind !== 'source' || r.connector === undefined) return [];
    const status = catalog.sourceStatus.get(r.id);
    const positions =
      status?.positionText ?? [...(status?.positions ?? [])].map(([p, next]) => `${p}:${next}`).join(',');
    return [
      {
        source: r.name,
        connector: r.connector.connector,
        topic: sourceTarget(r.connector),
        state: status?.state ?? 'starting',
        positions,
        lag: status?.lag ?? 0,
        records: status?.records ?? 0,
        dead_letters: status?.deadLetters ?? 0,
        read_errors: status?.errors ?? 0,
        last_error: status?.lastError ?? null,
      },
    ];
  });
}

export function eddySinksRows(catalog: Catalog): SystemRow[] {
  return catalog.allSinks().map((s) => {
    const status = catalog.sinkStatus.get(s.id);
    let relation: string | null = null;
    try {
      relation = catalog.relationById(s.relationId).name;
    } catch {
      // dropped by a transaction that has not committed yet
    }
    return {
      sink: s.name,
      connector: s.spec.connector,
      relation,
      state: status?.state ?? 'starting',
      position: status?.position ?? null,
      lag: status?.lag ?? null,
      deliveries: status?.deliveries ?? 0,
      rows: status?.rows ?? 0,
      bytes: status?.bytes ?? 0,
      errors: status?.errors ?? 0,
      last_error: status?.lastError ?? null,
    };
  });
}
