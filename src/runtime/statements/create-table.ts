/**
 * @module runtime/statements/create-table
 * CREATE TABLE and CREATE TYPE … AS ENUM: columns with types, NOT NULL, DEFAULT and PRIMARY KEY
 * become a catalog entry and an empty store.
 */
import type { ColumnDef, Constraint, CreateEnumStmt, CreateStmt, Node } from 'libpg-query';
import type { TableColumn } from '../../catalog/catalog.ts';
import { FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import type { EnumType } from '../../common/types.ts';
import type { SourceSpec } from '../../connectors/source-spec.ts';
import { bindScalar, coerceForAssignment, resolveTypeName } from '../../sql/bind/index.ts';
import { commandResult, type StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';

export function executeCreateTable(
  ctx: StatementContext,
  stmt: CreateStmt,
  kind: 'table' | 'source' = 'table',
  /** A connector source's spec, read once the columns are known (datagen checks them). */
  connector?: (columns: readonly TableColumn[], primaryKey: readonly number[]) => SourceSpec,
): StatementResult {
  const catalog = ctx.session.db.catalog;
  const name = stmt.relation!.relname!;
  const tag = kind === 'table' ? 'CREATE TABLE' : 'CREATE SOURCE';
  if (catalog.relation(name)) {
    if (stmt.if_not_exists) return commandResult(tag);
    throw new SemanticError(SqlState.duplicateTable, `relation "${name}" already exists`);
  }
  if ((stmt.options ?? []).length > 0) {
    throw new FeatureNotSupportedError(
      `${tag} … WITH (connector …) needs the connectors, which are not available yet`,
    );
  }
  const defs = (stmt.tableElts ?? [])
    .filter((n): n is { ColumnDef: ColumnDef } => 'ColumnDef' in n)
    .map((n) => n.ColumnDef);
  const tableConstraints = (stmt.tableElts ?? [])
    .filter((n): n is { Constraint: Constraint } => 'Constraint' in n)
    .map((n) => n.Constraint);
  const seen = new Set<string>();
  const primaryKey: number[] = [];
  const columns: TableColumn[] = defs.map((def, index) => {
    const colname = def.colname!;
    if (seen.has(colname))
      throw new SemanticError(SqlState.duplicateColumn, `column "${colname}" specified more than once`);
    seen.add(colname);
    const type = resolveTypeName(def.typeName!, catalog);
    let nullable = true;
    let defaultExpr: TableColumn['defaultExpr'] = null;
    for (const c of (def.constraints ?? []).map(constraintOf)) {
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          nullable = false;
          break;
        case 'CONSTR_NULL':
          break;
        case 'CONSTR_PRIMARY':
          nullable = false;
          primaryKey.push(index);
          break;
        case 'CONSTR_DEFAULT':
          defaultExpr = coerceForAssignment(
            bindScalar(c.raw_expr!, [], { ...bindOptions(ctx), deferClock: true }, 'DEFAULT expressions'),
            type,
            colname,
          );
          break;
        default:
          throw unsupportedConstraint(c);
      }
    }
    return { name: colname, type, nullable, defaultExpr };
  });
  for (const c of tableConstraints) {
    if (c.contype !== 'CONSTR_PRIMARY') throw unsupportedConstraint(c);
    if (primaryKey.length > 0) {
      throw new SemanticError(
        SqlState.invalidTableDefinition,
        `multiple primary keys for table "${name}" are not allowed`,
      );
    }
    for (const key of c.keys ?? []) {
      const keyName = 'String' in key ? key.String.sval! : '';
      const i = columns.findIndex((col) => col.name === keyName);
      if (i < 0)
        throw new SemanticError(SqlState.undefinedColumn, `column "${keyName}" named in key does not exist`);
      primaryKey.push(i);
      columns[i] = { ...columns[i]!, nullable: false };
    }
  }
  // A connector source with FORMAT UPSERT or DEBEZIUM keeps its rows by key (its format checks the key).
  if (kind === 'source' && primaryKey.length > 0 && connector === undefined) {
    throw new FeatureNotSupportedError('a source with a primary key needs FORMAT UPSERT or FORMAT DEBEZIUM', {
      hint: 'Create a table to keep rows by key.',
    });
  }
  const spec = connector?.(columns, primaryKey);
  const id = catalog.allocateId();
  catalog.addRelation({
    kind,
    id,
    name,
    schema: columns,
    columns,
    primaryKey,
    sql: ctx.text,
    connector: spec,
  });
  if (kind === 'table' || primaryKey.length > 0) ctx.session.db.addStore(id, columns.length, primaryKey);
  return commandResult(tag);
}

function constraintOf(node: Node): Constraint {
  if (!('Constraint' in node)) throw new FeatureNotSupportedError('column constraint');
  return node.Constraint;
}

function unsupportedConstraint(c: Constraint): FeatureNotSupportedError {
  const kind = (c.contype ?? '').replace('CONSTR_', '').toLowerCase().replace('_', ' ');
  return new FeatureNotSupportedError(`${kind} constraints are not supported yet`);
}

export function executeCreateEnum(ctx: StatementContext, stmt: CreateEnumStmt): StatementResult {
  const catalog = ctx.session.db.catalog;
  const names = (stmt.typeName ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  const name = names[names.length - 1]!;
  const labels = (stmt.vals ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  const type: EnumType = Object.freeze({ id: 'enum', name, labels, oid: 100_000 + catalog.allocateId() });
  catalog.addEnumType(type);
  return commandResult('CREATE TYPE');
}
