/**
 * @module console/pages/dataflow
 * A materialized view's dataflow: its operators as a graph (relations read on the left, the
 * view's output on the right), each with rows in and out per second, state entries and
 * approximate bytes, and its share of the view's step time over the last interval, coloured by
 * that share so the slow operator stands out; hydration progress while the view is being built. Counters come from
 * `GET /dataflow/{view}` once a second; rates are the difference of two samples.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type CatalogObject, type Dataflow, type DataflowNode } from '../api.ts';
import { ObjectTabs } from '../object-tabs.tsx';
import { formatBytes, formatRate, perSecond } from '../rates.ts';
import { usePoll } from '../use-poll.ts';

const pollMs = 1000;
const boxWidth = 170;
const boxHeight = 74;
const gapX = 36;
const gapY = 18;

interface NodeRates {
  readonly inPerSecond: number;
  readonly outPerSecond: number;
  /** Share of the view's operator time since the previous sample, 0…1. */
  readonly share: number;
}

export function DataflowPage({ object }: { object: CatalogObject }) {
  const { data, error } = usePoll(() => api.dataflow(object.name), pollMs, [object.name]);
  const previous = useRef<Dataflow | null>(null);
  const [rates, setRates] = useState<ReadonlyMap<number, NodeRates>>(new Map());
  useEffect(() => {
    if (!data) return;
    setRates(ratesBetween(data, previous.current));
    previous.current = data;
  }, [data]);
  return (
    <section class="page dataflow" aria-labelledby="dataflow-title">
      <ObjectTabs object={object} page="dataflow" />
      <h2 id="dataflow-title">Dataflow: {object.name}</h2>
      {error && (
        <p class="error" role="alert">
          <strong class="sqlstate">{error.fields.code}</strong> {error.message}
        </p>
      )}
      {data?.hydration && (
        <div class="hydration">
          Hydrating: {data.hydration.done} of {data.hydration.total} input rows
          <progress max={data.hydration.total} value={data.hydration.done} />
        </div>
      )}
      {data && <Graph nodes={data.nodes} rates={rates} />}
      {data && <OperatorTable nodes={data.nodes} rates={rates} />}
      <Explain sql={object.sql} />
    </section>
  );
}

/** The view's plan as EXPLAIN prints it, stage by stage; the last stage is what the graph runs. */
function Explain({ sql }: { sql: string }) {
  const [plan, setPlan] = useState<string | null>(null);
  useEffect(() => {
    api.sql(`EXPLAIN ${sql}`).then(
      (answer) => setPlan(answer.results[0]!.rows.map((r) => String(r[0])).join('\n')),
      (e: Error) => setPlan(`EXPLAIN failed: ${e.message}`),
    );
  }, [sql]);
  return (
    <details class="explain">
      <summary>Plan (EXPLAIN): the operators above come from its last stage</summary>
      <pre class="sql">{plan ?? 'Loading…'}</pre>
    </details>
  );
}

function ratesBetween(now: Dataflow, before: Dataflow | null): Map<number, NodeRates> {
  const seconds = before ? (now.now - before.now) / 1000 : 0;
  const old = new Map(before?.nodes.map((n) => [n.id, n]));
  let busy = 0;
  for (const n of now.nodes) busy += Math.max(0, n.busyMs - (old.get(n.id)?.busyMs ?? n.busyMs));
  const out = new Map<number, NodeRates>();
  for (const n of now.nodes) {
    const o = old.get(n.id);
    const spent = Math.max(0, n.busyMs - (o?.busyMs ?? n.busyMs));
    out.set(n.id, {
      inPerSecond: perSecond(n.rowsIn, o?.rowsIn, seconds),
      outPerSecond: perSecond(n.rowsOut, o?.rowsOut, seconds),
      share: busy > 0 ? spent / busy : 0,
    });
  }
  return out;
}

/** Green (idle) to red (all of the step time), by share. */
/** "state 204 · ≈ 12.3 KiB": entries and approximate bytes (docs/console.md says how they are priced). */
function stateLabel(n: DataflowNode): string {
  if (n.stateEntries === null) return 'no state';
  return n.stateBytes === null
    ? `state ${n.stateEntries}`
    : `state ${n.stateEntries} · ≈ ${formatBytes(n.stateBytes)}`;
}

function loadColour(share: number): string {
  const hue = Math.round(140 * (1 - Math.min(1, share)));
  return `hsl(${hue} 70% 88%)`;
}

