/**
 * @module console/charts
 * Small SVG charts drawn by hand (no chart library: two chart kinds do not earn one): a line chart
 * of one or more series over a shared x axis, and a bar chart of labelled values. Each carries
 * its data as text for screen readers (the figure's description) and a data-points attribute.
 */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

const width = 560;
const height = 180;
const pad = { left: 56, right: 12, top: 12, bottom: 24 };
const palette = ['#2563eb', '#dc2626', '#059669', '#d97706'];

function niceNumber(n: number): string {
  if (Math.abs(n) >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (Math.abs(n) >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (Math.abs(n) >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return Number.isInteger(n) ? String(n) : n.toPrecision(3);
}

export function LineChart({
  title,
  series,
  formatX = niceNumber,
}: {
  title: string;
  series: readonly Series[];
  formatX?: (x: number) => string;
}) {
  const all = series.flatMap((s) => s.points);
  const count = all.length;
  let [minX, maxX, minY, maxY] = [Infinity, -Infinity, 0, -Infinity];
  for (const [x, y] of all) {
    minX = Math.min(minX, x);
    maxX = Math.max(maxX, x);
    minY = Math.min(minY, y);
    maxY = Math.max(maxY, y);
  }
  if (count === 0) [minX, maxX, maxY] = [0, 1, 1];
  if (maxX === minX) maxX = minX + 1;
  if (maxY === minY) maxY = minY + 1;
  const sx = (x: number) => pad.left + ((x - minX) / (maxX - minX)) * (width - pad.left - pad.right);
  const sy = (y: number) =>
    height - pad.bottom - ((y - minY) / (maxY - minY)) * (height - pad.top - pad.bottom);
  const latest = series.map((s) => `${s.name} ${s.points.length ? niceNumber(s.points.at(-1)![1]) : 'none'}`);
  return (
    <figure class="chart" data-points={count}>
      <figcaption>
        {title}
        {series.map((s, i) => (
          <span key={s.name} class="legend" style={{ color: palette[i % palette.length] }}>
            {' '}
            ● {s.name}
          </span>
        ))}
      </figcaption>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`${title}: latest ${latest.join(', ')}`}>
        <line class="axis" x1={pad.left} x2={width - pad.right} y1={sy(minY)} y2={sy(minY)} />
        <text class="tick" x={pad.left - 4} y={sy(maxY) + 4} text-anchor="end">
          {niceNumber(maxY)}
        </text>
        <text class="tick" x={pad.left - 4} y={sy(minY) + 4} text-anchor="end">
          {niceNumber(minY)}
        </text>
        <text class="tick" x={pad.left} y={height - 6}>
          {count ? formatX(minX) : ''}
        </text>
        <text class="tick" x={width - pad.right} y={height - 6} text-anchor="end">
          {count ? formatX(maxX) : ''}
        </text>
        {series.map((s, i) => (
          <polyline
            key={s.name}
            fill="none"
            stroke={palette[i % palette.length]}
            stroke-width="2"
            points={s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
    </figure>
  );
}

export function BarChart({ title, bars }: { title: string; bars: readonly (readonly [string, number])[] }) {
  const maxY = Math.max(1, ...bars.map(([, v]) => v));
  const minY = Math.min(0, ...bars.map(([, v]) => v));
  const band = (width - pad.left - pad.right) / Math.max(1, bars.length);
  const sy = (y: number) =>
    height - pad.bottom - ((y - minY) / (maxY - minY)) * (height - pad.top - pad.bottom);
  return (
    <figure class="chart" data-points={bars.length}>
      <figcaption>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title}: ${bars.map(([l, v]) => `${l} ${niceNumber(v)}`).join(', ')}`}
      >
        <line class="axis" x1={pad.left} x2={width - pad.right} y1={sy(0)} y2={sy(0)} />
        <text class="tick" x={pad.left - 4} y={sy(maxY) + 4} text-anchor="end">
          {niceNumber(maxY)}
        </text>
        {bars.map(([label, value], i) => (
          <g key={label}>
            <rect
              class="bar"
              x={pad.left + i * band + band * 0.1}
              width={band * 0.8}
              y={Math.min(sy(value), sy(0))}
              height={Math.abs(sy(0) - sy(value))}
            >
              <title>{`${label}: ${value}`}</title>
            </rect>
            <text class="tick" x={pad.left + i * band + band / 2} y={height - 6} text-anchor="middle">
              {label.length > 10 ? `${label.slice(0, 9)}…` : label}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}
