/**
 * @module bench/engine/result-digest
 * An order-independent fingerprint of a query result, so that every benchmark run can check that
 * the systems agree without keeping their results: a sum over rows of weight × hash(row), in two
 * 32-bit halves (mod 2^32 each), plus the row count. A system can add rows as its output changes
 * (a retraction subtracts what the insertion added) or all at once at the end.
 */
import type { Row, Value } from '../../src/common/value.ts';
import type { EngineResult } from './engine-result.ts';

export class ResultDigest {
  private rows = 0;
  private low = 0;
  private high = 0;

  add(row: Row, weight: number): void {
    const text = canonicalRow(row);
    this.rows += weight;
    this.low = (this.low + Math.imul(weight, fnv1a(text, 0x811c9dc5))) >>> 0;
    this.high = (this.high + Math.imul(weight, fnv1a(text, 0x01000193))) >>> 0;
  }

  /** `<rows>:<16 hex digits>`: equal results give equal digests whatever the order they came in. */
  value(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    return `${this.rows}:${hex(this.high)}${hex(this.low)}`;
  }
}

export function digestOf(rows: readonly Row[]): string {
  const digest = new ResultDigest();
  for (const row of rows) digest.add(row, 1);
  return digest.value();
}

/**
 * A row as text both systems produce alike. Numbers keep 10 significant digits and numerics are read
 * as numbers: q1's price and q4's average are floats in d2ts and numeric in Eddy, and a float sum
 * differs from the exact one in the last digits.
 */
function canonicalRow(row: Row): string {
  return row.map(canonicalValue).join('|');
}

function canonicalValue(v: Value): string {
  const n = typeof v === 'object' && v !== null && !Array.isArray(v) ? Number(String(v)) : v;
  return typeof n === 'number' && !Number.isInteger(n) ? n.toPrecision(10) : String(n);
}

/** 32-bit FNV-1a over UTF-16 code units, from a chosen offset basis (two bases give two halves). */
function fnv1a(text: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Cases of the same query, input and batch size whose systems computed different results: each
 * entry names the case and lists the digests. Cases that did not finish are not compared.
 */
export function disagreements(results: readonly EngineResult[]): string[] {
  const byCase = new Map<string, EngineResult[]>();
  for (const r of results) {
    if (r.status !== 'ok') continue;
    const key = `${r.query} events=${r.events} batch=${r.batch}`;
    byCase.set(key, [...(byCase.get(key) ?? []), r]);
  }
  const out: string[] = [];
  for (const [key, group] of byCase) {
    const digests = new Set(group.map((r) => r.resultDigest));
    if (digests.size > 1 || digests.has(null))
      out.push(`${key}: ${group.map((r) => `${r.system} ${r.resultDigest ?? 'no digest'}`).join(', ')}`);
  }
  return out;
}
