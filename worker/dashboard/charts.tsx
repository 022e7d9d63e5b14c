/** Server-rendered SVG charts: no script, no external library; every mark has a tooltip. */

export const PALETTE = ['#4f46e5', '#0ea5e9', '#10b981', '#f59e0b', '#ec4899', '#8b5cf6', '#94a3b8'];

const W = 560;
const PAD = { left: 64, right: 12, top: 14, bottom: 28 };

/** A round upper bound and step for an axis running from 0 to at least `max`. */
export function niceScale(max: number, ticks = 4): { top: number; step: number } {
  if (!(max > 0)) return { top: ticks, step: 1 };
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  return { top: Math.ceil(max / step - 1e-9) * step, step };
}

function Grid(props: { top: number; step: number; height: number; format: (v: number) => string }) {
  const plotH = props.height - PAD.top - PAD.bottom;
  const lines = [];
  for (let v = 0; v <= props.top + props.step / 2; v += props.step) {
    const y = PAD.top + plotH - (v / props.top) * plotH;
    lines.push(
      <g>
        <line
          x1={PAD.left}
          x2={W - PAD.right}
          y1={y}
          y2={y}
          stroke={v === 0 ? '#9ca3af' : '#e5e7eb'}
          stroke-width="1"
        />
        <text x={PAD.left - 8} y={y + 4} text-anchor="end" font-size="11" fill="#6b7280">
          {props.format(v)}
        </text>
      </g>,
    );
  }
  return <g>{lines}</g>;
}

function EmptyNote(props: { text: string; height: number }) {
  return (
    <text
      x={(PAD.left + W - PAD.right) / 2}
      y={(props.height - PAD.bottom + PAD.top) / 2}
      text-anchor="middle"
      font-size="13"
      fill="#9ca3af"
    >
      {props.text}
    </text>
  );
}

export interface Series {
  name: string;
  color: string;
  values: number[];
}

/** Stacked bars, one per label (a day), one colour per series (a model). */
export function StackedBars(props: {
  labels: string[];
  series: Series[];
  format: (v: number) => string;
  tickLabel: (label: string) => string;
  empty: string;
  height?: number;
  title: string;
}) {
  const height = props.height ?? 240;
  const n = props.labels.length;
  const totals = props.labels.map((_, i) => props.series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
  const max = Math.max(0, ...totals);
  const { top, step } = niceScale(max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const band = plotW / Math.max(1, n);
  const barW = Math.max(2, band * 0.72);
  const every = Math.max(1, Math.ceil(n / 7));
  const bars = props.labels.map((label, i) => {
    let y = PAD.top + plotH;
    const x = PAD.left + i * band + (band - barW) / 2;
    const parts = props.series.map((s) => {
      const v = s.values[i] ?? 0;
      if (v <= 0) return null;
      const h = Math.max(1, (v / top) * plotH);
      y -= h;
      return (
        <rect x={x.toFixed(1)} y={y.toFixed(1)} width={barW.toFixed(1)} height={h.toFixed(1)} fill={s.color} rx="1.5">
          <title>{`${label} · ${s.name}: ${props.format(v)}`}</title>
        </rect>
      );
    });
    return (
      <g>
        {parts}
        {i % every === 0 || i === n - 1 ? (
          <text x={(x + barW / 2).toFixed(1)} y={height - 8} text-anchor="middle" font-size="11" fill="#6b7280">
            {props.tickLabel(label)}
          </text>
        ) : null}
      </g>
    );
  });
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${height}`}
      role="img"
      aria-label={props.title}
      xmlns="http://www.w3.org/2000/svg"
    >
      <Grid top={top} step={step} height={height} format={props.format} />
      {bars}
      {max === 0 ? <EmptyNote text={props.empty} height={height} /> : null}
    </svg>
  );
}

/** A filled line over evenly spaced points (e.g. requests in each of the last 60 minutes). */
export function AreaLine(props: {
  values: number[];
  tooltips: string[];
  ticks: { index: number; label: string }[];
  format: (v: number) => string;
  empty: string;
  color?: string;
  height?: number;
  title: string;
}) {
  const height = props.height ?? 240;
  const color = props.color ?? '#4f46e5';
  const n = props.values.length;
  const max = Math.max(0, ...props.values);
  const { top, step } = niceScale(max < 4 ? 4 : max);
  const plotW = W - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const xOf = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const yOf = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const points = props.values.map((v, i) => `${xOf(i).toFixed(1)},${yOf(v).toFixed(1)}`);
  const line = `M${points.join(' L')}`;
  const area = `${line} L${xOf(n - 1).toFixed(1)},${yOf(0).toFixed(1)} L${xOf(0).toFixed(1)},${yOf(0).toFixed(1)} Z`;
  const slot = plotW / Math.max(1, n - 1);
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${W} ${height}`}
      role="img"
      aria-label={props.title}
      xmlns="http://www.w3.org/2000/svg"
    >
      <Grid top={top} step={step} height={height} format={props.format} />
      <path d={area} fill={color} fill-opacity="0.12" />
      <path d={line} fill="none" stroke={color} stroke-width="2" stroke-linejoin="round" />
      {props.values.map((v, i) =>
        v > 0 ? <circle cx={xOf(i).toFixed(1)} cy={yOf(v).toFixed(1)} r="2.5" fill={color} /> : null,
      )}
      {props.values.map((_, i) => (
        <rect
          class="hit"
          x={(xOf(i) - slot / 2).toFixed(1)}
          y={PAD.top}
          width={slot.toFixed(1)}
          height={plotH}
          fill="transparent"
        >
          <title>{props.tooltips[i]}</title>
        </rect>
      ))}
      {props.ticks.map((t) => (
        <text
          x={xOf(t.index).toFixed(1)}
          y={height - 8}
          text-anchor={t.index === 0 ? 'start' : t.index === n - 1 ? 'end' : 'middle'}
          font-size="11"
          fill="#6b7280"
        >
          {t.label}
        </text>
      ))}
      {max === 0 ? <EmptyNote text={props.empty} height={height} /> : null}
    </svg>
  );
}

export function Legend(props: { items: { name: string; color: string; value: string }[] }) {
  return (
    <ul class="legend">
      {props.items.map((it) => (
        <li>
          <span class="swatch" style={`background:${it.color}`} />
          <span class="legend-name">{it.name}</span>
          <span class="muted">{it.value}</span>
        </li>
      ))}
    </ul>
  );
}
