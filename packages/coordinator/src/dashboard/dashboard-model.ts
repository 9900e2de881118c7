/** What the dashboard's stream sends every half second; shared by the server and the page's code. */
import type { Report } from '@agentnet/protocol';
import type { ApiLink, ApiState } from '../api/schema.js';

/** The run's end as the page shows it before turning into the final report. */
export interface DashboardEnd {
  verdict: boolean | 'unknown' | null;
  totals: Report['totals'];
  run_dir: string;
  /** The coordinator waits for the page (or Ctrl-C) before it exits. */
  keep_open: boolean;
}

/** A line of the event feed: what a behaviour recorded that the page follows (leader changes). */
export interface FeedEvent {
  /** ms since the start of traffic. */
  at_ms: number;
  node: string;
  kind: string;
  text: string;
}

/** A node's messages so far, from the links' counts: sent (and of those, dropped), and received. */
export interface NodeCounts {
  sent: number;
  received: number;
  dropped: number;
}

export interface DashboardSnapshot {
  state: ApiState;
  /** Directed links with their model, faults and counts: every one, or in runs of more than DASHBOARD_LINKS_MAX_NODES nodes only those a fault holds (the others are up). */
  links: ApiLink[];
  /** False when `links` holds only the faulted links. */
  all_links: boolean;
  nodes: Record<string, NodeCounts>;
  /** Feed lines since the previous snapshot. */
  events: FeedEvent[];
  /** Set once the report is written. */
  end: DashboardEnd | null;
}

/** Runs of more nodes than this get only their faulted links each tick (a 200-node mesh has 39,800 links). */
export const DASHBOARD_LINKS_MAX_NODES = 40;
