/**
 * @module sql/front/connector-statements
 * CREATE SOURCE (from a connector, or FROM POSTGRES CONNECTION) and CREATE TABLE with Eddy clauses.
 * The Eddy clauses are masked out of the statement and PostgreSQL parses the rest as a CREATE TABLE, so
 * column definitions, types and constraints are always PostgreSQL's, at their original offsets.
 */
import type { CreateStmt } from 'libpg-query';
import { EddyError } from '../../common/errors.ts';
import type {
  CreatePostgresSourceStatement,
  CreateSourceStatement,
  CreateTableStatement,
  FormatClause,
  ObjectName,
  PostgresStatement,
  StructType,
  WithOption,
} from './ast.ts';
import {
  atFormatClause,
  formatClause,
  ifNotExists,
  objectName,
  objectNames,
  optionList,
  withOptions,
} from './clauses.ts';
import { readColumnList } from './column-list.ts';
import type { Mask, StatementParser } from './statement-parser.ts';

/** What the column list contributed: masks plus watermarks and structs. */
interface ColumnsRead {
  readonly masks: Mask[];
  readonly watermarks: CreateSourceStatement['watermarks'];
  readonly structs: StructType[];
  /** False when the statement has no column list: PostgreSQL then needs `()` written in. */
  readonly present: boolean;
}

/** Reads an optional column list at the cursor; undefined when its `(` is never closed. */
function columns(p: StatementParser): ColumnsRead | undefined {
  const structs: StructType[] = [];
  if (!p.isPunct('(')) return { masks: [], watermarks: [], structs, present: false };
  const open = p.pos;
  const close = p.closing(open);
  if (close < 0) return undefined;
  const { masks, watermarks } = readColumnList(p, open, close, structs);
  p.pos = close + 1;
  return { masks, watermarks, structs, present: true };
}

/** A mask over tokens `from..to` (inclusive); `()` is written in where the column list must appear. */
function clauseMask(p: StatementParser, from: number, to: number, cols: ColumnsRead, first: boolean): Mask {
  const replacement = first && !cols.present ? '()' : '';
  return { start: p.tokens[from].start, end: p.tokens[to].end, replacement };
}

/** PostgreSQL's CreateStmt for the masked statement. */
function createStmt(p: StatementParser, masks: Mask[]): CreateStmt {
  const [stmt] = p.parseFragment({ start: 0, end: p.text.length, masks });
  if (stmt === undefined || !('CreateStmt' in stmt)) throw p.errorNear(0);
  return stmt.CreateStmt;
}

/** After CREATE SOURCE. */
export function createSource(p: StatementParser): CreateSourceStatement | CreatePostgresSourceStatement {
  const keyword = p.tokens[p.pos - 1];
  const exists = ifNotExists(p);
  const name = objectName(p);
  if (p.acceptWord('from')) return postgresSource(p, name, exists);
  const cols = columns(p);
  const sourceMask = { start: keyword.start, end: keyword.end, replacement: 'TABLE' };
  if (cols === undefined) {
    // An unclosed column list: PostgreSQL says where the column definitions went wrong.
    p.parseFragment({ start: 0, end: p.text.length, masks: [sourceMask] });
    throw p.errorNear(p.limit);
  }
  const tail = p.pos;
  const withList = withOptions(p);
  const format = formatClause(p);
  p.expectEnd();
  const masks = [sourceMask, ...cols.masks];
  if (tail < p.limit) masks.push(clauseMask(p, tail, p.limit - 1, cols, true));
  const table = createStmt(p, masks);
  return {
    kind: 'createSource',
    text: p.text,
    offset: p.offset,
    name,
    ifNotExists: exists,
    table,
    watermarks: cols.watermarks,
    structs: cols.structs,
    with: withList,
    format,
  };
}

