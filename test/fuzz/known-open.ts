/**
 * @module test/fuzz/known-open
 * Divergences already reported and being fixed elsewhere, recognised by their minimal form so that
 * the bounded fuzz test in `npm test` fails only on new ones. Each entry names the branch that owns
 * the fix and the reproduction in test/fuzz/open-divergences/; delete the entry when the fix lands
 * (the campaign still reports these as divergences, labelled known).
 */
import type { Mode } from './round.ts';

export interface KnownOpen {
  readonly id: string;
  /** Who is fixing it (a branch of the parallel work). */
  readonly owner: string;
  readonly matches: (finding: {
    readonly mode: Mode;
    readonly minimalSql: string;
    readonly detail: string;
  }) => boolean;
}

/** char(n) columns are the schema's `c0`/`c1`. */
const charColumn = /\bc[01]\b/;

export const knownOpen: readonly KnownOpen[] = [
  { id: 'char-n-as-text', owner: 'values', matches: (f) => charColumn.test(f.minimalSql) },
  { id: 'fetch-with-ties', owner: 'values', matches: (f) => f.minimalSql.includes('WITH TIES') },
  {
    id: 'group-by-constant-accepted',
    owner: 'binder',
    matches: (f) => f.detail.includes('non-integer constant in GROUP BY'),
  },
];

export function knownOpenId(finding: Parameters<KnownOpen['matches']>[0]): string | undefined {
  return knownOpen.find((k) => k.matches(finding))?.id;
}
