/**
 * @module cli/table-format
 * Renders query results as psql-style aligned tables for the CLI (values in PostgreSQL's text
 * output form; NULL as an empty cell, as psql shows it).
 */
import { formatText } from '../functions/text-io.ts';
import type { StatementResult } from '../runtime/result.ts';

export function formatResult(result: StatementResult): string {
  if (result.columns.length === 0) return result.command;
  const header = result.columns.map((c) => c.name);
  const cells = result.rows.map((row) =>
    row.map((v, i) => (v === null ? '' : formatText(v, result.columns[i]!.type))),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const numeric = result.columns.map((c) =>
    ['int2', 'int4', 'int8', 'numeric', 'float4', 'float8'].includes(c.type.id),
  );
  const line = (values: string[], align: boolean): string =>
    ` ${values.map((v, i) => (align && numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ')}`.trimEnd();
  const out = [
    line(
      header.map((h, i) => h.padStart(Math.floor((widths[i]! + h.length) / 2)).padEnd(widths[i]!)),
      false,
    ),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.map((r) => line(r, true)),
    `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`,
  ];
  return out.join('\n');
}
