/**
 * @module server/http/sink-metrics
 * /metrics for sinks (runtime/sinks): steps delivered, rows and bytes sent, failed deliveries
 * (each followed by a retry), the last delivered step, lag in steps and whether the sink is
 * delivering, one series per sink (HELP and TYPE also without sinks).
 */
import type { SinkStats } from '../../runtime/sinks/sink.ts';
import { escapeLabel, metric } from './metrics.ts';

export function sinkMetrics(sinks: readonly SinkStats[]): string {
  const out: string[] = [];
  const per = (value: (s: SinkStats) => number) =>
    sinks.map((s) => [`{sink="${escapeLabel(s.name)}",connector="${s.connector}"}`, value(s)] as const);
  metric(
    out,
    'eddy_sink_deliveries_total',
    'counter',
    'Steps a sink delivered.',
    per((s) => s.deliveries),
  );
  metric(
    out,
    'eddy_sink_rows_total',
    'counter',
    'Changed rows a sink delivered.',
    per((s) => s.rows),
  );
  metric(
    out,
    'eddy_sink_bytes_total',
    'counter',
    'Bytes a sink sent (record keys and values, request bodies).',
    per((s) => s.bytes),
  );
  metric(
    out,
    'eddy_sink_errors_total',
    'counter',
    'Failed deliveries of a sink (it retries after each, unless it failed for good).',
    per((s) => s.errors),
  );
  metric(
    out,
    'eddy_sink_position_step',
    'gauge',
    'The last step a sink delivered.',
    per((s) => s.position ?? 0),
  );
  metric(
    out,
    'eddy_sink_lag_steps',
    'gauge',
    'Steps committed that a sink has not delivered yet.',
    per((s) => s.lag),
  );
  metric(
    out,
    'eddy_sink_up',
    'gauge',
    '1 while the sink delivers, 0 while it starts, retries or has failed.',
    per((s) => (s.state === 'running' ? 1 : 0)),
  );
  return out.join('');
}
