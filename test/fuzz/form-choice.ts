/**
 * @module test/fuzz/form-choice
 * INTERSECT's printed form of equal values. When the two inputs hold values equal under the
 * column's equality but written differently (numeric 1.00 and 1.0000, char padding), PostgreSQL
 * prints the form of the input its planner estimates to have fewer groups (it swaps INTERSECT's
 * inputs, whichever way they are written); Eddy prints the left input's. A rows divergence is
 * excused as `formChoice` only when the answers differ in such forms alone, the query's top node
 * is an INTERSECT, and PostgreSQL, asked for the left input's forms, gives exactly Eddy's answer.
 * EXCEPT keeps its left input first in every plan, so `A EXCEPT (A EXCEPT B)` (ALL for ALL), the
 * same rows as `A INTERSECT B`, shows A's forms.
 */
import { compare, rowTexts, type Verdict } from './compare.ts';
import type { FuzzEngine, Outcome } from './engines.ts';

/**
 * The top INTERSECT (`(A) INTERSECT [ALL] (B)`, as query-gen.ts writes a set operation) as
 * `(A) EXCEPT [ALL] ((A) EXCEPT [ALL] (B))`, or null when the query is not one.
 */
export function leftFormIntersect(sql: string): string | null {
  if (!sql.startsWith('(')) return null;
  const leftEnd = closingParen(sql, 0);
  if (leftEnd < 0) return null;
  const op = /^\) INTERSECT( ALL)? \(/.exec(sql.slice(leftEnd));
  if (op === null) return null;
  const rightStart = leftEnd + op[0].length - 1;
  if (closingParen(sql, rightStart) !== sql.length - 1) return null;
  const left = sql.slice(0, leftEnd + 1);
  const right = sql.slice(rightStart);
  const except = `EXCEPT${op[1] ?? ''}`;
  return `${left} ${except} (${left} ${except} ${right})`;
}

/** The index of the parenthesis closing the one at `open`, skipping quoted text; -1 if none. */
function closingParen(sql: string, open: number): number {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      const end = sql.indexOf(c, i + 1);
      if (end < 0) return -1;
      i = end; // a doubled quote inside reads as two adjacent quoted runs, which is the same
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * A value's text with its form choices removed: a decimal number without trailing fraction
 * zeros, anything else without trailing spaces. Only a pre-check: the judgement itself is
 * PostgreSQL's own answer in the left input's forms.
 */
function formless(text: string): string {
  if (/^-?\d+\.\d+$/.test(text)) return text.replace(/\.?0+$/, '');
  return text.replace(/ +$/, '');
}

/** True when both answered the same rows (as multisets) once each value is passed through `normalise`. */
export function sameUpToForms(
  eddy: Outcome,
  pg: Outcome,
  normalise: (text: string) => string = formless,
): boolean {
  if (!eddy.ok || !pg.ok || eddy.rows.length !== pg.rows.length) return false;
  const texts = (o: Extract<Outcome, { ok: true }>) =>
    rowTexts({ ...o, rows: o.rows.map((r) => r.map((v) => (v === null ? null : normalise(v)))) }, []).sort();
  const [a, b] = [texts(eddy), texts(pg)];
  return a.every((r, i) => r === b[i]);
}

/** `verdict`, or `formChoice` when it is only INTERSECT's choice of form (see the module header). */
export async function recheckFormChoice(
  verdict: Verdict,
  eddy: Outcome,
  pg: Outcome,
  pgEngine: FuzzEngine,
  sql: string,
): Promise<Verdict> {
  if (verdict.kind !== 'divergence' || verdict.what !== 'rows' || !sameUpToForms(eddy, pg)) return verdict;
  const leftForms = leftFormIntersect(sql);
  if (leftForms === null) return verdict;
  if (compare(eddy, await pgEngine.run(leftForms), false).kind !== 'same') return verdict;
  return {
    kind: 'formChoice',
    detail: `${verdict.detail} (PostgreSQL shows the same in the left input's forms)`,
  };
}
