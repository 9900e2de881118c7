/**
 * The report's `graph` and `routing` sections: the topology in numbers, and for routed runs the
 * convergence the checker timed, hop counts and path stretch of delivered messages (against the
 * live graph of their send time), what routing cost in messages and bytes, and drops for want of
 * a route or of hops.
 */
import type { GraphReport, MessageLine, RoutingReport } from '@agentnet/protocol';
import { percentiles } from '../numbers/percentiles.js';
import type { RoutingChecker } from '../checkers/routing.js';
import type { Graph } from '../topology/topology.js';
import { graphMetrics } from './graph-metrics.js';

/** Above this many links the report leaves the edge list out and nothing is drawn. */
export const MAX_LISTED_EDGES = 10_000;

export function graphReport(graph: Graph, topology: string, svg: string | null): GraphReport {
  return {
    ...graphMetrics(graph),
    topology,
    edge_list: graph.edges.length <= MAX_LISTED_EDGES ? graph.edges.map(([a, b]) => [a, b]) : null,
    svg,
  };
}

export function routingReport(checker: RoutingChecker, lines: readonly MessageLine[], mismatch: string | undefined): RoutingReport {
  const hops: number[] = [];
  const stretch: number[] = [];
  for (const m of lines) {
    if (m.status !== 'delivered' || m.hops === null) continue;
    hops.push(m.hops);
    const shortest = checker.distancesAt(m.sent_at)?.get(m.src)?.get(m.dest);
    if (shortest !== undefined && shortest > 0) stretch.push(m.hops / shortest);
  }
  const sum = (pick: (c: { control: RoutingReport['control_messages']; data: RoutingReport['data_messages'] }) => RoutingReport['control_messages']) => {
    const out = { sent: 0, bytes: 0, received: 0, dropped: 0 };
    for (const c of checker.counts.values()) {
      const p = pick(c);
      out.sent += p.sent;
      out.bytes += p.bytes;
      out.received += p.received;
      out.dropped += p.dropped;
    }
    return out;
  };
  // Windows in which the tables were right: from each convergence to the next change.
  const conv = checker.convergence;
  const windows = conv.flatMap((c, i) => (c.converged_ms === null ? [] : [[checker.startEpochMs + c.at_ms + c.converged_ms, i + 1 < conv.length ? checker.startEpochMs + (conv[i + 1] as { at_ms: number }).at_ms : Infinity] as const]));
  const whileConverged = (t: number) => windows.some(([from, to]) => t >= from && t < to);
  const start = checker.convergence.find((c) => c.cause === 'start');
  return {
    protocol: checker.settings.protocol,
    interval_ms: checker.settings.interval_ms,
    ttl: checker.settings.ttl,
    converged_ms: start?.converged_ms ?? null,
    convergence: checker.convergence,
    hops: percentiles(hops),
    hops_histogram: histogram(hops),
    stretch: percentiles(stretch),
    control_messages: sum((c) => c.control),
    data_messages: sum((c) => c.data),
    dropped: {
      no_route: lines.filter((m) => m.drop_reason === 'no_route').length,
      ttl: lines.filter((m) => m.drop_reason === 'ttl').length,
    },
    ttl_after_convergence: lines.filter((m) => m.drop_reason === 'ttl' && whileConverged(m.sent_at)).length,
    mismatch_at_end: mismatch ?? null,
  };
}

function histogram(values: readonly number[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...values].sort((a, b) => a - b)) out[String(v)] = (out[String(v)] ?? 0) + 1;
  return out;
}
