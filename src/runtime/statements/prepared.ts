/**
 * @module runtime/statements/prepared
 * SQL-level prepared statements: PREPARE name [(types)] AS statement, EXECUTE name (args),
 * DEALLOCATE [PREPARE] name | ALL. A prepared statement belongs to its session; EXECUTE evaluates
 * its arguments as constant expressions and runs the stored statement with them as `$n`.
 */
import type { DeallocateStmt, ExecuteStmt, Node, PrepareStmt } from 'libpg-query';
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { evaluatePlan } from '../../plan/evaluate/evaluate.ts';
import { bindScalar, coerce, resolveTypeName } from '../../sql/bind/index.ts';
import type { EddyStatement } from '../../sql/front/index.ts';
import { commandResult, type StatementResult } from '../result.ts';
import { bindOptions, type StatementContext } from './context.ts';
import { readSource } from './reads.ts';

export interface PreparedSql {
  readonly statement: EddyStatement;
  readonly paramTypes: readonly (SqlType | undefined)[];
}

export function executePrepare(ctx: StatementContext, stmt: PrepareStmt): StatementResult {
  const name = stmt.name ?? '';
  const prepared = ctx.session.prepared;
  if (prepared.has(name)) {
    throw new SemanticError(
      SqlState.duplicatePreparedStatement,
      `prepared statement "${name}" already exists`,
    );
  }
  const paramTypes = (stmt.argtypes ?? []).map((n) =>
    'TypeName' in n ? resolveTypeName(n.TypeName, ctx.session.db.catalog) : undefined,
  );
  const statement: EddyStatement = {
    kind: 'postgres',
    stmt: stmt.query as Node,
    text: ctx.text,
    offset: ctx.offset,
  };
  prepared.set(name, { statement, paramTypes });
  return commandResult('PREPARE');
}

export function executeExecute(
  ctx: StatementContext,
  stmt: ExecuteStmt,
  run: (
    statement: EddyStatement,
    params: readonly Value[],
    paramTypes: readonly (SqlType | undefined)[],
  ) => StatementResult,
): StatementResult {
  const name = stmt.name ?? '';
  const prepared = ctx.session.prepared.get(name);
  if (!prepared)
    throw new UndefinedObjectError(
      SqlState.invalidSqlStatementName,
      `prepared statement "${name}" does not exist`,
    );
  const args = stmt.params ?? [];
  const values: Value[] = [];
  const types: (SqlType | undefined)[] = [];
  args.forEach((node, i) => {
    const bound = bindScalar(node, [], bindOptions(ctx), 'EXECUTE parameter');
    const declared = prepared.paramTypes[i];
    const expr = declared ? coerce(bound, declared, false) : bound;
    const plan = { kind: 'values' as const, rows: [[expr]], schema: [] };
    values.push(evaluatePlan(plan, readSource(ctx), ctx.guard)[0]![0]!);
    types.push(declared ?? (expr.type.id === 'unknown' ? undefined : expr.type));
  });
  return run(prepared.statement, values, types);
}

export function executeDeallocate(ctx: StatementContext, stmt: DeallocateStmt): StatementResult {
  if (stmt.isall) ctx.session.prepared.clear();
  else if (!ctx.session.prepared.delete(stmt.name ?? '')) {
    throw new UndefinedObjectError(
      SqlState.invalidSqlStatementName,
      `prepared statement "${stmt.name}" does not exist`,
    );
  }
  return commandResult(stmt.isall ? 'DEALLOCATE ALL' : 'DEALLOCATE');
}
