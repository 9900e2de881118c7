/**
 * One stream's view of the run: each call of next() gives the state now, the links, and the feed
 * lines since its previous call (leader changes from the behaviours' events).
 */
import type { ControlApiHost } from '../api/routes.js';
import { DASHBOARD_LINKS_MAX_NODES, type DashboardEnd, type DashboardSnapshot, type FeedEvent, type NodeCounts } from './dashboard-model.js';

export type { DashboardEnd } from './dashboard-model.js';

/** Feed lines per snapshot at most: a burst of elections cannot make one tick huge. */
const FEED_MAX = 200;

function feedLine(e: { at: number; node: string; kind: string; data: Record<string, unknown> }, startMs: number): FeedEvent | undefined {
  if (e.kind !== 'leader') return undefined;
  const term = typeof e.data.term === 'number' ? ` (term ${e.data.term})` : typeof e.data.epoch === 'number' ? ` (epoch ${e.data.epoch})` : '';
  return { at_ms: Math.max(0, Math.round(e.at - startMs)), node: e.node, kind: e.kind, text: `${e.node} became leader${term}` };
}

export function createFeed(host: ControlApiHost): { next(end: DashboardEnd | undefined): DashboardSnapshot } {
  let seen = 0;
  return {
    next(end) {
      const state = host.state();
      const events = host.events?.() ?? [];
      const startMs = Date.now() - state.elapsed_ms;
      const lines: FeedEvent[] = [];
      for (; seen < events.length && lines.length < FEED_MAX; seen++) {
        const line = feedLine(events[seen] as (typeof events)[number], startMs);
        if (line) lines.push(line);
      }
      const all = host.links({});
      const nodes: Record<string, NodeCounts> = {};
      const of = (id: string): NodeCounts => (nodes[id] ??= { sent: 0, received: 0, dropped: 0 });
      for (const l of all) {
        of(l.src).sent += l.counts.sent;
        of(l.src).dropped += l.counts.dropped;
        of(l.dest).received += l.counts.delivered;
      }
      const allLinks = state.nodes.length <= DASHBOARD_LINKS_MAX_NODES;
      const links = allLinks ? all : all.filter((l) => l.partitions.length > 0 || l.link_faults.length > 0);
      return { state, links, all_links: allLinks, nodes, events: lines, end: end ?? null };
    },
  };
}
