/**
 * @module runtime/statements/drop
 * DROP TABLE / VIEW / MATERIALIZED VIEW / INDEX / TYPE [IF EXISTS] [CASCADE]: refuses while other
 * objects depend on the target (2BP01) unless CASCADE, which drops the dependents first.
 * Inside a transaction (explicit or implicit) the object is gone for that transaction only; its
 * stored rows stay and a materialized view stays maintained until COMMIT, so a rollback leaves
 * it exactly as it is then, and other sessions use it meanwhile.
 */
import type { DropStmt, Node } from 'libpg-query';
import type { RelationEntry } from '../../catalog/catalog.ts';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  UndefinedObjectError,
} from '../../common/errors.ts';
import type { EnumType } from '../../common/types.ts';
import type { EddyStatement } from '../../sql/front/index.ts';
import type { Database } from '../database.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { Transaction } from '../transaction.ts';
import type { StatementContext } from './context.ts';
import { dropSinksOf } from './create-sink.ts';
import { keptTables } from './create-source.ts';
import { eventTimeTables } from './create-watermark.ts';

const kinds: Record<string, { kind: RelationEntry['kind'] | 'index' | 'type'; word: string; tag: string }> = {
  OBJECT_TABLE: { kind: 'table', word: 'table', tag: 'DROP TABLE' },
  OBJECT_VIEW: { kind: 'view', word: 'view', tag: 'DROP VIEW' },
  OBJECT_MATVIEW: { kind: 'materializedView', word: 'materialized view', tag: 'DROP MATERIALIZED VIEW' },
  OBJECT_INDEX: { kind: 'index', word: 'index', tag: 'DROP INDEX' },
  OBJECT_TYPE: { kind: 'type', word: 'type', tag: 'DROP TYPE' },
};

const words: Record<RelationEntry['kind'], string> = {
  source: 'source',
  table: 'table',
  view: 'view',
  materializedView: 'materialized view',
};

function objectName(node: Node): string {
  if ('List' in node) {
    const items = node.List.items ?? [];
    const last = items[items.length - 1];
    return last && 'String' in last ? last.String.sval! : '';
  }
  if ('TypeName' in node) {
    const names = node.TypeName.names ?? [];
    const last = names[names.length - 1];
    return last && 'String' in last ? last.String.sval! : '';
  }
  return 'String' in node ? node.String.sval! : '';
}

export function executeDrop(ctx: StatementContext, stmt: DropStmt): StatementResult {
  const spec = kinds[stmt.removeType ?? ''];
  if (!spec)
    throw new FeatureNotSupportedError(
      `DROP ${(stmt.removeType ?? '').replace('OBJECT_', '')} is not supported`,
    );
  const db = ctx.session.db;
  const cascade = stmt.behavior === 'DROP_CASCADE';
  for (const node of stmt.objects ?? []) {
    const name = objectName(node);
    if (spec.kind === 'index') {
      if (!db.catalog.index(name)) {
        if (stmt.missing_ok) continue;
        throw new UndefinedObjectError(SqlState.undefinedObject, `index "${name}" does not exist`);
      }
      db.catalog.removeIndex(name);
      continue;
    }
    if (spec.kind === 'type') {
      const type = db.catalog.enumType(name);
      if (!type) {
        if (stmt.missing_ok) continue;
        throw new UndefinedObjectError(SqlState.undefinedObject, `type "${name}" does not exist`);
      }
      refuseWhileTypeUsed(db, type, cascade);
      db.catalog.removeEnumType(name);
      continue;
    }
    const relation = db.catalog.relation(name);
    if (!relation || relation.kind !== spec.kind) {
      if (stmt.missing_ok) continue;
      if (relation) throw new SemanticError(SqlState.wrongObjectType, `"${name}" is not a ${spec.word}`);
      throw new UndefinedObjectError(SqlState.undefinedTable, `${spec.word} "${name}" does not exist`);
    }
    dropRelation(db, relation, cascade, ctx.session.transaction);
  }
  return commandResult(spec.tag);
}

