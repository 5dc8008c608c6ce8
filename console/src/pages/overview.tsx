/**
 * @module console/pages/overview
 * The server at a glance: steps and rows in/out per second and step latency (p50/p99) over the
 * last minutes, memory, open sessions and subscriptions, errors answered by SQLSTATE, and views
 * with rows in error (errors as data) linking to them. `GET /stats` once a second; rates are
 * differences of two samples, kept in the page for `historyMax` samples.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Stats } from '../api.ts';
import { LineChart } from '../charts.tsx';
import { formatBytes, formatRate, perSecond, pushBounded } from '../rates.ts';
import { hrefOf } from '../router.ts';
import { usePoll } from '../use-poll.ts';

const pollMs = 1000;
/** Five minutes of one-second samples. */
const historyMax = 300;

interface Sample {
  readonly at: number;
  readonly steps: number;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly p50: number | null;
  readonly p99: number | null;
}

export function Overview() {
  const { data, error } = usePoll(api.stats, pollMs, []);
  const last = useRef<Stats | null>(null);
  const [samples, setSamples] = useState<Sample[]>([]);
  useEffect(() => {
    if (!data) return;
    const before = last.current;
    const seconds = before ? (data.now - before.now) / 1000 : 0;
    last.current = data;
    if (!before) return;
    setSamples((s) =>
      pushBounded(
        s,
        {
          at: data.now,
          steps: perSecond(data.step, before.step, seconds),
          rowsIn: perSecond(data.rowsIn, before.rowsIn, seconds),
          rowsOut: perSecond(data.rowsOut, before.rowsOut, seconds),
          p50: data.latency.p50Ms,
          p99: data.latency.p99Ms,
        },
        historyMax,
      ),
    );
  }, [data]);
  const series = (pick: (s: Sample) => number | null) =>
    samples.flatMap((s) => {
      const v = pick(s);
      return v === null ? [] : [[s.at, v] as const];
    });
  const time = (x: number) => new Date(x).toLocaleTimeString();
  const latest = samples.at(-1);
  return (
    <section class="page overview" aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      {error && (
        <p class="error" role="alert">
          <strong class="sqlstate">{error.fields.code}</strong> {error.message}
        </p>
      )}
      {data && (
        <dl class="figures">
          <div>
            <dt>Step</dt>
            <dd class="figure-step">{data.step}</dd>
          </div>
          <div>
            <dt>Steps/s</dt>
            <dd>{formatRate(latest?.steps ?? 0)}</dd>
          </div>
          <div>
            <dt>Rows in/s</dt>
            <dd>{formatRate(latest?.rowsIn ?? 0)}</dd>
          </div>
          <div>
            <dt>Rows out/s</dt>
            <dd>{formatRate(latest?.rowsOut ?? 0)}</dd>
          </div>
          <div>
            <dt>Step p50 / p99</dt>
            <dd>
              {ms(data.latency.p50Ms)} / {ms(data.latency.p99Ms)}
            </dd>
          </div>
          <div>
            <dt>Memory (RSS / heap)</dt>
            <dd>
              {formatBytes(data.memory.rssBytes)} / {formatBytes(data.memory.heapUsedBytes)}
            </dd>
          </div>
          <div>
            <dt>Operator state</dt>
            <dd class="state-bytes">≈ {formatBytes(data.memory.stateBytes)}</dd>
          </div>
          <div>
            <dt>Sessions</dt>
            <dd>
              {Object.entries(data.sessions)
                .map(([p, n]) => `${p} ${n}`)
                .join(', ') || '0'}
            </dd>
          </div>
          <div>
            <dt>Subscriptions</dt>
            <dd>
              SSE {data.subscriptions.sse}, WebSocket {data.subscriptions.websocket}
            </dd>
          </div>
        </dl>
      )}
      <div class="charts">
        <LineChart
          title="Steps per second"
          series={[{ name: 'steps/s', points: series((s) => s.steps) }]}
          formatX={time}
        />
        <LineChart
          title="Rows per second"
          series={[
            { name: 'in', points: series((s) => s.rowsIn) },
            { name: 'out', points: series((s) => s.rowsOut) },
          ]}
          formatX={time}
        />
        <LineChart
          title="Step latency (ms, last 10 s)"
          series={[
            { name: 'p50', points: series((s) => s.p50) },
            { name: 'p99', points: series((s) => s.p99) },
          ]}
          formatX={time}
        />
      </div>
      {data && (
        <div class="two-col">
          <section aria-labelledby="view-errors-title">
            <h3 id="view-errors-title">Views with rows in error</h3>
            {data.viewErrors.length === 0 ? (
              <p class="empty">None.</p>
            ) : (
              <ul>
                {data.viewErrors.map((e) => (
                  <li key={e.view}>
                    <a href={hrefOf({ page: 'live', name: e.view })}>{e.view}</a>:{' '}
                    {e.rows > 0 && (
                      <span class="error-rows">{e.rows === 1 ? '1 row' : `${e.rows} rows`}, </span>
                    )}
                    <strong class="sqlstate">{e.code}</strong> {e.message}
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="errors-title">
            <h3 id="errors-title">Errors answered (HTTP), by SQLSTATE</h3>
            {Object.keys(data.errors).length === 0 ? (
              <p class="empty">None.</p>
            ) : (
              <ul>
                {Object.entries(data.errors).map(([code, n]) => (
                  <li key={code}>
                    <strong class="sqlstate">{code}</strong>: {n}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </div>
      )}
      <p class="hint">Sources, sinks and their lag appear here once connectors exist.</p>
    </section>
  );
}

function ms(v: number | null): string {
  return v === null ? '–' : `${v < 1 ? v.toFixed(3) : v.toFixed(1)} ms`;
}
