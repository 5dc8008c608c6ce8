/**
 * @module runtime/statements/session-statements
 * Statements about the session itself: BEGIN / COMMIT / ROLLBACK, SET and SHOW of session
 * variables (the ones drivers send at connect time are accepted and echoed back).
 */
import type { Node, TransactionStmt, VariableSetStmt, VariableShowStmt } from 'libpg-query';
import { timeZone } from '../../common/datetime-zone.ts';
import { DataError, FeatureNotSupportedError, SqlState } from '../../common/errors.ts';
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
  if (name === 'timezone') settings.timeZone = checkedTimeZone(stmt.args ?? []);
  else settings[`guc:${name}`] = value;
  return commandResult('SET');
}

/**
 * SET TimeZone's value: a zone the session can use, else 22023 as in PostgreSQL, so the session
 * never keeps a zone every later statement would fail on.
 */
function checkedTimeZone(args: readonly Node[]): string {
  if (args.length !== 1) {
    throw new DataError(SqlState.invalidParameterValue, 'SET TimeZone takes only one argument');
  }
  const arg = args[0]!;
  const text = 'A_Const' in arg ? arg.A_Const.sval?.sval : undefined;
  if (text === undefined) {
    throw new FeatureNotSupportedError('SET TimeZone to a number or an interval is not supported', {
      hint: "Give the zone as a string: a name ('Europe/Paris') or an offset ('UTC+3', '+02:30').",
    });
  }
  try {
    timeZone(text);
  } catch {
    throw new DataError(SqlState.invalidParameterValue, `invalid value for parameter "TimeZone": "${text}"`);
  }
  return text;
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
