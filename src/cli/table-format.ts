/**
 * @module cli/table-format
 * Renders query results as psql-style aligned tables for the CLI (values in PostgreSQL's text
 * output form; NULL as an empty cell, as psql shows it). Results from a server (`--url`) go
 * through the same layout.
 */
import { formatText } from '../functions/text-io.ts';
import type { StatementResult } from '../runtime/result.ts';

const numericTypeIds = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8']);

export function formatResult(result: StatementResult): string {
  if (result.columns.length === 0) return result.command;
  return formatTable(
    result.columns.map((c) => c.name),
    result.rows.map((row) => row.map((v, i) => (v === null ? '' : formatText(v, result.columns[i]!.type)))),
    result.columns.map((c) => numericTypeIds.has(c.type.id)),
  );
}

/** psql's aligned layout: centred headers, numbers right-aligned, a row count below. */
export function formatTable(
  header: readonly string[],
  cells: readonly (readonly string[])[],
  rightAligned: readonly boolean[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: readonly string[], align: boolean): string =>
    ` ${values.map((v, i) => (align && rightAligned[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')}`.trimEnd();
  return [
    line(
      header.map((h, i) => h.padStart(Math.floor((widths[i]! + h.length) / 2)).padEnd(widths[i]!)),
      false,
    ),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.map((r) => line(r, true)),
    `(${cells.length} ${cells.length === 1 ? 'row' : 'rows'})`,
  ].join('\n');
}
