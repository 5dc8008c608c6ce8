/**
 * @module test/slt/runner/value-text
 * PostgreSQL's text output for a runtime value (see src/common/value.ts), used for `T` columns.
 * Numbers are read through the column type, since a date, a time and a double are all JS numbers.
 * Written apart from Eddy's own output functions, so that a bug there cannot hide itself.
 */
import { Interval } from '../../../src/common/interval.ts';
import { Numeric } from '../../../src/common/numeric.ts';
import type { SqlType } from '../../../src/common/types.ts';
import type { Value } from '../../../src/common/value.ts';

const microsPerDay = 86_400_000_000;
const arrayElementNeedsQuotes = /[\s,"\\{}]/;

export function valueText(value: Value, type?: SqlType): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return numberText(value, type);
  if (value instanceof Numeric) return numericText(value);
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  if (value instanceof Interval) return intervalText(value);
  if (Array.isArray(value)) return arrayText(value, type?.id === 'array' ? type.element : undefined);
  // Jsonb prints itself as jsonb_out does.
  return String(value);
}

function numberText(x: number, type: SqlType | undefined): string {
  switch (type?.id) {
    case 'date':
      return dateText(x);
    case 'time':
      return timeText(x);
    case 'timestamp':
      return `${dateText(Math.floor(x / microsPerDay))} ${timeText(mod(x, microsPerDay))}`;
    case 'timestamptz':
      return `${dateText(Math.floor(x / microsPerDay))} ${timeText(mod(x, microsPerDay))}+00`;
    case 'float4':
      return floatText(x, true);
    default:
      return Number.isInteger(x) && type?.id !== 'float8' ? String(x) : floatText(x, false);
  }
}

/** PostgreSQL ≥ 12: shortest round-trip digits, exponent form below 1e-4 or from 1e15 (1e6 for real). */
export function floatText(x: number, single: boolean): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = x.toExponential();
  if (single) {
    for (let p = 1; p <= 9; p++) {
      const candidate = x.toExponential(p - 1);
      if (Math.fround(Number(candidate)) === x) {
        digits = candidate;
        break;
      }
    }
  }
  const e = digits.indexOf('e');
  const exponent = Number(digits.slice(e + 1));
  if (exponent < -4 || exponent >= (single ? 6 : 15)) {
    const sign = exponent < 0 ? '-' : '+';
    return `${digits.slice(0, e)}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  return String(Number(digits));
}

export function numericText(n: Numeric): string {
  if (n.special !== 0) return n.toString();
  const negative = n.digits < 0n;
  const abs = (negative ? -n.digits : n.digits).toString();
  let text: string;
  if (n.scale <= 0) {
    text = abs === '0' ? '0' : abs + '0'.repeat(-n.scale);
  } else {
    const padded = abs.padStart(n.scale + 1, '0');
    text = `${padded.slice(0, padded.length - n.scale)}.${padded.slice(padded.length - n.scale)}`;
  }
  return negative ? `-${text}` : text;
}

function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  const y = d.getUTCFullYear();
  const ymd = `${String(y > 0 ? y : 1 - y).padStart(4, '0')}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
  return y > 0 ? ymd : `${ymd} BC`;
}

function timeText(micros: number): string {
  const seconds = Math.floor(micros / 1_000_000);
  const frac = micros - seconds * 1_000_000;
  const hms = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}`;
  return frac === 0 ? hms : `${hms}.${String(frac).padStart(6, '0').replace(/0+$/, '')}`;
}

function intervalText(iv: Interval): string {
  const parts: string[] = [];
  const years = Math.trunc(iv.months / 12);
  const months = iv.months % 12;
  if (years !== 0) parts.push(`${years} year${Math.abs(years) === 1 ? '' : 's'}`);
  if (months !== 0) parts.push(`${months} mon${Math.abs(months) === 1 ? '' : 's'}`);
  if (iv.days !== 0) parts.push(`${iv.days} day${Math.abs(iv.days) === 1 ? '' : 's'}`);
  if (iv.micros !== 0 || parts.length === 0) {
    const sign = iv.micros < 0 ? '-' : '';
    parts.push(sign + timeText(Math.abs(iv.micros)));
  }
  return parts.join(' ');
}

function arrayText(values: Value[], element: SqlType | undefined): string {
  const parts = values.map((v) => {
    if (v === null) return 'NULL';
    const t = valueText(v, element);
    if (Array.isArray(v)) return t;
    if (t === '' || t.toUpperCase() === 'NULL' || arrayElementNeedsQuotes.test(t)) {
      return `"${t.replace(/[\\"]/g, '\\$&')}"`;
    }
    return t;
  });
  return `{${parts.join(',')}}`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}
