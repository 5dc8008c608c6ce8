/**
 * @module bench/nexmark/nexmark-queries
 * The vendored Nexmark queries (bench/nexmark/queries/, Apache-2.0, see README.md) as data: the
 * shared DDL, and per query its setup statements and the one CREATE MATERIALIZED VIEW nexmark_qN.
 */
import { readdirSync, readFileSync } from 'node:fs';

export const NEXMARK_QUERY_NAMES = Array.from({ length: 24 }, (_, n) => `q${n}`);

export interface NexmarkQuery {
  readonly name: string;
  /** `nexmark_<name>`: the materialized view the file creates. */
  readonly view: string;
  /** Statements the file runs before its view (q13's side input). */
  readonly setup: readonly string[];
  readonly createView: string;
  /** The SELECT of the view. */
  readonly select: string;
}

const queriesDir = new URL('./queries/', import.meta.url);

/** The three sources with their watermarks, as statements. */
export function nexmarkDdl(): readonly string[] {
  return statements(readFileSync(new URL('ddl.sql', queriesDir), 'utf8'));
}

export function nexmarkQuery(name: string): NexmarkQuery {
  const parts = statements(readFileSync(new URL(`${name}.sql`, queriesDir), 'utf8'));
  const view = `nexmark_${name}`;
  const at = parts.findIndex((s) => s.startsWith(`CREATE MATERIALIZED VIEW ${view} AS`));
  if (at !== parts.length - 1) throw new Error(`${name}.sql must end with CREATE MATERIALIZED VIEW ${view}`);
  const createView = parts[at]!;
  return {
    name,
    view,
    setup: parts.slice(0, at),
    createView,
    select: createView.slice(`CREATE MATERIALIZED VIEW ${view} AS`.length).trim(),
  };
}

/** Every vendored query, in q0…q23 order. */
export function nexmarkQueries(): readonly NexmarkQuery[] {
  const present = new Set(readdirSync(queriesDir));
  return NEXMARK_QUERY_NAMES.filter((n) => present.has(`${n}.sql`)).map(nexmarkQuery);
}

/**
 * A script's statements, comment lines dropped. The files end each statement with `;` at the end
 * of a line and have no `;` inside literals, so no SQL lexer is needed (nor its WebAssembly).
 */
function statements(script: string): string[] {
  const text = script
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n');
  return text
    .split(/;[ \t]*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
