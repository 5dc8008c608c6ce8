/**
 * @module catalog/system/introspection
 * The catalog as system functions see it (functions/catalog-system's SystemCatalogAccess): reg*
 * name ↔ oid lookups, format_type, pg_get_indexdef / viewdef / constraintdef, function
 * signatures and the session's settings. One access object per catalog and session.
 */
import type { RegKind, SystemCatalogAccess } from '../../functions/catalog-system.ts';
import type { Catalog, RelationEntry } from '../catalog.ts';
import { builtinTypeByOid, builtinTypes } from './builtin-types.ts';
import { namespaces, ROLE_NAME, ROLE_OID, relationIdOfOid, relationOid } from './oids.ts';
import { allProcs, procByOid } from './pg-proc.ts';
import { defaultSetting } from './pg-server.ts';
import { systemRelationByOid, systemRelationDef } from './system-relations.ts';
import { formatType } from './type-info.ts';
import { indexDefinition, quoteIdent, type UserIndex, userIndexes, viewDefinition } from './user-objects.ts';

/** Splits `a.b` / `"A"."b"` into its parts: unquoted parts fold to lower case. */
export function splitQualifiedName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i <= s.length) {
    let part = '';
    if (s[i] === '"') {
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          part += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else part += s[i++];
      }
    } else {
      const dot = s.indexOf('.', i);
      const end = dot < 0 ? s.length : dot;
      part = s.slice(i, end).trim().toLowerCase();
      i = end;
    }
    parts.push(part);
    if (s[i] !== '.') break;
    i++;
  }
  return parts;
}

/** SQL spellings of built-in types that are not their typname or format_type name. */
const typeAliases: Readonly<Record<string, string>> = {
  int: 'int4',
  integer: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  boolean: 'bool',
  real: 'float4',
  float: 'float8',
  'double precision': 'float8',
  decimal: 'numeric',
  character: 'bpchar',
  char: 'bpchar',
  'character varying': 'varchar',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  '"char"': 'char',
};

const builtinByName = new Map(builtinTypes.map((t) => [t.typname, t]));

class CatalogAccess implements SystemCatalogAccess {
  private readonly catalog: Catalog;
  private readonly session: object;

  constructor(catalog: Catalog, session: object) {
    this.catalog = catalog;
    this.session = session;
  }

  lookupOid(kind: RegKind, name: string): number | null {
    if (/^\s*\d+\s*$/.test(name)) return Number(name);
    switch (kind) {
      case 'regclass':
        return this.relationOid(splitQualifiedName(name));
      case 'regtype':
        return this.typeOid(name);
      case 'regproc':
      case 'regprocedure': {
        const parts = splitQualifiedName(name.replace(/\(.*\)\s*$/, ''));
        const proc = allProcs().find((p) => p.name === parts[parts.length - 1]);
        return proc?.oid ?? null;
      }
      case 'regnamespace': {
        const [nsp] = splitQualifiedName(name);
        return namespaces.find(([, n]) => n === nsp)?.[0] ?? null;
      }
      case 'regrole':
        return splitQualifiedName(name)[0] === ROLE_NAME ? ROLE_OID : null;
    }
  }

  private relationOid(parts: string[]): number | null {
    const name = parts[parts.length - 1]!;
    const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
    if (schema === 'pg_catalog' || schema === 'information_schema')
      return systemRelationDef(schema, name)?.oid ?? null;
    if (schema !== undefined && schema !== 'public') return null;
    const user = this.catalog.relation(name);
    if (user) return relationOid(user.id);
    const index = userIndexes(this.catalog).find((i) => i.name === name);
    if (index) return index.oid;
    return schema === undefined ? (systemRelationDef('pg_catalog', name)?.oid ?? null) : null;
  }

  private typeOid(text: string): number | null {
    let s = text.trim();
    let array = false;
    if (s.endsWith('[]')) {
      array = true;
      s = s.slice(0, -2).trim();
    }
    s = s.replace(/\(\s*\d+(\s*,\s*\d+)?\s*\)/, '').replace(/\s+/g, ' ');
    const parts = s.startsWith('"') ? splitQualifiedName(s) : [s.toLowerCase()];
    let name = parts[parts.length - 1]!;
    for (const prefix of ['pg_catalog.', 'public.'])
      if (name.startsWith(prefix)) name = name.slice(prefix.length);
    const typname = typeAliases[name] ?? name;
    const builtin = builtinByName.get(typname) ?? builtinTypes.find((t) => t.formatName === typname);
    const oid = builtin?.oid ?? this.catalog.enumType(name)?.oid;
    if (oid === undefined) return null;
    if (!array) return oid;
    const arrayOid = builtinTypeByOid.get(oid)?.typarray;
    return arrayOid ? arrayOid : null;
  }

