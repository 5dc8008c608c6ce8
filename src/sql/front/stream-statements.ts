/**
 * @module sql/front/stream-statements
 * Statements about change streams: CREATE SINK, CREATE MATERIALIZED VIEW … EMIT ON WINDOW CLOSE and
 * SUBSCRIBE, alone or inside COPY (…) TO STDOUT and DECLARE … CURSOR FOR. Queries inside them are
 * parsed by libpg-query as written; COPY and DECLARE are PostgreSQL's with the SUBSCRIBE masked.
 */
import type { Node, SelectStmt } from 'libpg-query';
import type {
  CopySubscribeStatement,
  CreateMaterializedViewStatement,
  CreateSinkStatement,
  DeclareSubscribeStatement,
  SinkInput,
  SubscribeStatement,
  SubscribeTarget,
  Subscription,
} from './ast.ts';
import { atFormatClause, formatClause, ifNotExists, objectName, withOptions } from './clauses.ts';
import type { StatementParser } from './statement-parser.ts';

/** The query in tokens `first..last`, which must be a SELECT (or VALUES, set operation…). */
function query(p: StatementParser, first: number, last: number): SelectStmt {
  if (last < first) throw p.errorNear(first);
  const stmts = p.parseFragment({ start: p.tokens[first].start, end: p.tokens[last].end });
  const stmt = stmts.length === 1 ? stmts[0] : undefined;
  if (stmt === undefined || !('SelectStmt' in stmt)) throw p.errorNear(first);
  return stmt.SelectStmt;
}

/** After CREATE SINK. */
export function createSink(p: StatementParser): CreateSinkStatement {
  const exists = ifNotExists(p);
  const name = objectName(p);
  let input: SinkInput;
  if (p.acceptWord('from')) input = { kind: 'relation', name: objectName(p) };
  else if (p.acceptWord('as') && !p.atEnd()) {
    const first = p.pos;
    let end = first + 1;
    while (end < p.limit && !(p.isWord('with', end - p.pos) && p.isPunct('(', end + 1 - p.pos))) {
      if (atFormatClause(p, end - p.pos)) break;
      end++;
    }
    input = { kind: 'query', query: query(p, first, end - 1), location: p.location(first) };
    p.pos = end;
  } else throw p.errorNear(p.pos);
  const withList = withOptions(p);
  const format = formatClause(p);
  p.expectEnd();
  return {
    kind: 'createSink',
    text: p.text,
    offset: p.offset,
    name,
    ifNotExists: exists,
    input,
    with: withList,
    format,
  };
}

/** After CREATE [OR REPLACE]: a materialized view ending in EMIT ON WINDOW CLOSE, else undefined. */
export function createMaterializedView(p: StatementParser): CreateMaterializedViewStatement | undefined {
  const emit = p.limit - 4;
  if (emit <= p.pos) return undefined;
  for (const [k, word] of ['emit', 'on', 'window', 'close'].entries())
    if (!p.isWord(word, emit + k - p.pos)) return undefined;
  const mask = { start: p.tokens[emit].start, end: p.tokens[p.limit - 1].end, replacement: '' };
  const [stmt] = p.parseFragment({ start: 0, end: p.text.length, masks: [mask] });
  if (stmt === undefined || !('CreateTableAsStmt' in stmt)) return undefined;
  const create = stmt.CreateTableAsStmt;
  if (create.objtype !== 'OBJECT_MATVIEW' || create.query === undefined || !('SelectStmt' in create.query)) {
    throw p.errorNear(emit);
  }
  return {
    kind: 'createMaterializedView',
    text: p.text,
    offset: p.offset,
    stmt: create,
    query: create.query.SelectStmt,
    emitOnWindowClose: true,
    emitLocation: p.location(emit),
  };
}

/** `[TO] name | (query) [WITH (…)]` after SUBSCRIBE at token `keyword`, up to the parser's limit. */
function subscription(p: StatementParser, keyword: number): Subscription {
  p.acceptWord('to');
  let target: SubscribeTarget;
  if (p.isPunct('(')) {
    const open = p.pos;
    const close = p.closing(open);
    if (close < 0) throw p.errorNear(p.limit);
    target = { kind: 'query', query: query(p, open + 1, close - 1), location: p.location(open + 1) };
    p.pos = close + 1;
  } else target = { kind: 'relation', name: objectName(p) };
  const withList = withOptions(p);
  p.expectEnd();
  return { target, with: withList, location: p.location(keyword) };
}

/** After SUBSCRIBE. */
export function subscribe(p: StatementParser): SubscribeStatement {
  return { kind: 'subscribe', text: p.text, offset: p.offset, subscription: subscription(p, p.pos - 1) };
}

/** After COPY: `(SUBSCRIBE …) TO …`, else undefined for PostgreSQL's COPY. */
export function copySubscribe(p: StatementParser): CopySubscribeStatement | undefined {
  if (!p.isPunct('(') || !p.isWord('subscribe', 1)) return undefined;
  const open = p.pos;
  const close = p.closing(open);
  if (close < 0) throw p.errorNear(p.limit);
  const limit = p.limit;
  p.limit = close;
  p.pos = open + 2;
  const sub = subscription(p, open + 1);
  p.limit = limit;
  const stmt = maskedSubscribe(p, open + 1, close - 1);
  if (!('CopyStmt' in stmt)) throw p.errorNear(0);
  const copy = { ...stmt.CopyStmt };
  delete copy.query;
  return { kind: 'copySubscribe', text: p.text, offset: p.offset, subscription: sub, copy };
}

/** After DECLARE: `c … CURSOR … FOR SUBSCRIBE …`, else undefined for PostgreSQL's DECLARE. */
export function declareSubscribe(p: StatementParser): DeclareSubscribeStatement | undefined {
  let keyword = -1;
  for (let i = p.pos; i + 1 < p.limit; i++) {
    if (p.isWord('for', i - p.pos) && p.isWord('subscribe', i + 1 - p.pos)) {
      keyword = i + 1;
      break;
    }
  }
  if (keyword < 0) return undefined;
  p.pos = keyword + 1;
  const sub = subscription(p, keyword);
  const stmt = maskedSubscribe(p, keyword, p.limit - 1);
  if (!('DeclareCursorStmt' in stmt)) throw p.errorNear(0);
  const cursor = { ...stmt.DeclareCursorStmt };
  delete cursor.query;
  return { kind: 'declareSubscribe', text: p.text, offset: p.offset, subscription: sub, cursor };
}

/** PostgreSQL's parse of the statement with tokens `first..last` (the SUBSCRIBE) read as `SELECT 1`. */
function maskedSubscribe(p: StatementParser, first: number, last: number): Node {
  const mask = { start: p.tokens[first].start, end: p.tokens[last].end, replacement: 'SELECT 1' };
  const [stmt] = p.parseFragment({ start: 0, end: p.text.length, masks: [mask] });
  if (stmt === undefined) throw p.errorNear(0);
  return stmt;
}
