/**
 * @module test/slt/runner/sql-scan
 * Just enough SQL reading for incremental mode: the columns of a `CREATE TABLE`, and the literal rows
 * of an `INSERT … VALUES`. Anything else returns null and is then treated as opaque SQL.
 */

export interface Literal {
  /** The literal as written, to re-insert the row and build a delete predicate. */
  readonly text: string;
  readonly kind: 'null' | 'number' | 'string' | 'bool';
  /** Equal keys mean equal values when stored (numbers normalised, strings verbatim). */
  readonly key: string;
}

export interface ColumnInfo {
  /** The name as written (quotes kept), for generated SQL. */
  readonly sqlName: string;
  /** The name as the catalog sees it (unquoted names fold to lower case). */
  readonly name: string;
  /** Omitting the column in an INSERT stores a value the runner cannot know. */
  readonly hasDefault: boolean;
  /** The declared type as written (may be empty). */
  readonly typeText: string;
}

export interface TableInfo {
  readonly name: string;
  readonly sqlName: string;
  readonly columns: readonly ColumnInfo[];
}

export interface InsertRows {
  readonly table: string;
  readonly sqlTable: string;
  /** Target column names (catalog form), or null when the INSERT lists none. */
  readonly columns: readonly string[] | null;
  readonly sqlColumns: readonly string[] | null;
  readonly rows: readonly (readonly Literal[])[];
}

type Token = { kind: 'ident' | 'qident' | 'number' | 'string' | 'punct'; text: string };

const tokenPattern =
  /\s*(?:("(?:[^"]|"")*")|([A-Za-z_][A-Za-z0-9_$]*)|((?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|('(?:[^']|'')*')|([(),.;+-]))/y;
const constraintWords = new Set(['constraint', 'primary', 'unique', 'check', 'foreign', 'exclude', 'like']);
const columnOptionWords = new Set([
  'not',
  'null',
  'default',
  'primary',
  'unique',
  'check',
  'references',
  'constraint',
  'collate',
  'generated',
]);

/** Tokens of the statement, or null when it holds anything this scanner does not know. */
function tokenize(sql: string): Token[] | null {
  const tokens: Token[] = [];
  const text = sql.trimEnd();
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < text.length) {
    const m = tokenPattern.exec(text);
    if (m === null) return null;
    if (m[1] !== undefined) tokens.push({ kind: 'qident', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'ident', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'number', text: m[3] });
    else if (m[4] !== undefined) tokens.push({ kind: 'string', text: m[4] });
    else tokens.push({ kind: 'punct', text: m[5] });
  }
  if (tokens.length > 0 && tokens[tokens.length - 1].text === ';') tokens.pop();
  return tokens;
}

function catalogName(t: Token): string {
  return t.kind === 'qident' ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase();
}

function isWord(t: Token | undefined, word: string): boolean {
  return t !== undefined && t.kind === 'ident' && t.text.toLowerCase() === word;
}

function isName(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === 'ident' || t.kind === 'qident');
}

/** Reads `name` or `schema.name` at `i`; returns the parts and the next index. */
function readName(tokens: Token[], i: number): { name: string; sqlName: string; next: number } | null {
  if (!isName(tokens[i])) return null;
  let name = catalogName(tokens[i]);
  let sqlName = tokens[i].text;
  let next = i + 1;
  while (tokens[next]?.text === '.' && isName(tokens[next + 1])) {
    name += `.${catalogName(tokens[next + 1])}`;
    sqlName += `.${tokens[next + 1].text}`;
    next += 2;
  }
  return { name, sqlName, next };
}

