/**
 * @module sql/bind/session-window
 * `SESSION(rel, col, gap [, key, …])`: `rel`'s rows with `window_start` and `window_end` of their
 * session. Rows (per value of the keys, when given) whose event times `col` are less than `gap`
 * apart chain into one session, `[first time, last time + gap)`, as Flink's session windows (each
 * row's window `[t, t + gap)`, overlapping windows merged); a NULL time is in no session.
 *
 * Bound as window functions over the relation (a query the binder reads like any subquery): a row
 * more than `gap` after its predecessor starts a session, a running count of starts numbers the
 * sessions, and min / max over each session give its bounds. Maintained incrementally as window
 * functions are, a row landing between two sessions merges them: both are retracted and the
 * merged one inserted. plan/window-close recognises `window_end` for EMIT ON WINDOW CLOSE.
 */
import type { FuncCall, Node, RangeFunction } from 'libpg-query';
import { InternalError, SemanticError, SqlState } from '../../common/errors.ts';
import { typeName } from '../../common/types.ts';
import type { LogicalPlan } from '../../plan/logical.ts';
import { SESSION_NUMBER_COLUMN } from '../../plan/window-close.ts';
import { pgParse } from '../front/libpg.ts';
import type { BindContext } from './context.ts';
import type { Scope, ScopeColumn } from './scope.ts';
import { type BoundRelation, columnRefName, windowInterval, windowMicros } from './window-tvf.ts';

/** The helper columns' prefix: names a relation is not expected to use. */
const HELPER = 'eddy_session_';

export function bindSessionWindow(
  call: FuncCall,
  rf: RangeFunction,
  outer: Scope,
  ctx: BindContext,
  bindRelation: (relation: Node) => BoundRelation,
): { plan: LogicalPlan; columns: ScopeColumn[] } {
  const position = call.location === undefined ? undefined : call.location + 1;
  const args = call.args ?? [];
  if (args.length < 3)
    throw new SemanticError(
      SqlState.undefinedFunction,
      'SESSION takes (relation, time column, gap [, key, …])',
      {
        position,
      },
    );
  const relationName = columnRefName(args[0]!, 'the relation', position);
  const relation = bindRelation({ RangeVar: { relname: relationName, inh: true, location: call.location } });
  const names = relation.columns.map((c) => c.name);
  const column = (node: Node, what: string): string => {
    const name = columnRefName(node, what, position);
    const found = relation.columns.find((c) => c.name === name);
    if (!found)
      throw new SemanticError(SqlState.undefinedColumn, `column "${name}" does not exist`, { position });
    return name;
  };
  const time = column(args[1]!, 'the time column');
  const timeType = relation.columns.find((c) => c.name === time)!.type;
  if (timeType.id !== 'timestamp' && timeType.id !== 'timestamptz')
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `the time column of SESSION must be a timestamp or timestamptz, not ${typeName(timeType)}`,
      { position },
    );
  const gap = windowInterval(args[2]!, outer, ctx, position);
  const gapMicros = windowMicros(gap, position);
  const keys = args.slice(3).map((a) => column(a, 'a key'));
  const sql = sessionQuery(relationName, names, time, keys, gapMicros);
  const parsed = pgParse(sql);
  const stmt = parsed.ok ? parsed.stmts[0] : undefined;
  if (stmt === undefined || !('SelectStmt' in stmt))
    throw new InternalError('the SESSION window query did not parse', { detail: sql });
  const alias = rf.alias?.aliasname ?? relationName;
  return bindRelation({ RangeSubselect: { subquery: stmt, alias: { aliasname: alias } } });
}

/** The SESSION call as a query over window functions (names quoted; the gap in microseconds). */
function sessionQuery(
  relation: string,
  columns: readonly string[],
  time: string,
  keys: readonly string[],
  gapMicros: number,
): string {
  const t = quote(time);
  const gap = `INTERVAL '${gapMicros} microseconds'`;
  const partition = keys.length === 0 ? '' : `PARTITION BY ${keys.map(quote).join(', ')} `;
  const session = `PARTITION BY ${[...keys.map(quote), SESSION_NUMBER_COLUMN].join(', ')}`;
  return `SELECT ${columns.map(quote).join(', ')}, window_start, window_end FROM (
    SELECT n.*, min(${t}) OVER (${session}) AS window_start, max(${t}) OVER (${session}) + ${gap} AS window_end
    FROM (SELECT s.*, sum(${HELPER}start) OVER (${partition}ORDER BY ${t}) AS ${SESSION_NUMBER_COLUMN}
          FROM (SELECT r.*, CASE WHEN ${t} - lag(${t}) OVER (${partition}ORDER BY ${t}) < ${gap} THEN 0 ELSE 1 END
                           AS ${HELPER}start
                FROM ${quote(relation)} AS r WHERE ${t} IS NOT NULL) AS s) AS n) AS ${HELPER}rows`;
}

function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
