/**
 * @module runtime/statements/session-statements
 * Statements about the session itself: BEGIN / COMMIT / ROLLBACK, SET and SHOW of session
 * variables (the ones drivers send at connect time are accepted and echoed back).
 */
import type { TransactionStmt, VariableSetStmt, VariableShowStmt } from 'libpg-query';
import { FeatureNotSupportedError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';

export function executeTransaction(ctx: StatementContext, stmt: TransactionStmt): StatementResult {
  const session = ctx.session;
  switch (stmt.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      session.begin();
      return commandResult('BEGIN');
    case 'TRANS_STMT_COMMIT':
      return commandResult(session.commit());
    case 'TRANS_STMT_ROLLBACK':
      session.rollback();
      return commandResult('ROLLBACK');
    default:
      throw new FeatureNotSupportedError(`${(stmt.kind ?? '').replace('TRANS_STMT_', '')} is not supported`);
  }
}

const defaults: Record<string, string> = {
  server_version: '15.0',
  server_encoding: 'UTF8',
  client_encoding: 'UTF8',
  datestyle: 'ISO, MDY',
  intervalstyle: 'postgres',
  standard_conforming_strings: 'on',
  integer_datetimes: 'on',
  search_path: 'public',
  transaction_isolation: 'serializable',
  statement_timeout: '0',
  application_name: '',
};

export function executeSet(ctx: StatementContext, stmt: VariableSetStmt): StatementResult {
  const name = (stmt.name ?? '').toLowerCase();
  const settings = ctx.session.settings;
  if (stmt.kind === 'VAR_RESET' || stmt.kind === 'VAR_SET_DEFAULT') {
    if (name === 'timezone') settings.timeZone = 'UTC';
    delete settings[`guc:${name}`];
    return commandResult('SET');
  }
  const value = (stmt.args ?? [])
    .map((a) =>
      'A_Const' in a
        ? (a.A_Const.sval?.sval ?? String(a.A_Const.ival?.ival ?? a.A_Const.fval?.fval ?? ''))
        : '',
    )
    .join(', ');
  if (name === 'timezone') settings.timeZone = value;
  else settings[`guc:${name}`] = value;
  return commandResult('SET');
}

export function executeShow(ctx: StatementContext, stmt: VariableShowStmt): StatementResult {
  const name = (stmt.name ?? '').toLowerCase();
  const settings = ctx.session.settings;
  const value =
    name === 'timezone'
      ? settings.timeZone
      : ((settings[`guc:${name}`] as string | undefined) ?? defaults[name]);
  if (value === undefined) {
    throw new FeatureNotSupportedError(`unrecognized configuration parameter "${name}"`);
  }
  return { command: 'SHOW', rowCount: 1, columns: [{ name, type: T.text }], rows: [[value]] };
}