/** `CREATE [TEMP] TABLE [IF NOT EXISTS] name (columns…)`; null for other forms (e.g. AS SELECT). */
export function scanCreateTable(sql: string): TableInfo | null {
  const tokens = tokenize(sql);
  if (tokens === null || !isWord(tokens[0], 'create')) return null;
  let i = 1;
  while (['temp', 'temporary', 'unlogged'].some((w) => isWord(tokens[i], w))) i++;
  if (!isWord(tokens[i], 'table')) return null;
  i++;
  if (isWord(tokens[i], 'if') && isWord(tokens[i + 1], 'not') && isWord(tokens[i + 2], 'exists')) i += 3;
  const name = readName(tokens, i);
  if (name === null || tokens[name.next]?.text !== '(') return null;
  const elements = splitTopLevel(tokens, name.next + 1);
  if (elements === null || elements.end !== tokens.length - 1) return null;
  const columns: ColumnInfo[] = [];
  for (const el of elements.items) {
    if (el.length === 0) return null;
    if (el[0].kind === 'ident' && constraintWords.has(el[0].text.toLowerCase())) continue;
    if (!isName(el[0])) return null;
    const words = el.slice(1).map((t) => t.text.toLowerCase());
    let typeEnd = words.findIndex((w) => columnOptionWords.has(w));
    if (typeEnd < 0) typeEnd = words.length;
    const typeText = el
      .slice(1, 1 + typeEnd)
      .map((t) => t.text)
      .join(' ');
    const hasDefault = words.includes('default') || words.includes('generated') || /serial/i.test(typeText);
    columns.push({
      sqlName: el[0].text,
      name: catalogName(el[0]),
      hasDefault,
      typeText,
    });
  }
  return columns.length === 0 ? null : { name: name.name, sqlName: name.sqlName, columns };
}

/** Splits a parenthesised list starting after its `(` at top-level commas; `end` is the `)` index. */
function splitTopLevel(tokens: Token[], start: number): { items: Token[][]; end: number } | null {
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = start; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.text === '(') depth++;
    else if (t.kind === 'punct' && t.text === ')') {
      if (depth === 0) return { items, end: i };
      depth--;
    } else if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      items.push([]);
      continue;
    }
    items[items.length - 1].push(t);
  }
  return null;
}

/** `INSERT INTO name [(cols)] VALUES (literals)[, …]`; null for any other form. */
export function scanInsert(sql: string): InsertRows | null {
  const tokens = tokenize(sql);
  if (tokens === null || !isWord(tokens[0], 'insert') || !isWord(tokens[1], 'into')) return null;
  const name = readName(tokens, 2);
  if (name === null) return null;
  let i = name.next;
  let columns: string[] | null = null;
  let sqlColumns: string[] | null = null;
  if (tokens[i]?.text === '(') {
    const list = splitTopLevel(tokens, i + 1);
    if (list === null || list.items.some((c) => c.length !== 1 || !isName(c[0]))) return null;
    columns = list.items.map((c) => catalogName(c[0]));
    sqlColumns = list.items.map((c) => c[0].text);
    i = list.end + 1;
  }
  if (!isWord(tokens[i], 'values')) return null;
  i++;
  const rows: Literal[][] = [];
  while (i < tokens.length) {
    if (tokens[i].text !== '(') return null;
    const list = splitTopLevel(tokens, i + 1);
    if (list === null) return null;
    const row: Literal[] = [];
    for (const item of list.items) {
      const lit = literalOf(item);
      if (lit === null) return null;
      row.push(lit);
    }
    if (columns !== null && row.length !== columns.length) return null;
    rows.push(row);
    i = list.end + 1;
    if (i < tokens.length) {
      if (tokens[i].text !== ',') return null;
      i++;
    }
  }
  if (rows.length === 0) return null;
  return { table: name.name, sqlTable: name.sqlName, columns, sqlColumns, rows };
}

function literalOf(tokens: Token[]): Literal | null {
  if (tokens.length === 1) {
    const t = tokens[0];
    if (t.kind === 'string')
      return { text: t.text, kind: 'string', key: `s${t.text.slice(1, -1).replace(/''/g, "'")}` };
    if (t.kind === 'number') return numberLiteral(t.text, false);
    if (isWord(t, 'null')) return { text: 'NULL', kind: 'null', key: 'null' };
    if (isWord(t, 'true') || isWord(t, 'false'))
      return { text: t.text.toUpperCase(), kind: 'bool', key: `b${t.text}` };
    return null;
  }
  if (
    tokens.length === 2 &&
    tokens[1].kind === 'number' &&
    (tokens[0].text === '-' || tokens[0].text === '+')
  ) {
    return numberLiteral(tokens[1].text, tokens[0].text === '-');
  }
  return null;
}

function numberLiteral(digits: string, negative: boolean): Literal {
  const text = negative ? `-${digits}` : digits;
  const integral = /^\d+$/.test(digits);
  const value = integral ? BigInt(text).toString() : String(Number(text));
  return { text, kind: 'number', key: `n${value === '-0' ? '0' : value}` };
}
