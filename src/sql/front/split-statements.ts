/**
 * @module sql/front/split-statements
 * Cuts a script into statements at the semicolons PostgreSQL's lexer sees outside parentheses, quotes,
 * dollar quotes and comments, and outside the BEGIN … END body of a SQL-standard function, as psql does.
 */
import { tokenize } from './lexer.ts';

/** One statement of a script: its text (no surrounding comments or `;`) and where it starts. */
export interface StatementSpan {
  readonly text: string;
  readonly offset: number;
}

const ROUTINES = new Set(['function', 'procedure']);

export function splitStatements(script: string): StatementSpan[] {
  const tokens = tokenize(script);
  const spans: StatementSpan[] = [];
  let first = -1;
  let parenDepth = 0;
  let beginDepth = 0;
  let routine = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'punct' && t.word === ';' && parenDepth === 0 && beginDepth === 0) {
      if (first >= 0) spans.push(span(script, tokens[first].start, tokens[i - 1].end));
      first = -1;
      routine = false;
      continue;
    }
    if (first < 0) {
      first = i;
      routine = startsRoutine(tokens, i);
    }
    if (t.kind === 'punct') {
      if (t.word === '(') parenDepth++;
      else if (t.word === ')' && parenDepth > 0) parenDepth--;
    } else if (routine && parenDepth === 0 && t.kind === 'word') {
      // A `BEGIN ATOMIC … END` body holds semicolons; CASE … END nests inside it.
      if (t.word === 'begin' || (t.word === 'case' && beginDepth > 0)) beginDepth++;
      else if (t.word === 'end' && beginDepth > 0) beginDepth--;
    }
  }
  if (first >= 0) spans.push(span(script, tokens[first].start, tokens[tokens.length - 1].end));
  return spans;
}

function span(script: string, start: number, end: number): StatementSpan {
  return { text: script.slice(start, end), offset: start };
}

/** CREATE [OR REPLACE] FUNCTION|PROCEDURE at token `i`. */
function startsRoutine(tokens: ReturnType<typeof tokenize>, i: number): boolean {
  if (tokens[i]?.word !== 'create') return false;
  const k = tokens[i + 1]?.word === 'or' && tokens[i + 2]?.word === 'replace' ? i + 3 : i + 1;
  return ROUTINES.has(tokens[k]?.word ?? '');
}
