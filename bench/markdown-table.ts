/**
 * @module bench/markdown-table
 * Tables for BENCHMARKS.md laid out as biome formats Markdown (padded cells, aligned
 * separators), so a recorded section passes lint as written; and the writer that replaces one
 * suite's section of BENCHMARKS.md between its markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** `align` has one letter per column: `r` right-aligned, anything else left. */
export function markdownTable(headers: string[], align: string, rows: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(3, h.length, ...rows.map((r) => r[i]!.length)));
  const cell = (text: string, i: number) =>
    align[i] === 'r' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (cells: string[]) => `| ${cells.map(cell).join(' | ')} |`;
  const rule = widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [line(headers), `| ${rule.join(' | ')} |`, ...rows.map(line)];
}

/**
 * Replaces the section of the Markdown file at `path` between `<!-- {marker}:begin -->` and
 * `<!-- {marker}:end -->` with `lines` (appended with its markers when the file has none).
 */
export function writeMarkedSection(path: string, marker: string, lines: readonly string[]): void {
  const begin = `<!-- ${marker}:begin -->`;
  const end = `<!-- ${marker}:end -->`;
  const text = readFileSync(path, 'utf8');
  const section = [begin, ...lines, end].join('\n');
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  writeFileSync(
    path,
    from >= 0 && to > from
      ? text.slice(0, from) + section + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${section}\n`,
  );
}
