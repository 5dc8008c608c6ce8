/**
 * @module common/datetime-lex
 * Splits date/time input text into fields (numbers, delimited dates, clock times, words, zone
 * names, signed offsets), the first stage of PostgreSQL-compatible datetime input.
 * Field text is lower case; the caller decides what each field means.
 */

export type FieldKind = 'number' | 'date' | 'time' | 'word' | 'zone' | 'offset';

export interface Field {
  kind: FieldKind;
  text: string;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || c === 95;
}

function isZoneChar(c: number): boolean {
  return isLetter(c) || isDigit(c) || c === 43 || c === 45 || c === 47 || c === 58;
}

const MONTH = /^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 44;
}

/** Fields of `text`, or null when a character cannot start or continue any field. */
export function splitFields(text: string): Field[] | null {
  const s = text.toLowerCase();
  const fields: Field[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const start = i;
    if (isDigit(c)) {
      i = scanDigits(s, i);
      const next = s.charCodeAt(i);
      if (next === 58) {
        while (i < n && (isDigit(s.charCodeAt(i)) || s[i] === ':' || s[i] === '.')) i++;
        fields.push({ kind: 'time', text: s.slice(start, i) });
      } else if (next === 45 || next === 47 || (next === 46 && isDottedDate(s, i))) {
        i = scanDelimited(s, i, next);
        fields.push({ kind: 'date', text: s.slice(start, i) });
      } else {
        if (next === 46) i = scanDigits(s, i + 1);
        fields.push({ kind: 'number', text: s.slice(start, i) });
      }
    } else if (c === 46 && isDigit(s.charCodeAt(i + 1))) {
      i = scanDigits(s, i + 1);
      fields.push({ kind: 'number', text: s.slice(start, i) });
    } else if (isLetter(c)) {
      while (i < n && isLetter(s.charCodeAt(i))) i++;
      const next = s.charCodeAt(i);
      if (
        next === 47 ||
        ((isDigit(next) || next === 43) && i - start >= 3 && !MONTH.test(s.slice(start, i)))
      ) {
        // `europe/paris`, `etc/gmt+5`, POSIX-style `pst8pdt`: a zone name, whatever follows.
        while (i < n && isZoneChar(s.charCodeAt(i))) i++;
        fields.push({ kind: 'zone', text: s.slice(start, i) });
      } else if ((next === 45 || next === 46) && isDigit(s.charCodeAt(i + 1))) {
        i = scanDelimited(s, i, next);
        fields.push({ kind: 'date', text: s.slice(start, i) });
      } else {
        fields.push({ kind: 'word', text: s.slice(start, i) });
      }
    } else if (c === 43 || c === 45) {
      i++;
      if (isDigit(s.charCodeAt(i))) {
        while (i < n && (isDigit(s.charCodeAt(i)) || s[i] === ':' || s[i] === '.')) i++;
        fields.push({ kind: 'offset', text: s.slice(start, i) });
      } else if (isLetter(s.charCodeAt(i))) {
        while (i < n && isLetter(s.charCodeAt(i))) i++;
        fields.push({ kind: 'word', text: s.slice(start, i) });
      } else {
        return null;
      }
    } else if (c === 64) {
      i++;
    } else {
      return null;
    }
  }
  return fields;
}

function scanDigits(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** `12.01.2024`-style dates have two dots between digit groups; `56.789` is a number. */
function isDottedDate(s: string, i: number): boolean {
  let j = scanDigits(s, i + 1);
  if (j === i + 1) return false;
  if (s.charCodeAt(j) !== 46) return false;
  j++;
  return isDigit(s.charCodeAt(j));
}

/** Groups of digits or of letters separated by `delim`; stops at anything else. */
function scanDelimited(s: string, i: number, delim: number): number {
  while (s.charCodeAt(i) === delim) {
    const c = s.charCodeAt(i + 1);
    if (isDigit(c)) i = scanDigits(s, i + 1);
    else if (isLetter(c)) {
      let j = i + 1;
      while (j < s.length && isLetter(s.charCodeAt(j))) j++;
      i = j;
    } else break;
  }
  return i;
}
