/**
 * @module server/http/source-metrics
 * /metrics for connector sources (runtime/sources): records read and dead-lettered, bytes, steps,
 * read errors (each followed by a retry), lag in records and whether the source is running, one
 * series per source (each metric's HELP and TYPE also without sources, so that the set of metric
 * names does not depend on them). Rates are the counters' rates, as Prometheus computes them.
 */
import type { SourceStats } from '../../runtime/sources/connector-source.ts';
import { escapeLabel, metric } from './metrics.ts';

export function sourceMetrics(sources: readonly SourceStats[]): string {
  const out: string[] = [];
  const per = (value: (s: SourceStats) => number) =>
    sources.map((s) => [`{source="${escapeLabel(s.name)}",connector="${s.connector}"}`, value(s)] as const);
  metric(
    out,
    'eddy_source_records_total',
    'counter',
    'Records a connector source read into its rows.',
    per((s) => s.records),
  );
  metric(
    out,
    'eddy_source_dead_letters_total',
    'counter',
    'Records a connector source could not decode or convert (kept in its dead-letter table).',
    per((s) => s.deadLetters),
  );
  metric(
    out,
    'eddy_source_bytes_total',
    'counter',
    'Record bytes a connector source read.',
    per((s) => s.bytes),
  );
  metric(
    out,
    'eddy_source_steps_total',
    'counter',
    'Steps a connector source committed.',
    per((s) => s.steps),
  );
  metric(
    out,
    'eddy_source_read_errors_total',
    'counter',
    'Failed reads of a connector source (the source retries after each).',
    per((s) => s.errors),
  );
  metric(
    out,
    'eddy_source_lag_records',
    'gauge',
    'Records upstream not yet read by the source.',
    per((s) => s.lag),
  );
  const postgres = sources.filter((s) => s.connector === 'postgres');
  const perPg = (value: (s: SourceStats) => number) =>
    postgres.map((s) => [`{source="${escapeLabel(s.name)}",connector="${s.connector}"}`, value(s)] as const);
  metric(
    out,
    'eddy_source_slot_lag_bytes',
    'gauge',
    "PostgreSQL CDC: bytes of upstream WAL the source's replication slot holds back.",
    perPg((s) => s.slotLagBytes ?? 0),
  );
  metric(
    out,
    'eddy_source_ignored_columns_total',
    'counter',
    'PostgreSQL CDC: columns added upstream that the source ignores (counted per relation message).',
    perPg((s) => s.ignoredColumns ?? 0),
  );
  metric(
    out,
    'eddy_source_up',
    'gauge',
    '1 while the source reads, 0 while it retries or starts.',
    per((s) => (s.state === 'running' ? 1 : 0)),
  );
  return out.join('');
}
