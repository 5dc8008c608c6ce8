/**
 * @module runtime/statements/create-connection
 * CREATE / ALTER / DROP SECRET and CREATE / DROP CONNECTION. A secret's value lives in the catalog
 * as a SecretValue (masked everywhere it could be shown); the input log records the statement with
 * the value itself, as replay needs it (the data directory is as confidential as the secret). A
 * connection keeps only the secret's name: the password is looked up when a client connects.
 */
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import { type ConnectionOption, postgresConnectionSpec } from '../../connectors/postgres/pg-options.ts';
import type {
  AlterSecretStatement,
  CreateConnectionStatement,
  CreateSecretStatement,
  DropStatement,
  WithOption,
} from '../../sql/front/ast.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';

function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}

export function executeCreateSecret(ctx: StatementContext, stmt: CreateSecretStatement): StatementResult {
  const catalog = ctx.session.db.catalog;
  const name = stmt.name.name;
  if (stmt.ifNotExists && catalog.secret(name)) return commandResult('CREATE SECRET');
  catalog.setSecret(name, stmt.value);
  if (ctx.logAs) ctx.logAs.sql = `CREATE SECRET ${quoteIdent(name)} AS ${quoteLiteral(stmt.value.reveal())}`;
  return commandResult('CREATE SECRET');
}

export function executeAlterSecret(ctx: StatementContext, stmt: AlterSecretStatement): StatementResult {
  const name = stmt.name.name;
  ctx.session.db.catalog.setSecret(name, stmt.value, true);
  if (ctx.logAs) ctx.logAs.sql = `ALTER SECRET ${quoteIdent(name)} AS ${quoteLiteral(stmt.value.reveal())}`;
  return commandResult('ALTER SECRET');
}

export function connectionOptions(options: readonly WithOption[]): ConnectionOption[] {
  return options.map((o) => {
    const v = o.value;
    return { key: o.key, value: v.kind === 'secret' ? { secret: v.name.name } : v.value };
  });
}

export function executeCreateConnection(
  ctx: StatementContext,
  stmt: CreateConnectionStatement,
): StatementResult {
  const catalog = ctx.session.db.catalog;
  const name = stmt.name.name;
  if (stmt.ifNotExists && catalog.connection(name)) return commandResult('CREATE CONNECTION');
  const spec = postgresConnectionSpec(connectionOptions(stmt.with));
  if (spec.passwordSecret !== null && catalog.secret(spec.passwordSecret) === undefined)
    throw new UndefinedObjectError(
      SqlState.undefinedObject,
      `secret "${spec.passwordSecret}" does not exist`,
    );
  catalog.addConnection({ name, spec });
  return commandResult('CREATE CONNECTION');
}

/** DROP SECRET / DROP CONNECTION: refused while a connection (or a source) uses it (2BP01). */
export function dropCatalogObjects(ctx: StatementContext, stmt: DropStatement): StatementResult {
  const catalog = ctx.session.db.catalog;
  for (const { name } of stmt.names) {
    if (stmt.objectKind === 'secret') {
      if (!catalog.secret(name)) {
        if (stmt.ifExists) continue;
        throw new UndefinedObjectError(SqlState.undefinedObject, `secret "${name}" does not exist`);
      }
      const user = catalog.allConnections().find((c) => c.spec.passwordSecret === name);
      if (user)
        throw new SemanticError(
          SqlState.dependentObjectsStillExist,
          `cannot drop secret ${name}: connection ${user.name} uses it`,
        );
      catalog.removeSecret(name);
    } else {
      if (!catalog.connection(name)) {
        if (stmt.ifExists) continue;
        throw new UndefinedObjectError(SqlState.undefinedObject, `connection "${name}" does not exist`);
      }
      const user = catalog
        .allRelations()
        .find(
          (r) =>
            r.kind === 'source' && r.connector?.connector === 'postgres' && r.connector.connection === name,
        );
      if (user)
        throw new SemanticError(
          SqlState.dependentObjectsStillExist,
          `cannot drop connection ${name}: source ${user.name} uses it`,
        );
      catalog.removeConnection(name);
    }
  }
  return commandResult(stmt.objectKind === 'secret' ? 'DROP SECRET' : 'DROP CONNECTION');
}