/** After CREATE SOURCE name FROM. */
function postgresSource(
  p: StatementParser,
  name: ObjectName,
  exists: boolean,
): CreatePostgresSourceStatement {
  p.expectWord('postgres');
  p.expectWord('connection');
  const connection = objectName(p);
  const options = p.isPunct('(') ? optionList(p) : [];
  p.expectWord('for');
  let tables: ObjectName[] | 'all';
  if (p.acceptWords('all', 'tables')) tables = 'all';
  else {
    p.expectWord('tables');
    p.expectPunct('(');
    tables = objectNames(p);
    p.expectPunct(')');
  }
  p.expectEnd();
  return {
    kind: 'createPostgresSource',
    text: p.text,
    offset: p.offset,
    name,
    ifNotExists: exists,
    connection,
    options,
    tables,
  };
}

const TABLE_MODIFIERS = new Set(['global', 'local', 'temp', 'temporary', 'unlogged']);

/**
 * After CREATE, at TABLE or a modifier. Returns a 'createTable' when the statement has Eddy clauses or
 * WITH options only Eddy reads (dotted keys, SECRET values); a 'postgres' statement when PostgreSQL parses
 * it as written; undefined to let PostgreSQL report what is wrong.
 */
export function createTable(p: StatementParser): CreateTableStatement | PostgresStatement | undefined {
  while (p.peek()?.kind === 'word' && TABLE_MODIFIERS.has(p.peek()?.word ?? '')) p.pos++;
  if (!p.acceptWord('table')) return undefined;
  ifNotExists(p);
  objectName(p);
  if (!p.isPunct('(') && !p.isWord('with')) return undefined;
  const cols = columns(p);
  if (cols === undefined) return undefined;
  const { withAt, formatAt } = findClauses(p);
  const eddy = cols.watermarks.length > 0 || cols.structs.length > 0 || formatAt >= 0;
  if (!eddy) {
    const plain = tryPostgres(p, withAt);
    if (plain !== undefined) return plain;
  }
  const masks = [...cols.masks];
  let withList: WithOption[] = [];
  if (withAt >= 0) {
    p.pos = withAt;
    withList = withOptions(p);
    masks.push(clauseMask(p, withAt, p.pos - 1, cols, true));
  }
  let format: FormatClause | undefined;
  if (formatAt >= 0) {
    p.pos = formatAt;
    format = formatClause(p);
    p.expectEnd();
    masks.push(clauseMask(p, formatAt, p.limit - 1, cols, withAt < 0));
  }
  const stmt = createStmt(p, masks);
  return {
    kind: 'createTable',
    text: p.text,
    offset: p.offset,
    stmt,
    watermarks: cols.watermarks,
    structs: cols.structs,
    with: withList,
    format,
  };
}

/** Token indices of the top-level `WITH (` and FORMAT clause after the column list, or -1. */
function findClauses(p: StatementParser): { withAt: number; formatAt: number } {
  let withAt = -1;
  for (let i = p.pos; i < p.limit; i++) {
    const t = p.tokens[i];
    if (t.kind === 'punct' && t.word === '(') {
      const close = p.closing(i);
      if (close < 0) break;
      i = close;
    } else if (withAt < 0 && p.isWord('with', i - p.pos) && p.isPunct('(', i + 1 - p.pos)) withAt = i;
    else if (atFormatClause(p, i - p.pos)) return { withAt, formatAt: i };
  }
  return { withAt, formatAt: -1 };
}

/**
 * The statement as PostgreSQL parses it; undefined when PostgreSQL stumbles inside the WITH list, which
 * Eddy's option syntax may still accept. Any other error is PostgreSQL's to report.
 */
function tryPostgres(p: StatementParser, withAt: number): PostgresStatement | undefined {
  try {
    const [stmt] = p.parseFragment({ start: 0, end: p.text.length });
    if (stmt === undefined) return undefined;
    return { kind: 'postgres', text: p.text, offset: p.offset, stmt };
  } catch (error) {
    if (withAt < 0 || !(error instanceof EddyError) || error.position === undefined) throw error;
    const index = error.position - 1 - p.offset;
    const close = p.closing(withAt + 1);
    if (index < p.tokens[withAt].start || (close >= 0 && index > p.tokens[close].start)) throw error;
    return undefined;
  }
}
