/**
 * @module test/fuzz/minimise
 * Delta debugging for divergences: shrinks a query tree (drops list items, swaps nodes for their
 * simpler stand-ins) and then lists of rows and transactions (drops chunks, halving the chunk size),
 * keeping each change only while the divergence persists. A budget bounds the engine runs.
 */
import { nodeAt, nodePaths, render, replaceAt, type SqlNode, type SqlPart } from './sql-tree.ts';

export interface Budget {
  left: number;
}

/** The candidates for one node: the list without one item, then each stand-in. */
function candidates(n: SqlNode): SqlPart[] {
  const out: SqlPart[] = [];
  if (n.list !== undefined && n.parts.length > n.list.min) {
    for (let i = 0; i < n.parts.length; i++) out.push({ ...n, parts: n.parts.filter((_, j) => j !== i) });
  }
  return out.concat(n.alts ?? []);
}

export async function shrinkTree(
  tree: SqlPart,
  stillFails: (candidate: SqlPart) => Promise<boolean>,
  budget: Budget,
): Promise<SqlPart> {
  const tried = new Set<string>([render(tree)]);
  let progress = true;
  while (progress && budget.left > 0) {
    progress = false;
    for (const path of nodePaths(tree)) {
      const here = nodeAt(tree, path) as SqlNode;
      for (const c of candidates(here)) {
        const next = replaceAt(tree, path, c);
        const text = render(next);
        if (tried.has(text) || budget.left <= 0) continue;
        tried.add(text);
        budget.left--;
        if (await stillFails(next)) {
          tree = next;
          progress = true;
          break;
        }
      }
      if (progress) break;
    }
  }
  return tree;
}

/** Drops chunks of `items` (halves first, then smaller) while the failure persists. */
export async function shrinkList<T>(
  items: readonly T[],
  stillFails: (candidate: readonly T[]) => Promise<boolean>,
  budget: Budget,
): Promise<T[]> {
  let current = items.slice();
  let chunk = Math.max(1, Math.ceil(current.length / 2));
  while (current.length > 0 && budget.left > 0) {
    let removed = false;
    for (let start = 0; start < current.length && budget.left > 0; start += chunk) {
      const next = [...current.slice(0, start), ...current.slice(start + chunk)];
      budget.left--;
      if (await stillFails(next)) {
        current = next;
        removed = true;
        start -= chunk;
      }
    }
    if (!removed) {
      if (chunk === 1) break;
      chunk = Math.max(1, Math.floor(chunk / 2));
    }
  }
  return current;
}
