/**
 * @module sql/front/clauses
 * The pieces Eddy's statements share: qualified names, `(key = value, …)` option lists, the
 * `FORMAT … ENCODE …` clause and string constants. Each reads tokens at the parser's cursor and leaves
 * it after what it read.
 */
import type { EncodeKind, FormatClause, FormatKind, ObjectName, OptionValue, WithOption } from './ast.ts';
import type { Token } from './lexer.ts';
import type { StatementParser } from './statement-parser.ts';

export const FORMAT_KINDS: readonly FormatKind[] = ['plain', 'upsert', 'debezium'];
export const ENCODE_KINDS: readonly EncodeKind[] = ['json', 'avro', 'protobuf', 'csv', 'text', 'bytes'];

/** A quoted identifier, or an unquoted one PostgreSQL accepts as a name (not a reserved keyword). */
export function isNameToken(t: Token | undefined): t is Token {
  return t !== undefined && (t.kind === 'ident' || (t.kind === 'word' && t.keyword <= 2));
}

/** `name`, `schema.name` or `catalog.schema.name`. */
export function objectName(p: StatementParser): ObjectName {
  const location = p.location();
  const parts: string[] = [];
  do {
    const t = p.peek();
    if (!isNameToken(t)) throw p.errorNear(p.pos);
    parts.push(t.word);
    p.pos++;
  } while (parts.length < 3 && p.acceptPunct('.'));
  const name = parts[parts.length - 1];
  if (parts.length === 1) return { name, location };
  if (parts.length === 2) return { schema: parts[0], name, location };
  return { catalog: parts[0], schema: parts[1], name, location };
}

/** `name, name, …`. */
export function objectNames(p: StatementParser): ObjectName[] {
  const names = [objectName(p)];
  while (p.acceptPunct(',')) names.push(objectName(p));
  return names;
}

export function ifNotExists(p: StatementParser): boolean {
  return p.acceptWords('if', 'not', 'exists');
}

/** `WITH (…)` if present, else no options. */
export function withOptions(p: StatementParser): WithOption[] {
  return p.acceptWord('with') ? optionList(p) : [];
}

/** `(key = value, …)` with dotted keys (`properties.bootstrap.server`). */
export function optionList(p: StatementParser): WithOption[] {
  p.expectPunct('(');
  const options: WithOption[] = [];
  do options.push(option(p));
  while (p.acceptPunct(','));
  p.expectPunct(')');
  return options;
}

function option(p: StatementParser): WithOption {
  const location = p.location();
  let key = keyPart(p);
  while (p.acceptPunct('.')) key += `.${keyPart(p)}`;
  if (!p.acceptPunct('=')) return { key, value: { kind: 'boolean', value: true, location }, location };
  return { key, value: optionValue(p), location };
}

/** Any word may be a key part, reserved or not (`table = 'orders'`, `user = 'app'`). */
function keyPart(p: StatementParser): string {
  const t = p.peek();
  if (t === undefined || (t.kind !== 'word' && t.kind !== 'ident')) throw p.errorNear(p.pos);
  p.pos++;
  return t.word;
}

function optionValue(p: StatementParser): OptionValue {
  const location = p.location();
  const t = p.peek();
  if (t === undefined) throw p.errorNear(p.pos);
  if (t.kind === 'string') {
    p.pos++;
    return { kind: 'string', value: stringConstant(p, t), location };
  }
  if (t.kind === 'number') {
    p.pos++;
    return { kind: 'number', value: p.source(t), location };
  }
  if (t.kind === 'punct' && (t.word === '-' || t.word === '+') && p.peek(1)?.kind === 'number') {
    p.pos += 2;
    const digits = p.source(p.tokens[p.pos - 1]);
    return { kind: 'number', value: t.word === '-' ? `-${digits}` : digits, location };
  }
  if (t.kind === 'word' && (t.word === 'true' || t.word === 'false')) {
    p.pos++;
    return { kind: 'boolean', value: t.word === 'true', location };
  }
  if (t.kind === 'word' && t.word === 'secret' && isNameToken(p.peek(1))) {
    p.pos++;
    return { kind: 'secret', name: objectName(p), location };
  }
  if (t.kind !== 'word' && t.kind !== 'ident') throw p.errorNear(p.pos);
  let value = keyPart(p);
  while (p.acceptPunct('.')) value += `.${keyPart(p)}`;
  return { kind: 'identifier', value, location };
}

/** `FORMAT plain|upsert|debezium ENCODE json|… [(options)]`, or undefined if the next word is not FORMAT. */
export function formatClause(p: StatementParser): FormatClause | undefined {
  if (!p.isWord('format')) return undefined;
  const location = p.location();
  p.pos++;
  const format = p.expectOneOf(FORMAT_KINDS);
  p.expectWord('encode');
  const encode = p.expectOneOf(ENCODE_KINDS);
  const options = p.isPunct('(') ? optionList(p) : [];
  return { format, encode, options, location };
}

/** True when the tokens at the cursor start a FORMAT clause (FORMAT followed by a format kind). */
export function atFormatClause(p: StatementParser, ahead = 0): boolean {
  const next = p.peek(ahead + 1);
  return p.isWord('format', ahead) && next?.kind === 'word' && FORMAT_KINDS.some((k) => k === next.word);
}

const SIMPLE_STRING = /^'(?:[^']|'')*'$/;

/** The value of a string constant token. Plain '…' and $$…$$ are decoded here; PostgreSQL decodes the rest. */
export function stringConstant(p: StatementParser, t: Token): string {
  const source = p.source(t);
  if (SIMPLE_STRING.test(source)) return source.slice(1, -1).replaceAll("''", "'");
  if (source.startsWith('$')) {
    const tag = source.slice(0, source.indexOf('$', 1) + 1);
    return source.slice(tag.length, source.length - tag.length);
  }
  // E'…' escapes, U&'…' escapes and constants continued across lines.
  const [stmt] = p.parseFragment({ start: t.start, end: t.end, prefix: 'SELECT ' });
  const target = stmt !== undefined && 'SelectStmt' in stmt ? stmt.SelectStmt.targetList?.[0] : undefined;
  const value = target !== undefined && 'ResTarget' in target ? target.ResTarget.val : undefined;
  if (value !== undefined && 'A_Const' in value) return value.A_Const.sval?.sval ?? '';
  throw p.errorNear(p.tokens.indexOf(t));
}
