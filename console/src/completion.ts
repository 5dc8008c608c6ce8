/**
 * @module console/completion
 * Name completion for the SQL editor: the identifier being typed at the caret, and the catalog's
 * table, view and column names that start with it (objects first, then columns, each once).
 */
import type { CatalogObject } from './api.ts';

const identifierTail = /[A-Za-z_][A-Za-z0-9_$]*$/;

/** The identifier that ends at `caret` (its start and text), or null. */
export function wordAt(text: string, caret: number): { start: number; word: string } | null {
  const match = identifierTail.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: caret - match[0].length, word: match[0] };
}

/** Completions of `word` from the catalog, at most `max`. */
export function completions(objects: readonly CatalogObject[], word: string, max = 8): string[] {
  const prefix = word.toLowerCase();
  const names = new Set<string>();
  for (const o of objects) names.add(o.name);
  for (const o of objects) for (const c of o.columns) names.add(c.name);
  const out: string[] = [];
  for (const name of names) {
    if (name.toLowerCase().startsWith(prefix) && name.toLowerCase() !== prefix) out.push(name);
    if (out.length >= max) break;
  }
  return out;
}
