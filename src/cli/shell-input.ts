/**
 * @module cli/shell-input
 * How `eddy sql` reads its input, as psql does: statements end at a `;` outside quotes and
 * comments, and a backslash outside them starts a meta-command that runs to the end of the line
 * (`SELECT 1; \d` runs the SELECT, then lists relations). The scanner keeps its state from line to
 * line, so a `;` or `\` inside a string, a quoted name, a dollar-quoted body or a block comment
 * spanning lines is only text.
 */

/** Where a scan stands at the end of a line. */
export interface ScanState {
  /** Inside `'…'` (also `E'…'`), `"…"`, a dollar quote (its tag, `$$` or `$x$`), or a block comment (depth). */
  readonly quote: "'" | '"' | "E'" | null;
  readonly dollarTag: string | null;
  readonly commentDepth: number;
}

export const initialScanState: ScanState = { quote: null, dollarTag: null, commentDepth: 0 };

/** A line split into the SQL it holds (with `;` kept), the statements it completes, and a meta-command. */
export interface ScannedLine {
  /** Complete SQL texts ended by `;` in this line: the first one starts with what was pending before. */
  readonly complete: string[];
  /** SQL still open at the end of the line (up to a meta-command, if one follows). */
  readonly pending: string;
  /** The meta-command (from its backslash to the end of the line), if any. */
  readonly meta: string | null;
  readonly state: ScanState;
}

const dollarTagPattern = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/;

/**
 * Scans one line (without its newline) given the SQL pending from earlier lines. The newline is
 * added back to the SQL, so statements keep their line breaks (error positions count lines).
 */
export function scanLine(pending: string, line: string, start: ScanState): ScannedLine {
  let { quote, dollarTag, commentDepth } = start;
  const complete: string[] = [];
  let current = pending;
  let from = 0;
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    const next = line[i + 1];
    if (commentDepth > 0) {
      if (c === '*' && next === '/') {
        commentDepth--;
        i += 2;
      } else if (c === '/' && next === '*') {
        commentDepth++;
        i += 2;
      } else i++;
      continue;
    }
    if (dollarTag !== null) {
      if (line.startsWith(dollarTag, i)) {
        i += dollarTag.length;
        dollarTag = null;
      } else i++;
      continue;
    }
    if (quote !== null) {
      // A doubled quote is an escaped one; it closes and reopens, which leaves the state right.
      // In an E'…' string a backslash escapes the character after it.
      if (quote === "E'" && c === '\\') i += 2;
      else {
        if (c === quote[quote.length - 1]) quote = null;
        i++;
      }
      continue;
    }
    if (c === "'" || c === '"') {
      const escaped = c === "'" && /[Ee]/.test(line[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(line[i - 2] ?? ' ');
      quote = escaped ? "E'" : c;
      i++;
    } else if (c === '-' && next === '-') {
      break; // the rest of the line is a comment
    } else if (c === '/' && next === '*') {
      commentDepth = 1;
      i += 2;
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(line[i - 1] ?? ' ')) {
      const tag = dollarTagPattern.exec(line.slice(i));
      if (tag) {
        dollarTag = tag[0];
        i += tag[0].length;
      } else i++;
    } else if (c === ';') {
      complete.push(current + line.slice(from, i + 1));
      current = '';
      from = i + 1;
      i++;
    } else if (c === '\\') {
      const rest = current + line.slice(from, i);
      return {
        complete,
        pending: rest.trim() === '' ? '' : rest,
        meta: line.slice(i).trim(),
        state: { quote, dollarTag, commentDepth },
      };
    } else i++;
  }
  const rest = current + line.slice(from);
  const open = quote !== null || dollarTag !== null || commentDepth > 0;
  return {
    complete,
    pending: rest.trim() === '' && !open ? '' : `${rest}\n`,
    meta: null,
    state: { quote, dollarTag, commentDepth },
  };
}
