/**
 * @module sql/front/libpg
 * The one door to libpg-query: loading its WASM module, parsing and scanning with its errors caught
 * as values, and moving the locations of a parsed tree from wrapper text to the user's script.
 */
import type { Node, ParseResult, ScanToken } from 'libpg-query';
import { loadModule, parseSync, scanSync } from 'libpg-query';
import { InternalError } from '../../common/errors.ts';
import { byteToIndexTable, isAscii } from './text-offsets.ts';

let loaded: Promise<void> | undefined;
let ready = false;

/** Loads the PostgreSQL parser. Call (and await) once before any parse; later calls are free. */
export function loadParser(): Promise<void> {
  loaded ??= loadModule().then(() => {
    ready = true;
  });
  return loaded;
}

function checkReady(): void {
  if (ready) return;
  try {
    // Another module may have loaded libpg-query already; a scan of nothing tells.
    scanSync('');
    ready = true;
  } catch (error) {
    throw new InternalError('the SQL parser is not loaded: await loadParser() first', { cause: error });
  }
}

/** A libpg-query failure: its message and the 0-based code point where PostgreSQL put the cursor. */
export interface PgFailure {
  readonly message: string;
  readonly cursor: number;
}

export type PgParse =
  | { readonly ok: true; readonly stmts: Node[] }
  | { readonly ok: false; readonly failure: PgFailure };

function failureOf(error: unknown): PgFailure {
  if (typeof error === 'object' && error !== null && 'sqlDetails' in error) {
    const details = (error as { sqlDetails?: { message?: unknown; cursorPosition?: unknown } }).sqlDetails;
    if (typeof details?.message === 'string' && typeof details.cursorPosition === 'number') {
      return { message: details.message, cursor: details.cursorPosition };
    }
  }
  throw new InternalError('libpg-query failed without a position', { cause: error });
}

/** Parses `text` with PostgreSQL's grammar. Locations in the result are still UTF-8 offsets into `text`. */
export function pgParse(text: string): PgParse {
  checkReady();
  let result: ParseResult;
  try {
    result = parseSync(text);
  } catch (error) {
    return { ok: false, failure: failureOf(error) };
  }
  const stmts: Node[] = [];
  for (const raw of result.stmts ?? []) if (raw.stmt !== undefined) stmts.push(raw.stmt);
  return { ok: true, stmts };
}

/** PostgreSQL's tokens for `text` (offsets in UTF-8 bytes), or undefined when its lexer rejects the text. */
export function pgScan(text: string): ScanToken[] | undefined {
  checkReady();
  try {
    return scanSync(text).tokens ?? [];
  } catch {
    // libpg-query's scan reports lexer errors without a position; the caller recovers (see lexer.ts).
    return undefined;
  }
}

/** Every field of a libpg-query node that holds an offset into the parsed text. */
const LOCATION_KEYS = new Set([
  'location',
  'stmt_location',
  'list_start',
  'list_end',
  'rexpr_list_start',
  'rexpr_list_end',
  'name_location',
]);

/**
 * Rewrites, in place, every location in `node` (UTF-8 offsets into `parsedText`) to a string index in
 * the script: the string index in `parsedText` plus `shift`. Unknown locations (-1) stay -1.
 */
export function relocate(node: unknown, parsedText: string, shift: number): void {
  const table = isAscii(parsedText) ? undefined : byteToIndexTable(parsedText);
  if (table === undefined && shift === 0) return;
  relocateIn(node, table, shift);
}

function relocateIn(node: unknown, table: Int32Array | undefined, shift: number): void {
  if (Array.isArray(node)) {
    for (const item of node) if (typeof item === 'object' && item !== null) relocateIn(item, table, shift);
    return;
  }
  const record = node as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (typeof value === 'object') {
      if (value !== null) relocateIn(value, table, shift);
    } else if (typeof value === 'number' && value >= 0 && LOCATION_KEYS.has(key)) {
      record[key] = (table === undefined ? value : table[Math.min(value, table.length - 1)]) + shift;
    }
  }
}
