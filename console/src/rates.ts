/**
 * @module console/rates
 * Per-second rates from two samples of counters that only grow, and a bounded history of samples
 * for charts (the overview keeps the last few minutes).
 */

/** (later − earlier) per second of the time between them; 0 for a first sample. */
export function perSecond(later: number, earlier: number | undefined, seconds: number): number {
  if (earlier === undefined || seconds <= 0) return 0;
  return Math.max(0, later - earlier) / seconds;
}

export function pushBounded<T>(list: readonly T[], item: T, max: number): T[] {
  const next = [...list, item];
  return next.length > max ? next.slice(next.length - max) : next;
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

export function formatRate(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}
