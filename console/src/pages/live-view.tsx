/**
 * @module console/pages/live-view
 * A relation's rows, live: the latest step's inserts and deletes highlighted, the step number and
 * when it arrived, a log of recent steps, pause/resume, and a chart when the columns offer one
 * (a line over a time column, bars for a small GROUP BY). Rendering is bounded: at most
 * `rowWindow` rows are in the page, and the chart reads at most `chartRowsMax` rows.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CatalogObject } from '../api.ts';
import { BarChart, LineChart } from '../charts.tsx';
import { chartPlan, numberValue, timeValue } from '../column-kinds.ts';
import { LiveRows } from '../live-rows.ts';
import { ObjectTabs } from '../object-tabs.tsx';
import { cellText } from '../result-table.tsx';

export const rowWindow = 100;
const chartRowsMax = 2000;

export function LiveView({ object }: { object: CatalogObject }) {
  const [, setVersion] = useState(0);
  const live = useMemo(() => new LiveRows(object.name, () => setVersion((v) => v + 1)), [object.name]);
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  const columns = live.columns.length > 0 ? live.columns : object.columns;
  return (
    <section class="page live" aria-labelledby="live-title">
      <ObjectTabs object={object} page="live" />
      <h2 id="live-title">Live: {object.name}</h2>
      <div class="toolbar" aria-live="polite">
        <span class={live.connected ? 'badge ok' : 'badge'}>
          {live.connected ? 'connected' : 'connecting…'}
        </span>
        <span class="live-step" data-step={live.step ?? ''}>
          step {live.step ?? '–'}
          {live.stepAt && ` at ${new Date(live.stepAt).toLocaleTimeString()}`}
        </span>
        <span class="live-count">{live.rows.size} rows</span>
        <button type="button" onClick={() => live.setPaused(!live.paused)} aria-pressed={live.paused}>
          {live.paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {live.failure && (
        <p class="error" role="alert">
          <strong class="sqlstate">{live.failure.code}</strong> {live.failure.message}
        </p>
      )}
      {live.viewError && (
        <p class="error" role="status">
          Rows in error: <strong class="sqlstate">{live.viewError.code}</strong> {live.viewError.message}
        </p>
      )}
      <LiveChart live={live} columns={columns} />
      <div class="live-body">
        <LiveTable live={live} columns={columns} />
        <StepLog live={live} />
      </div>
    </section>
  );
}

function LiveChart({ live, columns }: { live: LiveRows; columns: CatalogObject['columns'] }) {
  const plan = chartPlan(columns, live.rows.size);
  if (!plan) return null;
  const rows: (readonly unknown[])[] = [];
  for (const e of live.rows.values()) {
    rows.push(e.row);
    if (rows.length >= chartRowsMax) break;
  }
  const valueName = columns[plan.value]!.name;
  const keyName = columns[plan.key]!.name;
  if (plan.kind === 'line') {
    const points = rows
      .map((r) => [timeValue(r[plan.key]), numberValue(r[plan.value])] as const)
      .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
      .sort((a, b) => a[0] - b[0]);
    return (
      <LineChart
        title={`${valueName} over ${keyName}`}
        series={[{ name: valueName, points }]}
        formatX={(x) => new Date(x).toISOString().slice(0, 19).replace('T', ' ')}
      />
    );
  }
  const bars = rows
    .map((r) => [cellText(r[plan.key]), numberValue(r[plan.value])] as const)
    .filter(([, v]) => Number.isFinite(v))
    .sort((a, b) => a[0].localeCompare(b[0]));
  return <BarChart title={`${valueName} by ${keyName}`} bars={bars} />;
}

function LiveTable({ live, columns }: { live: LiveRows; columns: CatalogObject['columns'] }) {
  // The latest step's inserts first, then its deletes, then the other rows, up to the window.
  const shown: { row: readonly unknown[]; count: number; mark: string }[] = [];
  for (const key of live.inserted) {
    const e = live.rows.get(key);
    if (e) shown.push({ row: e.row, count: e.count, mark: 'inserted' });
    if (shown.length >= rowWindow) break;
  }
  for (const row of live.deleted) {
    if (shown.length >= rowWindow) break;
    shown.push({ row, count: 0, mark: 'deleted' });
  }
  for (const [key, e] of live.rows) {
    if (shown.length >= rowWindow) break;
    if (!live.inserted.has(key)) shown.push({ row: e.row, count: e.count, mark: '' });
  }
  return (
    <div class="table-wrap">
      <table class="live-rows">
        <caption>
          {live.rows.size > shown.length
            ? `${shown.length} of ${live.rows.size} rows shown (latest changes first)`
            : 'Rows (latest changes first)'}
        </caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.name} scope="col" title={c.type}>
                {c.name}
              </th>
            ))}
            <th scope="col">copies</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((s, i) => (
            // Keyed by position: a step that replaces the shown rows rewrites cells in place
            // instead of removing and creating rows, which is what keeps busy views cheap.
            <tr key={i} class={s.mark}>
              {s.row.map((v, j) => (
                <td key={j}>{cellText(v)}</td>
              ))}
              <td>{s.mark === 'deleted' ? 'deleted' : s.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function StepLog({ live }: { live: LiveRows }) {
  return (
    <div class="step-log">
      <h3>Steps</h3>
      <ol aria-label="Recent steps">
        {live.log.map((s) => (
          <li key={`${s.kind}${s.step}`} data-step={s.step} data-kind={s.kind}>
            <span class="step-no">#{s.step}</span>{' '}
            {s.kind === 'changes' ? (
              <>
                <span class="plus">+{s.inserts}</span> <span class="minus">−{s.deletes}</span>
              </>
            ) : s.kind === 'resumed' ? (
              'resumed after reload'
            ) : (
              `${s.kind}: ${s.inserts} rows`
            )}{' '}
            <time>{new Date(s.at).toLocaleTimeString()}</time>
          </li>
        ))}
      </ol>
    </div>
  );
}
