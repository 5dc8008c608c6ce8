/**
 * @module test/fuzz/known-open
 * Divergences already reported and being fixed elsewhere, recognised by their minimal form so that
 * the bounded fuzz test in `npm test` fails only on new ones. Each entry names the branch that owns
 * the fix and the reproduction in test/fuzz/open-divergences/; delete the entry when the fix lands
 * (the campaign still reports these as divergences, labelled known).
 */
import type { Mode } from './round.ts';

/** What a finding is recognised by: its minimal query, the transactions before it, the difference. */
export interface FindingText {
  readonly mode: Mode;
  readonly minimalSql: string;
  /** Incremental only: the minimal transactions' statements. */
  readonly steps?: string;
  readonly detail: string;
}

export interface KnownOpen {
  readonly id: string;
  /** Who is fixing it (a branch of the parallel work). */
  readonly owner: string;
  readonly matches: (finding: FindingText) => boolean;
}

export const knownOpen: readonly KnownOpen[] = [];

export function knownOpenId(finding: FindingText): string | undefined {
  return knownOpen.find((k) => k.matches(finding))?.id;
}
