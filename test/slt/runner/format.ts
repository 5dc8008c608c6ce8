/**
 * @module test/slt/runner/format
 * Renders engine values as the reference sqllogictest driver prints them for a column's type letter:
 * `I` as a truncated int64, `R` as C's `%.3f`, `T` as text; NULL as `NULL`, '' (and blanks alone)
 * as `(empty)`, and every byte outside printable ASCII as `@`. Formatting is the only place where
 * engine values become strings.
 */
import { Numeric } from '../../../src/common/numeric.ts';
import type { SqlType } from '../../../src/common/types.ts';
import type { Value } from '../../../src/common/value.ts';
import { numericText, valueText } from './value-text.ts';

const int64Max = 9223372036854775807n;
const int64Min = -9223372036854775808n;
/** SQLite's text → number conversion reads the longest numeric prefix after leading spaces. */
const numericPrefix = /^\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)/;

/** Formats one value for a column declared with `typeChar`; `type` is the engine's column type. */
export function formatValue(value: Value, typeChar: string, type?: SqlType): string {
  if (value === null) return 'NULL';
  if (typeChar === 'I') return formatInteger(value, type);
  if (typeChar === 'R') return formatReal(value, type);
  // A value of blanks alone would be a blank line in a file, which ends the record, and lines lose
  // trailing blanks when parsed anyway: it prints as the empty string does.
  const text = sanitize(valueText(value, type));
  return text.trimEnd() === '' ? '(empty)' : text;
}

function formatInteger(value: Value, type: SqlType | undefined): string {
  if (typeof value === 'number') return truncateToInt64(value);
  if (typeof value === 'bigint') return clampInt64(value).toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Numeric) return numericToInt64(value);
  const text = typeof value === 'string' ? value : valueText(value, type);
  const m = numericPrefix.exec(text);
  if (m === null) return '0';
  return /^[+-]?\d+$/.test(m[1]) ? clampInt64(BigInt(m[1])).toString() : truncateToInt64(Number(m[1]));
}

function formatReal(value: Value, type: SqlType | undefined): string {
  if (typeof value === 'number') return printfFixed3(value);
  if (typeof value === 'bigint') return printfFixed3(Number(value));
  if (typeof value === 'boolean') return value ? '1.000' : '0.000';
  if (value instanceof Numeric) return printfFixed3(Number(numericText(value)));
  // The reference driver reads the value as a C double before printing: round the double, not the decimal.
  const text = typeof value === 'string' ? value : valueText(value, type);
  const m = numericPrefix.exec(text);
  return printfFixed3(m === null ? 0 : Number(m[1]));
}

/** A double truncated toward zero and saturated to int64, as `sqlite3_column_int64` does. */
export function truncateToInt64(x: number): string {
  if (Number.isNaN(x)) return '0';
  const t = Math.trunc(x);
  if (Number.isSafeInteger(t)) return t === 0 ? '0' : String(t);
  if (t === Number.POSITIVE_INFINITY) return int64Max.toString();
  if (t === Number.NEGATIVE_INFINITY) return int64Min.toString();
  return clampInt64(BigInt(t)).toString();
}

function clampInt64(v: bigint): bigint {
  return v > int64Max ? int64Max : v < int64Min ? int64Min : v;
}

function numericToInt64(n: Numeric): string {
  if (n.special !== 0) return truncateToInt64(Number(n.toString()));
  const whole = n.scale <= 0 ? n.digits * 10n ** BigInt(-n.scale) : n.digits / 10n ** BigInt(n.scale);
  return clampInt64(whole).toString();
}

/**
 * C's `printf("%.3f", x)` under the default rounding mode: exact ties go to the even neighbour, where
 * `toFixed` would round away from zero; a negative value keeps its sign even when it rounds to zero.
 */
export function printfFixed3(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const ax = Math.abs(x);
  let body: string;
  if (ax >= 1e21) {
    body = `${BigInt(ax)}.000`;
  } else {
    // ax·1000 lies exactly halfway between two integers iff ax·16 is an odd integer.
    const sixteenths = ax * 16;
    if (Number.isInteger(sixteenths) && sixteenths % 2 === 1) {
      let n = (BigInt(sixteenths) * 125n - 1n) / 2n;
      if (n % 2n === 1n) n += 1n;
      body = `${n / 1000n}.${(n % 1000n).toString().padStart(3, '0')}`;
    } else {
      body = ax.toFixed(3);
    }
  }
  return negative ? `-${body}` : body;
}

/** Replaces each UTF-8 byte outside printable ASCII with `@`, as the C driver does byte by byte. */
export function sanitize(text: string): string {
  let clean = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      clean = false;
      break;
    }
  }
  if (clean) return text;
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0x20 && cp <= 0x7e) out += ch;
    else out += '@'.repeat(cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
  }
  return out;
}

/** Formats a result's rows, one string per value, using the record's type letters column by column. */
export function formatRows(
  rows: readonly (readonly Value[])[],
  typeChars: string,
  types?: readonly SqlType[],
): string[][] {
  const out: string[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    const cells: string[] = new Array(row.length);
    for (let c = 0; c < row.length; c++) cells[c] = formatValue(row[c], typeChars[c] ?? 'T', types?.[c]);
    out[r] = cells;
  }
  return out;
}