/** Columns by depth: a node sits one column right of its deepest input. */
function layout(nodes: readonly DataflowNode[]): Map<number, { x: number; y: number }> {
  const depth = new Map<number, number>();
  for (const n of nodes) depth.set(n.id, Math.max(-1, ...n.inputs.map((i) => depth.get(i) ?? 0)) + 1);
  const rows = new Map<number, number>();
  const at = new Map<number, { x: number; y: number }>();
  for (const n of nodes) {
    const d = depth.get(n.id)!;
    const r = rows.get(d) ?? 0;
    rows.set(d, r + 1);
    at.set(n.id, { x: 10 + d * (boxWidth + gapX), y: 10 + r * (boxHeight + gapY) });
  }
  return at;
}

function Graph({ nodes, rates }: { nodes: readonly DataflowNode[]; rates: ReadonlyMap<number, NodeRates> }) {
  const at = layout(nodes);
  let width = 0;
  let height = 0;
  for (const p of at.values()) {
    width = Math.max(width, p.x + boxWidth + 10);
    height = Math.max(height, p.y + boxHeight + 10);
  }
  return (
    <div class="graph-wrap">
      <svg
        class="graph"
        width={width}
        height={height}
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`Operator graph with ${nodes.length} nodes; the table below lists their counters`}
      >
        {nodes.flatMap((n) =>
          n.inputs.map((i) => {
            const from = at.get(i);
            const to = at.get(n.id)!;
            if (!from) return null;
            return (
              <line
                key={`${i}-${n.id}`}
                class="edge"
                x1={from.x + boxWidth}
                y1={from.y + boxHeight / 2}
                x2={to.x}
                y2={to.y + boxHeight / 2}
              />
            );
          }),
        )}
        {nodes.map((n) => {
          const p = at.get(n.id)!;
          const r = rates.get(n.id);
          return (
            <g key={n.id} class="node" data-operator={n.operator} transform={`translate(${p.x} ${p.y})`}>
              <rect
                width={boxWidth}
                height={boxHeight}
                rx="6"
                fill={n.relation ? '#e0e7ff' : loadColour(r?.share ?? 0)}
              />
              <text x="8" y="18" class="op-name">
                {n.relation ? `read ${n.relation}` : n.operator}
              </text>
              {!n.relation && (
                <>
                  <text x="8" y="36">
                    in {formatRate(r?.inPerSecond ?? 0)}/s · out {formatRate(r?.outPerSecond ?? 0)}/s
                  </text>
                  <text x="8" y="52">
                    {Math.round((r?.share ?? 0) * 100)} % of step time
                  </text>
                  <text x="8" y="68" class="state">
                    {stateLabel(n)}
                  </text>
                </>
              )}
            </g>
          );
        })}
      </svg>
    </div>
  );
}

function OperatorTable({
  nodes,
  rates,
}: {
  nodes: readonly DataflowNode[];
  rates: ReadonlyMap<number, NodeRates>;
}) {
  return (
    <div class="table-wrap">
      <table class="operators">
        <caption>Operators (totals since the view was created)</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">operator</th>
            <th scope="col">inputs</th>
            <th scope="col">rows in</th>
            <th scope="col">rows out</th>
            <th scope="col">in/s</th>
            <th scope="col">out/s</th>
            <th scope="col">time share</th>
            <th scope="col">busy ms</th>
            <th scope="col">state entries</th>
            <th scope="col">state bytes</th>
          </tr>
        </thead>
        <tbody>
          {nodes
            .filter((n) => !n.relation)
            .map((n) => {
              const r = rates.get(n.id);
              return (
                <tr key={n.id} data-node={n.id}>
                  <td>{n.id}</td>
                  <td>{n.operator}</td>
                  <td>
                    {n.inputs.map((i) => nodes.find((m) => m.id === i)?.relation ?? `#${i}`).join(', ')}
                  </td>
                  <td class="rows-in">{n.rowsIn}</td>
                  <td class="rows-out">{n.rowsOut}</td>
                  <td>{formatRate(r?.inPerSecond ?? 0)}</td>
                  <td>{formatRate(r?.outPerSecond ?? 0)}</td>
                  <td>{Math.round((r?.share ?? 0) * 100)} %</td>
                  <td>{n.busyMs.toFixed(2)}</td>
                  <td>{n.stateEntries ?? '–'}</td>
                  <td class="state-bytes" title={n.stateBytes === null ? undefined : `${n.stateBytes} bytes`}>
                    {n.stateBytes === null ? '–' : `≈ ${formatBytes(n.stateBytes)}`}
                  </td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </div>
  );
}
