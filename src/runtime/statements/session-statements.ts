/**
 * @module runtime/statements/session-statements
 * Statements about the session itself: BEGIN / COMMIT / ROLLBACK and SET TRANSACTION with their
 * isolation and read-only options, SET and SHOW of session variables (the ones drivers send at
 * connect time are accepted and echoed back).
 */
import type { Node, TransactionStmt, VariableSetStmt, VariableShowStmt } from 'libpg-query';
import { timeZone } from '../../common/datetime-zone.ts';
import { DataError, FeatureNotSupportedError, SqlState, StateError } from '../../common/errors.ts';
import { T } from '../../common/types.ts';
import { defaultQueryMemoryBytes, formatBytes, parseMemorySetting } from '../../plan/evaluate/query-guard.ts';
import { commandResult, type StatementResult } from '../result.ts';
import { type IsolationLevel, isolationLevel } from '../transaction.ts';
import type { StatementContext } from './context.ts';

export function executeTransaction(ctx: StatementContext, stmt: TransactionStmt): StatementResult {
  const session = ctx.session;
  switch (stmt.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      session.begin(transactionOptions(stmt.options ?? []));
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

interface TransactionOptions {
  isolation?: IsolationLevel;
  readOnly?: boolean;
}

/** ISOLATION LEVEL …, READ ONLY / READ WRITE (DEFERRABLE changes nothing here). */
function transactionOptions(options: readonly Node[]): TransactionOptions {
  const out: TransactionOptions = {};
  for (const node of options) {
    if (!('DefElem' in node)) continue;
    const arg = node.DefElem.arg && 'A_Const' in node.DefElem.arg ? node.DefElem.arg.A_Const : undefined;
    if (node.DefElem.defname === 'transaction_isolation')
      out.isolation = isolationLevel(arg?.sval?.sval ?? '');
    if (node.DefElem.defname === 'transaction_read_only') out.readOnly = (arg?.ival?.ival ?? 0) !== 0;
  }
  return out;
}

/**
 * SET TRANSACTION …: changes the open transaction (the isolation level only before its first
 * query, as in PostgreSQL); outside a block it does nothing. SET SESSION CHARACTERISTICS AS
 * TRANSACTION … sets the defaults of the transactions to come.
 */
function executeSetTransaction(ctx: StatementContext, stmt: VariableSetStmt): StatementResult {
  const options = transactionOptions(stmt.args ?? []);
  const settings = ctx.session.settings;
  if (stmt.name === 'SESSION CHARACTERISTICS') {
    if (options.isolation) settings['guc:default_transaction_isolation'] = options.isolation;
    if (options.readOnly !== undefined)
      settings['guc:default_transaction_read_only'] = options.readOnly ? 'on' : 'off';
    return commandResult('SET');
  }
  const txn = ctx.session.transaction;
  if (!txn) return commandResult('SET');
  if (options.isolation && options.isolation !== txn.isolation) {
    if (txn.snapshot !== null)
      throw new StateError(
        SqlState.activeSqlTransaction,
        'SET TRANSACTION ISOLATION LEVEL must be called before any query',
      );
    txn.isolation = options.isolation;
  }
  if (options.readOnly !== undefined) {
    if (!options.readOnly && txn.readOnly && txn.snapshot !== null)
      throw new StateError(
        SqlState.readOnlySqlTransaction,
        'transaction read-write mode must be set before any query',
      );
    txn.readOnly = options.readOnly;
  }
  return commandResult('SET');
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
  default_transaction_isolation: 'repeatable read',
  default_transaction_read_only: 'off',
  statement_timeout: '0',
  application_name: '',
  'eddy.reference_evaluation': 'off',
  'eddy.adhoc_rewrites': 'pushdown',
};

/** Eddy's own settings whose values are checked at SET time (a bad one would fail every later query). */
const checkedSettings: Record<string, (value: string) => boolean> = {
  'eddy.query_memory': (v) => parseMemorySetting(v) !== null,
  'eddy.reference_evaluation': (v) => v === 'on' || v === 'off',
  'eddy.adhoc_rewrites': (v) => v === 'pushdown' || v === 'all',
};

export function executeSet(ctx: StatementContext, stmt: VariableSetStmt): StatementResult {
  if (stmt.kind === 'VAR_SET_MULTI') return executeSetTransaction(ctx, stmt);
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
  else {
    if (checkedSettings[name] && !checkedSettings[name](value)) {
      throw new DataError(
        SqlState.invalidParameterValue,
        `invalid value for parameter "${name}": "${value}"`,
      );
    }
    settings[`guc:${name}`] = value;
  }
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

/** A setting's value when the session has not set it; eddy.query_memory's is the process's. */
function defaultSetting(name: string): string | undefined {
  return name === 'eddy.query_memory' ? formatBytes(defaultQueryMemoryBytes()) : defaults[name];
}

export function executeShow(ctx: StatementContext, stmt: VariableShowStmt): StatementResult {
  const name = (stmt.name ?? '').toLowerCase();
  const settings = ctx.session.settings;
  const value =
    name === 'timezone'
      ? settings.timeZone
      : (transactionSetting(ctx, name) ??
        (settings[`guc:${name}`] as string | undefined) ??
        defaultSetting(name));
  if (value === undefined) {
    throw new FeatureNotSupportedError(`unrecognized configuration parameter "${name}"`);
  }
  return { command: 'SHOW', rowCount: 1, columns: [{ name, type: T.text }], rows: [[value]] };
}

/** transaction_isolation and transaction_read_only: the open transaction's, else the defaults. */
function transactionSetting(ctx: StatementContext, name: string): string | undefined {
  const txn = ctx.session.transaction;
  if (name === 'transaction_isolation') return txn?.isolation ?? ctx.session.defaultIsolation();
  if (name === 'transaction_read_only') {
    const readOnly = txn ? txn.readOnly : ctx.session.settings['guc:default_transaction_read_only'] === 'on';
    return readOnly ? 'on' : 'off';
  }
  return undefined;
}
