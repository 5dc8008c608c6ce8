/**
 * @module console/result-table
 * A statement's rows as a table, a page of rows at a time, with a button that copies all rows as
 * tab-separated text (what spreadsheets paste).
 */
import { useState } from 'preact/hooks';
import type { Column } from './api.ts';

export const pageRows = 100;

/** A value as the table shows it: SQL NULL as `NULL`, JSON documents and arrays as JSON. */
export function cellText(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function ResultTable({
  columns,
  rows,
  caption,
}: {
  columns: readonly Column[];
  rows: readonly (readonly unknown[])[];
  caption: string;
}) {
  const [page, setPage] = useState(0);
  const [copied, setCopied] = useState(false);
  const pages = Math.max(1, Math.ceil(rows.length / pageRows));
  const shown = rows.slice(page * pageRows, (page + 1) * pageRows);
  const copy = async () => {
    const lines = [columns.map((c) => c.name).join('\t'), ...rows.map((r) => r.map(cellText).join('\t'))];
    await navigator.clipboard.writeText(lines.join('\n'));
    setCopied(true);
  };
  return (
    <div class="result">
      <div class="toolbar">
        <span>{caption}</span>
        {rows.length > 0 && (
          <button type="button" onClick={copy}>
            {copied ? 'Copied' : 'Copy as TSV'}
          </button>
        )}
        {pages > 1 && (
          <span class="pager">
            <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            page {page + 1} of {pages}
            <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </span>
        )}
      </div>
      {columns.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.name} scope="col" title={c.type}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((row, i) => (
                <tr key={i}>
                  {row.map((v, j) => (
                    <td key={j} class={v === null ? 'null' : undefined}>
                      {cellText(v)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