/**
 * Drops `relation` (and with `cascade` what depends on it). Within `transaction` it is hidden
 * from that transaction only; its contents stay, maintained, until COMMIT (the catalog hands
 * the ids back then), and ROLLBACK just forgets the drop.
 */
function dropRelation(
  db: Database,
  relation: RelationEntry,
  cascade: boolean,
  transaction: Transaction | null = null,
  keeperGoing = false,
): void {
  if (
    !keeperGoing &&
    relation.kind === 'table' &&
    relation.keptBy !== undefined &&
    db.catalog.relation(relation.keptBy)
  ) {
    throw new SemanticError(
      SqlState.dependentObjectsStillExist,
      `cannot drop table ${relation.name} because ${relation.keptBy} keeps it`,
      { hint: `DROP ${relation.keptBy} drops it too.` },
    );
  }
  // The late-data and watermark tables of a relation with a watermark go with it: their
  // dependents are checked before anything is dropped.
  const kept =
    relation.kind === 'table' || relation.kind === 'source'
      ? eventTimeTables(relation).map((id) => db.catalog.relationById(id))
      : [];
  if (!cascade) for (const r of [relation, ...kept]) refuseDependents(db, r);
  dropSinksOf(db, relation, cascade);
  const dependents = db.catalog.dependents(relation.id);
  for (const d of dependents) if (db.catalog.relation(d.name)) dropRelation(db, d, true, transaction);
  for (const table of kept) dropRelation(db, table, cascade, transaction, true);
  db.catalog.removeRelation(relation.id);
  if (!transaction) db.dropRelation(relation.id);
}

/** 2BP01 while other objects depend on `relation` (DROP without CASCADE). */
function refuseDependents(db: Database, relation: RelationEntry): void {
  const dependents = db.catalog.dependents(relation.id);
  if (dependents.length > 0) {
    throw new SemanticError(
      SqlState.dependentObjectsStillExist,
      `cannot drop ${words[relation.kind]} ${relation.name} because other objects depend on it`,
      {
        detail: dependents
          .map((d) => `${words[d.kind]} ${d.name} depends on ${words[relation.kind]} ${relation.name}`)
          .join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      },
    );
  }
}

/**
 * A type columns still use cannot go (2BP01), as in PostgreSQL. With CASCADE PostgreSQL drops
 * those columns; Eddy cannot drop a column yet, so it refuses that too (0A000).
 */
function refuseWhileTypeUsed(db: Database, type: EnumType, cascade: boolean): void {
  const users = db.catalog.enumTypeUsers(type);
  if (users.length === 0) return;
  if (cascade)
    throw new FeatureNotSupportedError(
      `DROP TYPE ${type.name} CASCADE while columns use it is not supported yet`,
    );
  throw new SemanticError(
    SqlState.dependentObjectsStillExist,
    `cannot drop type ${type.name} because other objects depend on it`,
    {
      detail: users
        .map(
          (u) =>
            `column ${u.column} of ${words[u.relation.kind]} ${u.relation.name} depends on type ${type.name}`,
        )
        .join('\n'),
      hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
    },
  );
}

/** DROP SOURCE [IF EXISTS] name, … [CASCADE] (parsed by the front parser). */
export function dropSources(
  ctx: StatementContext,
  stmt: Extract<EddyStatement, { kind: 'drop' }>,
): StatementResult {
  const db = ctx.session.db;
  for (const { name } of stmt.names) {
    const relation = db.catalog.relation(name);
    if (relation?.kind !== 'source') {
      if (stmt.ifExists) continue;
      if (relation) throw new SemanticError(SqlState.wrongObjectType, `"${name}" is not a source`);
      throw new UndefinedObjectError(SqlState.undefinedTable, `source "${name}" does not exist`);
    }
    // The tables a connector source keeps (dead letters, positions) go with it: checked first,
    // so that a view over one of them refuses the whole DROP before anything is dropped.
    const kept = keptTables(db, relation.name);
    if (!stmt.cascade) for (const table of kept) refuseDependents(db, table);
    dropRelation(db, relation, stmt.cascade, ctx.session.transaction);
    for (const table of kept) dropRelation(db, table, stmt.cascade, ctx.session.transaction);
  }
  return commandResult('DROP SOURCE');
}
