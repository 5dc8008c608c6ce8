/**
 * @module console/column-kinds
 * Which columns a chart can use, from their SQL type names (as the catalog spells them), and
 * their values as numbers: times as milliseconds since the epoch, numbers from JSON numbers or
 * the exact strings of numeric and large bigint values.
 */
import type { Column } from './api.ts';

const numericTypes = /^(smallint|integer|bigint|real|double precision|numeric)/;
const timeTypes = /^(timestamp|date)/;

export const isNumericColumn = (c: Column): boolean => numericTypes.test(c.type);
export const isTimeColumn = (c: Column): boolean => timeTypes.test(c.type);

/** A timestamp's text (`2024-05-01 10:00:00`, `…+00`, `2024-05-01`) as epoch milliseconds, or NaN. */
export function timeValue(v: unknown): number {
  if (typeof v !== 'string') return Number.NaN;
  let text = v.replace(' ', 'T');
  if (/[+-]\d\d$/.test(text)) text += ':00';
  else if (!/[zZ]|[+-]\d\d:\d\d$/.test(text) && text.includes('T')) text += 'Z';
  return Date.parse(text);
}

export function numberValue(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
}

export interface ChartPlan {
  readonly kind: 'line' | 'bar';
  /** The x column (time) or label column (bar). */
  readonly key: number;
  readonly value: number;
}

/** Rows a bar chart shows at most: more groups than this is not a small GROUP BY. */
export const barsMax = 30;

/** The chart a view's columns and size offer: a line over a time column, else bars per label. */
export function chartPlan(columns: readonly Column[], rowCount: number): ChartPlan | null {
  const value = columns.findIndex(isNumericColumn);
  if (value < 0) return null;
  const time = columns.findIndex(isTimeColumn);
  if (time >= 0) return { kind: 'line', key: time, value };
  const label = columns.findIndex((c) => !isNumericColumn(c));
  if (label >= 0 && rowCount <= barsMax) return { kind: 'bar', key: label, value };
  return null;
}
