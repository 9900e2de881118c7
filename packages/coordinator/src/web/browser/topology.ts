/** The topology as the run used it: each edge drawn by what crossed it (width) and what it lost (colour, dashes). */
import type { PageModel } from '../../report/html/page-model.js';
import { h, svg } from './data.js';


export function renderTopology(into: HTMLElement, topology: PageModel['topology']): void {
  const { nodes, edges } = topology;
  if (nodes.length === 0) return;
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min(480 / Math.max(1, maxX - minX), 360 / Math.max(1, maxY - minY), 90);
  const radius = Math.max(3, Math.min(14, scale / 3));
  const at = new Map(nodes.map((n) => [n.id, { x: 40 + (n.x - minX) * scale, y: 30 + (n.y - minY) * scale }]));
  const width = 80 + (maxX - minX) * scale;
  const height = 60 + (maxY - minY) * scale;
  const root = svg('svg', { id: 'topology-svg', viewBox: `0 0 ${width} ${height}`, width: Math.min(width, 640), role: 'img' });
  let maxSent = 1;
  for (const e of edges) maxSent = Math.max(maxSent, e.sent);
  for (const e of edges) {
    const a = at.get(e.a);
    const b = at.get(e.b);
    if (!a || !b) continue;
    const share = e.sent === 0 ? 0 : e.dropped / e.sent;
    const color = e.dropped === 0 ? '#98a2b3' : `hsl(${Math.round(30 - share * 30)} 85% ${Math.round(50 - share * 15)}%)`;
    const title = `${e.a} – ${e.b}: ${e.sent} sent, ${e.dropped} dropped${e.reason ? ` (mostly ${e.reason})` : ''}`;
    root.append(
      svg(
        'line',
        { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: color, 'stroke-width': 1 + (3 * e.sent) / maxSent, ...(e.reason === 'partition' ? { 'stroke-dasharray': '5 3' } : {}), class: 'edge', 'data-state': e.reason ?? 'up' },
        title,
      ),
    );
  }
  for (const n of nodes) {
    const p = at.get(n.id) as { x: number; y: number };
    const g = svg('g', { class: 'node' }, `${n.id}: ${n.status}`);
    g.append(svg('circle', { cx: p.x, cy: p.y, r: radius, fill: n.status === 'ok' ? '#2e62d9' : '#c4320a', stroke: '#fff' }));
    if (nodes.length <= 60) {
      const t = svg('text', { x: p.x, y: p.y - radius - 3, 'text-anchor': 'middle', 'font-size': 11, fill: '#1d2433' });
      t.textContent = n.id;
      g.append(t);
    }
    root.append(g);
  }
  into.append(
    root,
    h('div', { class: 'legend' }, h('span', {}, h('i', { style: 'background:#98a2b3' }), 'no drops'), h('span', {}, h('i', { style: 'background:#e8710a' }), 'some dropped'), h('span', {}, h('i', { style: 'background:#b42318' }), 'most dropped; dashed: partition'), h('span', {}, h('i', { style: 'background:#c4320a;border-radius:50%' }), 'lost node')),
  );
}
