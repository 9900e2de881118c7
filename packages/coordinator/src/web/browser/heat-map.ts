/** The per-link matrix as a heat map: a row per sender, a column per destination, one metric at a time. */
import type { LinkCell } from '../../report/html/page-model.js';
import { h } from './data.js';

const METRICS = {
  delivered: { label: 'delivered', of: (c: LinkCell) => c.delivered, hue: 215 },
  dropped: { label: 'dropped', of: (c: LinkCell) => c.dropped, hue: 12 },
  drop_share: { label: 'dropped / sent', of: (c: LinkCell) => (c.sent === 0 ? 0 : c.dropped / c.sent), hue: 12 },
  p50: { label: 'latency p50 ms', of: (c: LinkCell) => c.p50 ?? 0, hue: 265 },
} as const;
type Metric = keyof typeof METRICS;

export function renderHeatMap(into: HTMLElement, cells: readonly LinkCell[], nodes: readonly string[]): void {
  const ids = [...nodes];
  for (const c of cells) for (const id of [c.src, c.dest]) if (!ids.includes(id)) ids.push(id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const byKey = new Map(cells.map((c) => [`${c.src}\n${c.dest}`, c]));
  const select = h('select', { id: 'links-metric' }, ...Object.entries(METRICS).map(([k, m]) => h('option', { value: k }, m.label))) as HTMLSelectElement;
  const info = h('div', { class: 'note', id: 'links-info' }, 'Point at a cell: its link, counts, drops by reason and latency.');
  const cell = Math.max(3, Math.min(26, Math.floor(520 / Math.max(1, ids.length))));
  const label = ids.length <= 40 ? 34 : 0;
  const canvas = h('canvas', { id: 'links-canvas' }) as HTMLCanvasElement;
  const size = label + cell * ids.length;
  const dpr = devicePixelRatio || 1;
  canvas.width = size * dpr;
  canvas.height = size * dpr;
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  into.append(h('label', {}, 'colour by ', select), h('div', { class: 'heat-wrap' }, canvas), info);
  const draw = (): void => {
    const metric = METRICS[select.value as Metric];
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, size, size);
    let max = 1e-9;
    for (const c of cells) max = Math.max(max, metric.of(c));
    ctx.fillStyle = '#f1f3f5';
    ctx.fillRect(label, label, cell * ids.length, cell * ids.length);
    for (const c of cells) {
      const v = metric.of(c) / max;
      ctx.fillStyle = `hsl(${metric.hue} 75% ${Math.round(95 - v * 55)}%)`;
      ctx.fillRect(label + (index.get(c.dest) as number) * cell, label + (index.get(c.src) as number) * cell, cell - (cell > 4 ? 1 : 0), cell - (cell > 4 ? 1 : 0));
    }
    if (label > 0) {
      ctx.fillStyle = '#444';
      ctx.font = `${Math.min(11, cell)}px system-ui, sans-serif`;
      ids.forEach((id, i) => {
        ctx.fillText(id, 1, label + i * cell + cell * 0.75, label - 2);
        ctx.save();
        ctx.translate(label + i * cell + cell * 0.75, label - 2);
        ctx.rotate(-Math.PI / 2);
        ctx.fillText(id, 0, 0, label - 2);
        ctx.restore();
      });
    }
  };
  select.addEventListener('change', draw);
  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    const col = Math.floor((e.clientX - r.left - label) / cell);
    const row = Math.floor((e.clientY - r.top - label) / cell);
    const c = byKey.get(`${ids[row] ?? ''}\n${ids[col] ?? ''}`);
    if (!c) return;
    const reasons = Object.entries(c.by_reason).map(([k, v]) => `${k} ${v}`).join(', ');
    info.textContent = `${c.src} → ${c.dest}: sent ${c.sent}, delivered ${c.delivered}, dropped ${c.dropped}${reasons ? ` (${reasons})` : ''}, in flight ${c.in_flight}; latency p50 ${c.p50 ?? '-'} ms`;
  });
  draw();
}
