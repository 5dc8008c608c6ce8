/**
 * @module runtime/statements/create-sink
 * CREATE SINK name FROM relation WITH (connector = …, …) [FORMAT … ENCODE JSON] and DROP SINK. A
 * sink is a catalog object like an index: created and dropped inside transactions, replayed from
 * the input log's DDL after a restart. The runner (runtime/sinks) picks committed sinks up and
 * delivers their relation's changes step by step; a relation with sinks cannot be dropped
 * without CASCADE, which drops them too.
 */
import type { RelationEntry, SinkEntry } from '../../catalog/catalog.ts';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  UndefinedObjectError,
} from '../../common/errors.ts';
import type { SourceOption } from '../../connectors/kafka/kafka-options.ts';
import { sinkSpec } from '../../connectors/sink-options.ts';
import type { CreateSinkStatement, DropStatement, WithOption } from '../../sql/front/ast.ts';
import type { Database } from '../database.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';

export function executeCreateSink(ctx: StatementContext, stmt: CreateSinkStatement): StatementResult {
  const db = ctx.session.db;
  const name = stmt.name.name;
  if (stmt.input.kind === 'query')
    throw new FeatureNotSupportedError('CREATE SINK … AS query is not supported yet', {
      hint: 'Create a materialized view of the query and CREATE SINK … FROM it.',
    });
  if (db.catalog.sink(name)) {
    if (stmt.ifNotExists) return commandResult('CREATE SINK');
    throw new SemanticError(SqlState.duplicateObject, `sink "${name}" already exists`);
  }
  const relation = db.catalog.requireRelation(stmt.input.name.name);
  if (relation.kind !== 'table' && relation.kind !== 'materializedView')
    throw new SemanticError(
      SqlState.wrongObjectType,
      `cannot sink ${relation.kind === 'source' ? 'source' : 'view'} "${relation.name}": sink a table or materialized view`,
      { hint: `CREATE MATERIALIZED VIEW over ${relation.name} and sink that.` },
    );
  const spec = sinkSpec(
    name,
    stmt.with.map(optionOf),
    stmt.format && { ...stmt.format, options: stmt.format.options.map(optionOf) },
  );
  if (spec.connector === 'kafka') {
    for (const k of spec.key)
      if (!relation.schema.some((c) => c.name === k))
        throw new SemanticError(
          SqlState.undefinedColumn,
          `key column "${k}" of sink ${name} is not a column of ${relation.name}`,
        );
    if (spec.envelope === 'upsert' && spec.key.length === 0 && primaryKeyOf(relation).length === 0)
      throw new SemanticError(
        SqlState.invalidParameterValue,
        `an upsert sink needs a key: ${relation.name} has no primary key`,
        { hint: "Say key = 'column[,column…]' in the WITH options." },
      );
  }
  if (spec.connector === 'postgres') {
    if (db.catalog.connection(spec.connection) === undefined)
      throw new UndefinedObjectError(
        SqlState.undefinedObject,
        `connection "${spec.connection}" does not exist`,
      );
    for (const k of spec.primaryKey)
      if (!relation.schema.some((c) => c.name === k))
        throw new SemanticError(
          SqlState.undefinedColumn,
          `primary_key column "${k}" of sink ${name} is not a column of ${relation.name}`,
        );
  }
  const entry: SinkEntry = {
    id: db.catalog.allocateId(),
    name,
    relationId: relation.id,
    spec,
    sql: ctx.text,
  };
  db.catalog.addSink(entry);
  return commandResult('CREATE SINK');
}

/** The sink's key columns: its `key` option, else the relation's primary key (none for a view). */
export function sinkKeyColumns(relation: RelationEntry, key: readonly string[]): number[] {
  if (key.length > 0) return key.map((k) => relation.schema.findIndex((c) => c.name === k));
  return [...primaryKeyOf(relation)];
}

function primaryKeyOf(relation: RelationEntry): readonly number[] {
  return relation.kind === 'table' ? relation.primaryKey : [];
}

/** DROP SINK [IF EXISTS] name, … */
export function dropSinks(ctx: StatementContext, stmt: DropStatement): StatementResult {
  const db = ctx.session.db;
  for (const { name } of stmt.names) {
    if (!db.catalog.sink(name)) {
      if (stmt.ifExists) continue;
      throw new UndefinedObjectError(SqlState.undefinedObject, `sink "${name}" does not exist`);
    }
    db.catalog.removeSink(name);
  }
  return commandResult('DROP SINK');
}

/** The sinks of `relation`: 2BP01 without CASCADE; dropped with it under CASCADE. */
export function dropSinksOf(db: Database, relation: RelationEntry, cascade: boolean): void {
  const sinks = db.catalog.sinksOf(relation.id);
  if (sinks.length === 0) return;
  if (!cascade)
    throw new SemanticError(
      SqlState.dependentObjectsStillExist,
      `cannot drop ${relation.name} because other objects depend on it`,
      {
        detail: sinks.map((s) => `sink ${s.name} depends on ${relation.name}`).join('\n'),
        hint: 'Use DROP ... CASCADE to drop the dependent objects too.',
      },
    );
  for (const s of sinks) db.catalog.removeSink(s.name);
}

function optionOf(o: WithOption): SourceOption {
  const v = o.value;
  if (v.kind === 'secret')
    throw new FeatureNotSupportedError(`SECRET values (option "${o.key}") are not supported yet`);
  return { key: o.key, value: v.kind === 'boolean' ? v.value : v.value };
}
