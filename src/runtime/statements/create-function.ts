/**
 * @module runtime/statements/create-function
 * `CREATE [OR REPLACE] FUNCTION name(args) RETURNS type LANGUAGE javascript AS $$ body $$` and
 * `DROP FUNCTION [IF EXISTS] name[(types)], … [RESTRICT]`: deterministic scalar functions whose
 * body runs in the QuickJS sandbox (functions/js-sandbox). No overloading: one function per name,
 * and no name of a built-in function.
 */
import type { CreateFunctionStmt, DefElem, DropStmt, Node } from 'libpg-query';
import {
  FeatureNotSupportedError,
  SemanticError,
  SqlState,
  type SqlStateCode,
  UndefinedObjectError,
} from '../../common/errors.ts';
import { scalarFunctions } from '../../functions/index.ts';
import { checkJsType, JsFunction, jsSandboxLoaded, loadJsSandbox } from '../../functions/js-sandbox.ts';
import { resolveTypeName } from '../../sql/bind/type-name.ts';
import { WaitThenRetryError } from '../hydration.ts';
import { commandResult, type StatementResult } from '../result.ts';
import type { StatementContext } from './context.ts';

const invalidFunctionDefinition = '42P13' as SqlStateCode;

export function executeCreateFunction(ctx: StatementContext, stmt: CreateFunctionStmt): StatementResult {
  const catalog = ctx.session.db.catalog;
  const names = (stmt.funcname ?? []).map((n) => ('String' in n ? n.String.sval! : ''));
  const name = names[names.length - 1]!;
  if (stmt.is_procedure) throw new FeatureNotSupportedError('CREATE PROCEDURE is not supported');
  const options = new Map<string, DefElem>();
  for (const o of stmt.options ?? []) if ('DefElem' in o) options.set(o.DefElem.defname ?? '', o.DefElem);
  const language = stringArg(options.get('language')?.arg)?.toLowerCase();
  if (language !== 'javascript')
    throw new FeatureNotSupportedError(`language "${language ?? 'sql'}" is not supported`, {
      hint: 'Eddy runs functions written in LANGUAGE javascript.',
    });
  const as = options.get('as')?.arg;
  const items = as && 'List' in as ? (as.List.items ?? []) : [];
  if (items.length !== 1)
    throw new SemanticError(invalidFunctionDefinition, 'only one AS item needed for language "javascript"');
  const body = stringArg(items[0])!;
  const volatility = stringArg(options.get('volatility')?.arg);
  if (volatility === 'volatile')
    throw new FeatureNotSupportedError('VOLATILE JavaScript functions are not supported', {
      hint: 'Functions must be deterministic: IMMUTABLE (the default here).',
    });
  if (stmt.sql_body) throw new FeatureNotSupportedError('a function body in SQL is not supported');
  if (scalarFunctions[name.toLowerCase()] || name.toLowerCase() !== name)
    throw new SemanticError(
      SqlState.duplicateObject,
      name.toLowerCase() !== name
        ? `function name "${name}" must be lower case`
        : `function ${name} is a built-in function`,
    );
  const argNames: string[] = [];
  const argTypes = (stmt.parameters ?? []).map((p, i) => {
    const param = 'FunctionParameter' in p ? p.FunctionParameter : undefined;
    if (!param || (param.mode !== 'FUNC_PARAM_DEFAULT' && param.mode !== 'FUNC_PARAM_IN') || param.defexpr)
      throw new FeatureNotSupportedError('only plain IN arguments are supported');
    const argName = param.name ?? `$${i + 1}`;
    if (param.name !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(argName))
      throw new SemanticError(
        invalidFunctionDefinition,
        `argument name "${argName}" is not a JavaScript identifier`,
      );
    argNames.push(param.name === undefined ? `arg${i + 1}` : argName);
    const type = resolveTypeName(param.argType!, catalog);
    checkJsType(type, 'an argument');
    return type;
  });
  if (!stmt.returnType || stmt.returnType.setof)
    throw new FeatureNotSupportedError('set-returning and OUT-argument functions are not supported');
  const returns = resolveTypeName(stmt.returnType, catalog);
  checkJsType(returns, 'a result');
  const existing = catalog.userFunction(name);
  if (existing) {
    if (!stmt.replace) throw new SemanticError(SqlState.duplicateObject, `function ${name} already exists`);
    const users = catalog.functionUsers(name);
    if (users.length > 0)
      throw new FeatureNotSupportedError(
        `CREATE OR REPLACE FUNCTION ${name} while view "${users[0]!.name}" uses it is not supported`,
        { hint: 'Drop the views that call it first.' },
      );
  }
  if (!jsSandboxLoaded())
    throw new WaitThenRetryError('the JavaScript sandbox is loading', {}, loadJsSandbox());
  const impl = new JsFunction(name, argNames, argTypes, returns, body);
  catalog.addUserFunction({
    id: catalog.allocateId(),
    name,
    argNames,
    argTypes,
    returns,
    strict: options.get('strict')?.arg !== undefined && boolArg(options.get('strict')!.arg),
    body,
    sql: ctx.text,
    impl,
  });
  return commandResult('CREATE FUNCTION');
}

export function executeDropFunction(ctx: StatementContext, stmt: DropStmt): StatementResult {
  const catalog = ctx.session.db.catalog;
  if (stmt.behavior === 'DROP_CASCADE')
    throw new FeatureNotSupportedError('DROP FUNCTION … CASCADE is not supported');
  const names = (stmt.objects ?? []).map((o) => {
    const objname = 'ObjectWithArgs' in o ? (o.ObjectWithArgs.objname ?? []) : [];
    const last = objname[objname.length - 1];
    return last && 'String' in last ? last.String.sval! : '';
  });
  // All are checked before any is dropped.
  for (const name of names) {
    if (!catalog.userFunction(name)) {
      if (stmt.missing_ok) continue;
      throw new UndefinedObjectError(SqlState.undefinedFunction, `function ${name} does not exist`);
    }
    const users = catalog.functionUsers(name);
    if (users.length > 0)
      throw new SemanticError(
        SqlState.dependentObjectsStillExist,
        `cannot drop function ${name} because other objects depend on it`,
        {
          detail: users
            .map(
              (u) =>
                `${u.kind === 'view' ? 'view' : 'materialized view'} ${u.name} depends on function ${name}`,
            )
            .join('\n'),
          hint: 'Drop the views that call it first.',
        },
      );
  }
  for (const name of new Set(names)) if (catalog.userFunction(name)) catalog.removeUserFunction(name);
  return commandResult('DROP FUNCTION');
}

function stringArg(node: Node | undefined): string | undefined {
  return node && 'String' in node ? node.String.sval : undefined;
}

function boolArg(node: Node | undefined): boolean {
  return node !== undefined && 'Boolean' in node && node.Boolean.boolval === true;
}
