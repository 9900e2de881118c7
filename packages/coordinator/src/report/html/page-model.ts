/**
 * What report.html's page reads: the run's report as written, the charts' series worked out from
 * the run's files, and every message as columns (base64 typed arrays, so a million messages stay a
 * few tens of megabytes and decode in milliseconds). Shared by the builder and the page's code.
 */
import type { Report } from '@agentnet/protocol';

/** Times in the page are ms since the run's start (report.started_at). */
export interface Series {
  x: number[];
  /** One array per named line, each as long as x; null where a line has no value. */
  ys: Record<string, Array<number | null>>;
}

export interface LinkCell {
  src: string;
  dest: string;
  sent: number;
  delivered: number;
  dropped: number;
  in_flight: number;
  /** Drops on this link by reason. */
  by_reason: Record<string, number>;
  p50: number | null;
}

export interface TopologyNode {
  id: string;
  x: number;
  y: number;
  status: string;
}

export interface TopologyEdge {
  a: string;
  b: string;
  /** Of both directions: messages sent, and those dropped. */
  sent: number;
  dropped: number;
  /** The reason most of its drops had; null without drops. */
  reason: string | null;
}

export interface TimelineBand {
  name: string;
  kind: string;
  detail: string;
  start_ms: number;
  end_ms: number;
}

/** Points of one series of (time, value) pairs for scatter plots. */
export interface Points {
  name: string;
  x: number[];
  y: number[];
}

export interface AlgorithmData {
  /** Per node, the term (Raft) or epoch (Bully) it was in over time, from its leader and follow events. */
  terms: Points[];
  /** Per node, the leader it had over time, as that leader's lane (index into `lanes`). */
  leaders: Points[];
  lanes: string[];
  /** Per node, its commit index over time (Raft). */
  commits: Points[];
  /** Per node, the broadcast values it held over time (reliable broadcast): convergence after each heal. */
  holds: Points[];
}

export interface WorkloadData {
  /** Latency (ms) of each completed operation at its invoke time, per `f outcome`. */
  latency: Points[];
  /** Operations completed per second, per outcome. */
  rate: Series;
}

export interface MessageColumns {
  count: number;
  /** Names: lane order (the run's nodes, then clients), body types, drop reasons, statuses. */
  lanes: string[];
  types: string[];
  reasons: string[];
  /** base64 of Float32Array (ms since start), sorted by send time. */
  sent: string;
  /** base64 of Float32Array: receipt time, NaN when none. */
  received: string;
  delay: string;
  /** base64 of Float32Array: observed latency as messages.jsonl has it (ms), NaN when none. */
  latency: string;
  /** base64 of Uint16Array: index into lanes. */
  src: string;
  dest: string;
  /** base64 of Uint16Array: where it was dropped (a lane), 65535 when not dropped. */
  at: string;
  /** base64 of Uint16Array: index into types (past MAX_TYPES distinct ones, the last, `other types`), 65535 when unknown. */
  type: string;
  /** base64 of Uint8Array: 0 delivered, 1 dropped, 2 in flight. */
  status: string;
  /** base64 of Uint8Array: index into reasons, 255 when not dropped. */
  reason: string;
  /** base64 of Uint8Array: duplicates received (capped at 255). */
  dups: string;
  /** base64 of Uint32Array: index into the page's distinct bodies; NO_BODY when none was journaled or the page's budget was spent. */
  body: string;
  /** Distinct bodies left out of the page (over BODY_BUDGET_CHARS); messages.jsonl has them all. */
  bodies_left_out: number;
  /** The longest send-to-receipt time, so the page knows how far before a window to look. */
  max_span_ms: number;
}

export interface PageModel {
  report: Report;
  /** The files the page was built from, for its footer. */
  files: string[];
  /** `--duration open`. */
  open_ended: boolean;
  /** How long traffic ran (ms): the duration, or less when the run was stopped before it. */
  traffic_ms: number;
  rate: Series;
  latency_histogram: { edges: number[]; observed: number[]; injected: number[] };
  latency_cdf: { p: number[]; observed: number[]; injected: number[]; overhead: number[] };
  links: LinkCell[];
  topology: { nodes: TopologyNode[]; edges: TopologyEdge[] };
  bands: TimelineBand[];
  algorithm: AlgorithmData | null;
  workload: WorkloadData | null;
}

export const MESSAGE_STATUS_CODES = { delivered: 0, dropped: 1, in_flight: 2 } as const;
export const NO_INDEX_16 = 65535;
export const NO_INDEX_8 = 255;
/** Distinct body types the page names; any beyond share one entry. */
export const MAX_TYPES = 1000;
export const OTHER_TYPES = '(other types)';
export const NO_BODY = 0xffffffff;
/** Characters of distinct bodies a page holds at most (a million distinct 200-character bodies would not fit). */
export const BODY_BUDGET_CHARS = 32_000_000;
