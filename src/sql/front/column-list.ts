/**
 * @module sql/front/column-list
 * Reads the Eddy parts of a `( … )` column list: `WATERMARK FOR col AS expr` elements and `STRUCT<…>`
 * types. It returns masks that leave a list PostgreSQL parses (the other columns and constraints, at
 * their original offsets), and parses each watermark expression and struct field list with libpg-query.
 */
import type { Node } from 'libpg-query';
import type { StructField, StructType, WatermarkClause } from './ast.ts';
import { isNameToken } from './clauses.ts';
import type { Mask, StatementParser } from './statement-parser.ts';
import { structPlaceholder } from './struct-type.ts';

export interface ColumnListParts {
  readonly masks: Mask[];
  readonly watermarks: WatermarkClause[];
}

interface Element {
  readonly first: number;
  /** Inclusive; `last < first` for an empty element, which PostgreSQL reports. */
  readonly last: number;
  readonly eddy: boolean;
}

/** Reads the list between the `(` at token `open` and the `)` at token `close`; structs go to `structs`. */
export function readColumnList(
  p: StatementParser,
  open: number,
  close: number,
  structs: StructType[],
): ColumnListParts {
  const masks: Mask[] = [];
  const watermarks: WatermarkClause[] = [];
  const elements: Element[] = [];
  const commas: number[] = [];
  let depth = 0;
  let first = open + 1;
  for (let i = open + 1; i <= close; i++) {
    const t = p.tokens[i];
    if (i === close || (depth === 0 && t.kind === 'punct' && t.word === ',')) {
      elements.push(readElement(p, first, i - 1, masks, watermarks, structs));
      if (i < close) commas.push(i);
      first = i + 1;
    } else if (t.kind === 'punct' && t.word === '(') depth++;
    else if (t.kind === 'punct' && t.word === ')') depth--;
    else if (i > first && isStructStart(p, i)) i = structEnd(p, i, close);
  }
  // Keep exactly the commas that separate the elements PostgreSQL still sees.
  let keptAfter = elements.length;
  while (keptAfter > 0 && elements[keptAfter - 1].eddy) keptAfter--;
  for (let k = 0; k < commas.length; k++) {
    if (elements[k].eddy || k + 1 >= keptAfter) {
      const comma = p.tokens[commas[k]];
      masks.push({ start: comma.start, end: comma.end, replacement: '' });
    }
  }
  return { masks, watermarks };
}

function readElement(
  p: StatementParser,
  first: number,
  last: number,
  masks: Mask[],
  watermarks: WatermarkClause[],
  structs: StructType[],
): Element {
  const t = p.tokens;
  if (last >= first + 1 && p.tokens[first].word === 'watermark' && t[first + 1].word === 'for') {
    if (t[first].kind === 'word' && t[first + 1].kind === 'word') {
      watermarks.push(watermark(p, first, last));
      masks.push({ start: t[first].start, end: t[last].end, replacement: '' });
      return { first, last, eddy: true };
    }
  }
  // The first token names the column; a STRUCT after it is a type.
  for (let j = first + 1; j < last; j++) {
    if (!isStructStart(p, j)) continue;
    const struct = readStruct(p, j, last, structs);
    masks.push(placeholderMask(p, j, struct.close, struct.index));
    j = struct.close;
  }
  return { first, last, eddy: false };
}

function isStructStart(p: StatementParser, j: number): boolean {
  const t = p.tokens[j];
  const next = p.tokens[j + 1];
  return t.kind === 'word' && t.word === 'struct' && next?.kind === 'punct' && next.word === '<';
}

/** The token of the `>` closing the STRUCT at token `j` (its commas are not the list's), or `close`. */
function structEnd(p: StatementParser, j: number, close: number): number {
  let depth = 0;
  for (let k = j; k < close; k++) {
    if (isStructStart(p, k)) {
      depth++;
      k++;
    } else if (p.tokens[k].kind === 'punct' && p.tokens[k].word === '>' && --depth === 0) return k;
  }
  return close - 1;
}

function placeholderMask(p: StatementParser, from: number, close: number, index: number): Mask {
  const start = p.tokens[from].start;
  const end = p.tokens[close].end;
  const replacement = structPlaceholder(index);
  if (replacement.length > end - start) throw p.errorNear(from);
  return { start, end, replacement };
}

