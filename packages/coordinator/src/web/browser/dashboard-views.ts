/**
 * The dashboard's live views: the topology with each link's state (up, partitioned, lossy,
 * paused), the nodes with their counters, the faults, and the event feed.
 */
import type { ApiLink, ApiState } from '../../api/schema.js';
import type { FeedEvent, NodeCounts } from '../../dashboard/dashboard-model.js';
import { h, svg } from './data.js';

export type LinkState = 'up' | 'partitioned' | 'lossy' | 'shaped' | 'paused';

const STATE_STYLE: Record<LinkState, { color: string; dash: string }> = {
  up: { color: '#12805c', dash: '' },
  partitioned: { color: '#c4320a', dash: '6 4' },
  lossy: { color: '#e8710a', dash: '' },
  shaped: { color: '#7e3bd0', dash: '' },
  paused: { color: '#98a2b3', dash: '2 3' },
};

/** One direction's state: a cut wins, then a paused end, then loss, then a link fault that changed something else (delay, bandwidth...). */
export function linkState(l: ApiLink, paused: ReadonlySet<string>): LinkState {
  if (l.partitions.length > 0) return 'partitioned';
  if (paused.has(l.src) || paused.has(l.dest)) return 'paused';
  if (l.model.loss.kind !== 'none') return 'lossy';
  if (l.link_faults.length > 0) return 'shaped';
  return 'up';
}

const RANK: Record<LinkState, number> = { up: 0, shaped: 1, lossy: 2, paused: 3, partitioned: 4 };

/** The nodes on a circle, an edge per linked pair in the state of its worse direction. */
export function drawTopology(into: HTMLElement, state: ApiState, links: readonly ApiLink[], allLinks: boolean): void {
  const n = state.nodes.length;
  const size = 360;
  const r = size / 2 - 30;
  const at = new Map(state.nodes.map((node, i) => [node.id, { x: size / 2 + r * Math.sin((2 * Math.PI * i) / n), y: size / 2 - r * Math.cos((2 * Math.PI * i) / n) }]));
  const paused = new Set(state.nodes.filter((x) => x.paused !== undefined).map((x) => x.id));
  const root = svg('svg', { id: 'live-topology', viewBox: `0 0 ${size} ${size}`, width: size, height: size });
  const pairs = new Map<string, { a: string; b: string; state: LinkState; text: string[] }>();
  for (const l of links) {
    const [a, b] = [l.src, l.dest].sort() as [string, string];
    const key = `${a}\n${b}`;
    const s = linkState(l, paused);
    const pair = pairs.get(key) ?? { a, b, state: 'up' as LinkState, text: [] };
    if (RANK[s] > RANK[pair.state]) pair.state = s;
    pair.text.push(`${l.src}→${l.dest}: ${s}; ${l.counts.delivered}/${l.counts.sent} delivered, ${l.counts.dropped} dropped; ${l.model_text}${l.partitions.length > 0 ? `; cut by ${l.partitions.map((p) => p.name).join(', ')}` : ''}`);
    pairs.set(key, pair);
  }
  for (const p of pairs.values()) {
    const a = at.get(p.a);
    const b = at.get(p.b);
    if (!a || !b) continue;
    const style = STATE_STYLE[p.state];
    root.append(svg('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: style.color, 'stroke-width': 2, 'stroke-dasharray': style.dash, class: 'link', 'data-link': `${p.a}-${p.b}`, 'data-state': p.state }, p.text.join('\n')));
  }
  for (const node of state.nodes) {
    const p = at.get(node.id) as { x: number; y: number };
    const fill = node.state === 'lost' ? '#c4320a' : node.paused !== undefined ? '#98a2b3' : '#2e62d9';
    const g = svg('g', { class: 'node', 'data-node': node.id, 'data-state': node.paused !== undefined ? 'paused' : node.state }, `${node.id}: ${node.state}${node.paused ? ` (paused, ${node.paused})` : ''}, incarnation ${node.incarnation}`);
    g.append(svg('circle', { cx: p.x, cy: p.y, r: 12, fill, stroke: '#fff' }));
    const label = svg('text', { x: p.x, y: p.y + 4, 'text-anchor': 'middle', 'font-size': 10, fill: '#fff' });
    label.textContent = node.id;
    g.append(label);
    root.append(g);
  }
  const legend = h('div', { class: 'legend' }, ...Object.entries(STATE_STYLE).map(([s, st]) => h('span', {}, h('i', { style: `background:${st.color}` }), s)));
  into.replaceChildren(root, legend, ...(allLinks ? [] : [h('p', { class: 'note' }, 'Only the links a fault holds are drawn (too many links to draw each one live); every other link is up.')]));
}

export function drawNodes(into: HTMLElement, state: ApiState, counts: Readonly<Record<string, NodeCounts>>): void {
  const rows = state.nodes.map((n) => {
    const cls = n.state === 'lost' ? 'state-lost' : n.paused ? 'state-paused' : 'state-up';
    const c = counts[n.id] ?? { sent: 0, received: 0, dropped: 0 };
    return h('tr', { 'data-node': n.id }, h('td', {}, n.id), h('td', { class: cls }, n.paused ? `paused (${n.paused})` : n.state), h('td', { class: 'num' }, String(n.incarnation)), h('td', { class: 'num' }, String(n.pid)), ...[c.sent, c.received, c.dropped].map((v) => h('td', { class: 'num' }, String(v))));
  });
  into.replaceChildren(h('table', {}, h('thead', {}, h('tr', {}, ...['node', 'state', 'incarnation', 'pid', 'sent', 'received', 'dropped (sent)'].map((t) => h('th', {}, t)))), h('tbody', {}, ...rows)));
}

export function drawFaults(into: HTMLElement, state: ApiState): void {
  const inForce = state.in_force.names.length > 0 ? state.in_force.names.join(', ') : 'none';
  const paused = state.in_force.paused.map((p) => `${p.node} (${p.mode})`).join(', ');
  into.replaceChildren(
    h('p', { id: 'in-force' }, `In force: ${inForce}${paused ? `; paused: ${paused}` : ''}`),
    h('table', { id: 'fault-history' }, ...state.history.map((f) => h('tr', {}, h('td', { class: 'num' }, `${(f.at_ms / 1000).toFixed(2)} s`), h('td', {}, f.kind), h('td', {}, f.detail)))),
  );
}

/** Adds lines to the feed, newest on top. */
export function feed(list: HTMLElement, lines: ReadonlyArray<Pick<FeedEvent, 'at_ms' | 'text'>>): void {
  for (const line of lines) list.prepend(h('li', {}, `${(line.at_ms / 1000).toFixed(2)} s  ${line.text}`));
}
