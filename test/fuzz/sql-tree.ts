/**
 * @module test/fuzz/sql-tree
 * The generated query as a tree that the minimiser can shrink: a node renders as its parts in
 * order (or, for a list, its items joined by a separator) and carries simpler stand-ins of the
 * same type (`alts`: a child expression, a literal). Shrinking only ever drops list items or swaps
 * a node for one of its stand-ins, so every candidate is SQL the generator could have written.
 */

export type SqlPart = string | SqlNode;

export interface SqlNode {
  readonly parts: readonly SqlPart[];
  /** Renders items joined by `sep`; the minimiser may drop items down to `min`. */
  readonly list?: { readonly sep: string; readonly min: number };
  /** Replacements of the same type, simplest first. */
  readonly alts?: readonly SqlPart[];
}

export function node(parts: readonly SqlPart[], alts?: readonly SqlPart[]): SqlNode {
  return alts === undefined || alts.length === 0 ? { parts } : { parts, alts };
}

export function list(items: readonly SqlPart[], sep: string, min: number): SqlNode {
  return { parts: items, list: { sep, min } };
}

export function render(part: SqlPart): string {
  if (typeof part === 'string') return part;
  const texts = part.parts.map(render);
  return part.list === undefined ? texts.join('') : texts.join(part.list.sep);
}

/** Paths (child indexes from the root) of every node, parents before children. */
export function nodePaths(root: SqlPart): number[][] {
  const out: number[][] = [];
  const walk = (p: SqlPart, path: number[]): void => {
    if (typeof p === 'string') return;
    out.push(path);
    for (let i = 0; i < p.parts.length; i++) walk(p.parts[i]!, [...path, i]);
  };
  walk(root, []);
  return out;
}

export function nodeAt(root: SqlPart, path: readonly number[]): SqlPart {
  let p = root;
  for (const i of path) p = (p as SqlNode).parts[i]!;
  return p;
}

/** A copy of `root` with the node at `path` replaced. */
export function replaceAt(root: SqlPart, path: readonly number[], replacement: SqlPart): SqlPart {
  if (path.length === 0) return replacement;
  const n = root as SqlNode;
  const [head, ...rest] = path;
  const parts = n.parts.slice();
  parts[head!] = replaceAt(parts[head!]!, rest, replacement);
  return { ...n, parts };
}

/** Counts nodes: the minimiser's measure of size. */
export function size(root: SqlPart): number {
  return typeof root === 'string' ? 0 : 1 + root.parts.reduce((s, p) => s + size(p), 0);
}
