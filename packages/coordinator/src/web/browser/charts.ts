/**
 * The page's charts, drawn by uPlot (canvas, about 50 kB, fast on hundreds of thousands of
 * points): lines and steps over time with the run's fault periods shaded and named, and scatter.
 */
import uPlot from 'uplot';
import type { Points, TimelineBand } from '../../report/html/page-model.js';
import { colorOf, h } from './data.js';

export interface LineSpec {
  label: string;
  values: Array<number | null>;
  color?: string;
  /** Steps (a value holds until the next) instead of straight lines. */
  stepped?: boolean;
  /** Points only, no line. */
  points?: boolean;
  fill?: string;
}

export interface ChartSpec {
  x: number[];
  lines: LineSpec[];
  xLabel: string;
  yLabel: string;
  /** x is time in ms since start: ticks in seconds. */
  time?: boolean;
  bands?: TimelineBand[];
  height?: number;
  /** Tick labels of the y axis (e.g. node names for a lane index). */
  yNames?: string[];
}

/** Shades each fault period over the plot area and names it at the top. */
function bandsPlugin(bands: TimelineBand[]): uPlot.Plugin {
  return {
    hooks: {
      draw: (u: uPlot) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
        bands.forEach((b, i) => {
          const x0 = u.valToPos(b.start_ms, 'x', true);
          const x1 = u.valToPos(b.end_ms, 'x', true);
          ctx.fillStyle = b.kind === 'partition' ? 'rgba(196,50,10,0.10)' : 'rgba(181,71,8,0.10)';
          ctx.fillRect(x0, top, Math.max(1, x1 - x0), height);
          ctx.fillStyle = 'rgba(120,40,10,0.9)';
          ctx.fillText(b.name, x0 + 3, top + (12 + (i % 3) * 12) * devicePixelRatio);
        });
        ctx.restore();
      },
    },
  };
}

export function chart(into: HTMLElement, spec: ChartSpec): uPlot {
  const holder = h('div', { class: 'chart' });
  into.append(holder);
  const width = Math.max(320, into.clientWidth || 520);
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const series: uPlot.Series[] = [
    { label: spec.xLabel, value: spec.time ? (_u, v) => (v === null ? '-' : `${(v / 1000).toFixed(3)} s`) : undefined },
    ...spec.lines.map((l, i) => ({
      label: l.label,
      stroke: l.color ?? colorOf(i),
      width: l.points ? 0 : 1.5,
      spanGaps: Boolean(l.stepped),
      ...(l.fill ? { fill: l.fill } : {}),
      ...(l.stepped && stepped ? { paths: stepped } : {}),
      ...(l.points ? { paths: () => null, points: { show: true, size: 4, fill: l.color ?? colorOf(i) } } : {}),
    })),
  ];
  const names = spec.yNames;
  const opts: uPlot.Options = {
    width,
    height: spec.height ?? 240,
    series,
    scales: { x: { time: false } },
    axes: [
      { label: spec.xLabel, values: spec.time ? (_u, ticks) => ticks.map((t) => `${(t / 1000).toFixed(1)}s`) : undefined },
      {
        label: spec.yLabel,
        size: names ? 60 : 50,
        ...(names ? { values: (_u: uPlot, ticks: number[]) => ticks.map((t) => (Number.isInteger(t) ? (names[t] ?? '') : '')) } : {}),
      },
    ],
    plugins: spec.bands && spec.bands.length > 0 ? [bandsPlugin(spec.bands)] : [],
  };
  return new uPlot(opts, [spec.x, ...spec.lines.map((l) => l.values)] as uPlot.AlignedData, holder);
}

/** Point sets with their own x values, aligned on the union of their x for uPlot. */
export function aligned(sets: readonly Points[]): { x: number[]; values: Array<Array<number | null>> } {
  const xs = Float64Array.from(new Set(sets.flatMap((s) => s.x))).sort();
  const index = new Map<number, number>();
  xs.forEach((x, i) => index.set(x, i));
  const values = sets.map((s) => {
    const out = new Array<number | null>(xs.length).fill(null);
    s.x.forEach((x, k) => {
      out[index.get(x) as number] = s.y[k] ?? null;
    });
    return out;
  });
  return { x: Array.from(xs), values };
}

/** A chart of point sets over time: steps per set, or points. */
export function setsChart(into: HTMLElement, sets: readonly Points[], spec: Omit<ChartSpec, 'x' | 'lines'> & { points?: boolean }): void {
  const { x, values } = aligned(sets);
  chart(into, {
    ...spec,
    x,
    lines: sets.map((s, i) => ({ label: s.name, values: values[i] ?? [], stepped: !spec.points, points: Boolean(spec.points) })),
  });
}
