/**
 * @module catalog/system/pg-class
 * pg_namespace, pg_class, pg_attribute, pg_attrdef, pg_index, pg_constraint and pg_am: the user's
 * relations, indexes and primary keys (with PostgreSQL's flag values for each relkind), and the
 * system relations themselves in pg_catalog and information_schema.
 */
import type { Catalog, RelationEntry } from '../catalog.ts';
import { AM_BTREE, AM_HEAP, NAMESPACE_PUBLIC, namespaces, OPCLASS_DEFAULT, ROLE_OID } from './oids.ts';
import { type SystemRelationDef, systemRelationDefs } from './system-relations.ts';
import type { SystemRow } from './system-row.ts';
import { attributeType } from './type-info.ts';
import {
  defaultText,
  relkindOf,
  type UserIndex,
  userDefaults,
  userIndexes,
  userRelationOid,
} from './user-objects.ts';

export function pgNamespaceRows(): SystemRow[] {
  return namespaces.map(([oid, nspname]) => ({ oid, nspname, nspowner: ROLE_OID }));
}

export function pgAmRows(): SystemRow[] {
  return [
    { oid: AM_HEAP, amname: 'heap', amhandler: 3, amtype: 't' },
    { oid: AM_BTREE, amname: 'btree', amhandler: 330, amtype: 'i' },
    { oid: 405, amname: 'hash', amhandler: 331, amtype: 'i' },
  ];
}

/** The columns every pg_class row shares; callers override what differs. */
function classRow(oid: number, relname: string, relnamespace: number, relkind: string): SystemRow {
  return {
    oid,
    relname,
    relnamespace,
    reltype: 0,
    reloftype: 0,
    relowner: ROLE_OID,
    relam: 0,
    relfilenode: 0,
    reltablespace: 0,
    relpages: 0,
    reltuples: -1,
    relallvisible: 0,
    reltoastrelid: 0,
    relhasindex: false,
    relisshared: false,
    relpersistence: 'p',
    relkind,
    relnatts: 0,
    relchecks: 0,
    relhasrules: false,
    relhastriggers: false,
    relhassubclass: false,
    relrowsecurity: false,
    relforcerowsecurity: false,
    relispopulated: true,
    relreplident: 'n',
    relispartition: false,
    relrewrite: 0,
  };
}

let systemClassRows: SystemRow[] | undefined;

function systemClass(d: SystemRelationDef): SystemRow {
  return {
    ...classRow(d.oid, d.name, d.namespaceOid, d.relkind),
    relam: d.relkind === 'r' ? AM_HEAP : 0,
    relnatts: d.schema.length,
    relhasrules: d.relkind === 'v',
  };
}

export function pgClassRows(catalog: Catalog): SystemRow[] {
  systemClassRows ??= systemRelationDefs.map(systemClass);
  const indexes = userIndexes(catalog);
  const indexed = new Set(indexes.map((i) => i.relation.id));
  const rows: SystemRow[] = catalog.allRelations().map((r) => {
    const relkind = relkindOf(r);
    return {
      ...classRow(userRelationOid(r), r.name, NAMESPACE_PUBLIC, relkind),
      relam: relkind === 'v' ? 0 : AM_HEAP,
      relnatts: r.schema.length,
      relhasindex: indexed.has(r.id),
      relhasrules: relkind !== 'r',
      relreplident: relkind === 'v' ? 'n' : 'd',
    };
  });
  for (const index of indexes) {
    rows.push({
      ...classRow(index.oid, index.name, NAMESPACE_PUBLIC, 'i'),
      relam: AM_BTREE,
      relpages: 1,
      reltuples: 0,
      relnatts: index.columns.length,
    });
  }
  return [...rows, ...systemClassRows];
}

function attributeRow(
  relid: number,
  attnum: number,
  name: string,
  type: RelationEntry['schema'][number],
): SystemRow {
  const t = attributeType(type.type);
  return {
    attrelid: relid,
    attname: name,
    atttypid: t.oid,
    attstattarget: -1,
    attlen: t.typlen,
    attnum,
    attndims: t.ndims,
    attcacheoff: -1,
    atttypmod: t.typmod,
    attbyval: t.typbyval,
    attalign: t.typalign,
    attstorage: t.typstorage,
    attcompression: '',
    attnotnull: !type.nullable,
    atthasdef: false,
    atthasmissing: false,
    attidentity: '',
    attgenerated: '',
    attisdropped: false,
    attislocal: true,
    attinhcount: 0,
    attcollation: t.collation,
  };
}

let systemAttributeRows: SystemRow[] | undefined;

export function pgAttributeRows(catalog: Catalog): SystemRow[] {
  systemAttributeRows ??= systemRelationDefs.flatMap((d) =>
    d.schema.map((c, i) => ({ ...attributeRow(d.oid, i + 1, c.name, c), attnotnull: false })),
  );
  const defaults = new Set(userDefaults(catalog).map((d) => `${d.relation.id}:${d.attnum}`));
  const rows: SystemRow[] = [];
  for (const r of catalog.allRelations()) {
    const oid = userRelationOid(r);
    r.schema.forEach((c, i) => {
      rows.push({ ...attributeRow(oid, i + 1, c.name, c), atthasdef: defaults.has(`${r.id}:${i + 1}`) });
    });
  }
  for (const index of userIndexes(catalog)) {
    index.columns.forEach((col, i) => {
      const c = index.relation.schema[col]!;
      rows.push({ ...attributeRow(index.oid, i + 1, c.name, c), attnotnull: false });
    });
  }
  return [...rows, ...systemAttributeRows];
}

export function pgAttrdefRows(catalog: Catalog): SystemRow[] {
  return userDefaults(catalog).map((d) => ({
    oid: d.oid,
    adrelid: userRelationOid(d.relation),
    adnum: d.attnum,
    adbin: defaultText(d.expr),
  }));
}

function indexRow(index: UserIndex): SystemRow {
  const n = index.columns.length;
  return {
    indexrelid: index.oid,
    indrelid: userRelationOid(index.relation),
    indnatts: n,
    indnkeyatts: n,
    indisunique: index.primary,
    indnullsnotdistinct: false,
    indisprimary: index.primary,
    indisexclusion: false,
    indimmediate: true,
    indisclustered: false,
    indisvalid: true,
    indcheckxmin: false,
    indisready: true,
    indislive: true,
    indisreplident: false,
    indkey: index.columns.map((c) => c + 1),
    indcollation: index.columns.map((c) => attributeType(index.relation.schema[c]!.type).collation),
    indclass: index.columns.map(() => OPCLASS_DEFAULT),
    indoption: index.columns.map(() => 0),
  };
}

export function pgIndexRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog).map(indexRow);
}

export function pgConstraintRows(catalog: Catalog): SystemRow[] {
  return userIndexes(catalog)
    .filter((i) => i.constraintOid !== null)
    .map((i) => ({
      oid: i.constraintOid,
      conname: i.name,
      connamespace: NAMESPACE_PUBLIC,
      contype: 'p',
      condeferrable: false,
      condeferred: false,
      convalidated: true,
      conrelid: userRelationOid(i.relation),
      contypid: 0,
      conindid: i.oid,
      conparentid: 0,
      confrelid: 0,
      confupdtype: ' ',
      confdeltype: ' ',
      confmatchtype: ' ',
      conislocal: true,
      coninhcount: 0,
      connoinherit: true,
      conkey: i.columns.map((c) => c + 1),
    }));
}
