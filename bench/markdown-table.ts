/**
 * @module bench/markdown-table
 * Tables for BENCHMARKS.md laid out as biome formats Markdown (padded cells, aligned
 * separators), so a recorded section passes lint as written.
 */

/** `align` has one letter per column: `r` right-aligned, anything else left. */
export function markdownTable(headers: string[], align: string, rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const cell = (text: string, i: number) =>
    align[i] === 'r' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}
