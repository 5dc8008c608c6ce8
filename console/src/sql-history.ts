/**
 * @module console/sql-history
 * The SQL editor's history, kept in the browser (localStorage): newest first, no repeats, bounded.
 */

const storageKey = 'eddy.console.sqlHistory';
export const historyMax = 50;

export function loadHistory(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

export function remember(history: readonly string[], sql: string): string[] {
  const next = [sql, ...history.filter((s) => s !== sql)].slice(0, historyMax);
  try {
    localStorage.setItem(storageKey, JSON.stringify(next));
  } catch {
    // Storage full or refused (private mode): the history lasts as long as the page.
  }
  return next;
}