/** `WATERMARK FOR col AS expr`, tokens `first..last`. */
function watermark(p: StatementParser, first: number, last: number): WatermarkClause {
  const t = p.tokens;
  if (first + 2 > last || !isNameToken(t[first + 2])) throw p.errorNear(first + 2);
  if (first + 3 > last || t[first + 3].kind !== 'word' || t[first + 3].word !== 'as')
    throw p.errorNear(first + 3);
  if (first + 4 > last) throw p.errorNear(first + 4);
  const expr = expression(p, first + 4, last);
  return {
    column: t[first + 2].word,
    columnLocation: p.location(first + 2),
    expr,
    location: p.location(first),
  };
}

/** The expression of tokens `first..last`, parsed as `SELECT (expr)` so it cannot swallow a clause. */
export function expression(p: StatementParser, first: number, last: number): Node {
  const [stmt] = p.parseFragment({
    start: p.tokens[first].start,
    end: p.tokens[last].end,
    prefix: 'SELECT (',
    suffix: ')',
  });
  const target = stmt !== undefined && 'SelectStmt' in stmt ? stmt.SelectStmt.targetList : undefined;
  const only = target?.length === 1 ? target[0] : undefined;
  const value = only !== undefined && 'ResTarget' in only ? only.ResTarget.val : undefined;
  if (value === undefined) throw p.errorNear(first);
  return value;
}

/** `STRUCT<name type, …>` from the STRUCT at token `j`; returns the token of its `>` and its index. */
function readStruct(
  p: StatementParser,
  j: number,
  last: number,
  structs: StructType[],
): { close: number; index: number } {
  const t = p.tokens;
  const masks: Mask[] = [
    { start: t[j].start, end: t[j].end, replacement: '' },
    { start: t[j + 1].start, end: t[j + 1].end, replacement: '(' },
  ];
  let depth = 0;
  let expectName = true;
  for (let k = j + 2; k <= last; k++) {
    const token = t[k];
    if (token.kind === 'punct' && depth === 0 && token.word === '>') {
      masks.push({ start: token.start, end: token.end, replacement: ')' });
      const fields = structFields(p, t[j].start, token.end, masks);
      if (fields.length === 0) throw p.errorNear(k);
      return { close: k, index: structs.push({ fields, location: p.location(j) }) - 1 };
    }
    if (token.kind === 'punct' && depth === 0 && token.word === ',') {
      expectName = true;
      continue;
    }
    if (token.kind === 'punct' && token.word === '(') depth++;
    else if (token.kind === 'punct' && token.word === ')') depth--;
    else if (!expectName && depth === 0 && isStructStart(p, k)) {
      const inner = readStruct(p, k, last, structs);
      masks.push(placeholderMask(p, k, inner.close, inner.index));
      k = inner.close;
    }
    expectName = false;
  }
  throw p.errorNear(last + 1);
}

/** The fields of a masked struct, parsed as the column list of `CREATE TABLE x (name type, …)`. */
function structFields(p: StatementParser, start: number, end: number, masks: Mask[]): StructField[] {
  const [stmt] = p.parseFragment({ start, end, masks, prefix: 'CREATE TABLE x ' });
  const elements = stmt !== undefined && 'CreateStmt' in stmt ? (stmt.CreateStmt.tableElts ?? []) : [];
  const fields: StructField[] = [];
  for (const element of elements) {
    if (!('ColumnDef' in element)) throw p.errorNearIndex(nodeLocation(element, p.offset) - p.offset);
    const def = element.ColumnDef;
    const extra = def.constraints?.[0] ?? def.collClause;
    if (extra !== undefined) throw p.errorNearIndex(nodeLocation(extra, p.offset) - p.offset);
    if (def.colname === undefined || def.typeName === undefined) throw p.errorNearIndex(start);
    fields.push({ name: def.colname, type: def.typeName, location: def.location ?? p.offset + start });
  }
  return fields;
}

/** The location of a node (any kind), or `fallback`. */
function nodeLocation(node: object, fallback: number): number {
  const inner: unknown = 'location' in node ? node : Object.values(node)[0];
  const location =
    typeof inner === 'object' && inner !== null ? (inner as { location?: unknown }).location : undefined;
  return typeof location === 'number' && location >= 0 ? location : fallback;
}