  nameOf(kind: RegKind, oid: number): string | null {
    switch (kind) {
      case 'regclass':
        return this.relationName(oid);
      case 'regtype': {
        const name = formatType(this.catalog, oid, null);
        return name === '???' ? null : name;
      }
      case 'regproc':
        return procByOid(oid)?.name ?? null;
      case 'regprocedure': {
        const args = this.functionArguments(oid);
        return args === null ? null : `${procByOid(oid)!.name}(${args})`;
      }
      case 'regnamespace':
        return namespaces.find(([o]) => o === oid)?.[1] ?? null;
      case 'regrole':
        return oid === ROLE_OID ? ROLE_NAME : null;
    }
  }

  private relationName(oid: number): string | null {
    const user = this.userRelation(oid);
    if (user) return quoteIdent(user.name);
    const index = this.index(oid);
    if (index) return quoteIdent(index.name);
    const def = systemRelationByOid(oid);
    if (!def) return null;
    return def.schemaName === 'pg_catalog' ? def.name : `${def.schemaName}.${def.name}`;
  }

  private userRelation(oid: number): RelationEntry | undefined {
    const id = relationIdOfOid(oid);
    return id === undefined ? undefined : this.catalog.allRelations().find((r) => r.id === id);
  }

  private index(oid: number): UserIndex | undefined {
    return userIndexes(this.catalog).find((i) => i.oid === oid || i.constraintOid === oid);
  }

  formatType(oid: number, typmod: number | null): string {
    return formatType(this.catalog, oid, typmod);
  }

  indexDef(oid: number, column: number, pretty: boolean): string | null {
    const index = this.index(oid);
    if (!index || index.oid !== oid) return null;
    if (column === 0) return indexDefinition(index, pretty);
    const position = index.columns[column - 1];
    return position === undefined ? '' : quoteIdent(index.relation.schema[position]!.name);
  }

  viewDef(oid: number): string | null {
    const r = this.userRelation(oid);
    return r && (r.kind === 'view' || r.kind === 'materializedView') ? viewDefinition(r) : null;
  }

  constraintDef(oid: number): string | null {
    const index = this.index(oid);
    if (!index || index.constraintOid !== oid) return null;
    const columns = index.columns.map((c) => quoteIdent(index.relation.schema[c]!.name));
    return `PRIMARY KEY (${columns.join(', ')})`;
  }

  functionArguments(oid: number): string | null {
    const proc = procByOid(oid);
    if (!proc) return null;
    return proc.args
      .map((a, i) => {
        const type = a === 2276 ? '"any"' : this.formatType(a, null);
        return proc.variadic !== 0 && i === proc.args.length - 1 ? `VARIADIC ${type}` : type;
      })
      .join(', ');
  }

  functionResult(oid: number): string | null {
    const proc = procByOid(oid);
    if (!proc) return null;
    const type = this.formatType(proc.returns, null);
    return proc.returnsSet ? `SETOF ${type}` : type;
  }

  /** A wire session sets `backendPid`; a library session is the process itself. */
  backendPid(): number {
    const pid = (this.session as Record<string, unknown>).backendPid;
    return typeof pid === 'number' ? pid : process.pid;
  }

  /** A wire session sets `cancelBackend` (the server knows its connections); elsewhere no pid is a backend. */
  cancelBackend(pid: number): boolean {
    const cancel = (this.session as Record<string, unknown>).cancelBackend;
    return typeof cancel === 'function' ? Boolean(cancel(pid)) : false;
  }

  setting(name: string): string | null {
    const settings = this.session as Record<string, unknown>;
    if (name === 'timezone' && typeof settings.timeZone === 'string') return settings.timeZone;
    const value = settings[`guc:${name}`];
    return typeof value === 'string' ? value : defaultSetting(name);
  }
}

const accesses = new WeakMap<Catalog, WeakMap<object, SystemCatalogAccess>>();

/** The system-function view of `catalog` for a session (cached per pair). */
export function systemAccess(catalog: Catalog, session: object): SystemCatalogAccess {
  let bySession = accesses.get(catalog);
  if (!bySession) {
    bySession = new WeakMap();
    accesses.set(catalog, bySession);
  }
  let access = bySession.get(session);
  if (!access) {
    access = new CatalogAccess(catalog, session);
    bySession.set(session, access);
  }
  return access;
}
