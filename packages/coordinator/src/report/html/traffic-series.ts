/**
 * The charts of the run's traffic, from messages.jsonl: message rate over time, the latency
 * histogram and CDF (observed against injected, and the overhead between them), the per-link
 * matrix with drops by reason, and the topology's edges with what crossed them.
 */
import { onClientLink, type MessageLine, type Report } from '@agentnet/protocol';
import type { LinkCell, Series, TopologyEdge } from './page-model.js';

/** Buckets of the rate timeline and the latency histogram: enough to see shape, few enough to draw fast. */
const RATE_BUCKETS = 240;
const HISTOGRAM_BINS = 60;
/** Points of each CDF line. */
const CDF_POINTS = 201;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Messages sent, delivered and dropped per second, in buckets over the run (by send time; deliveries by receipt). */
export function rateSeries(lines: readonly MessageLine[], startedAt: number, runMs: number): Series {
  let end = runMs;
  for (const m of lines) end = Math.max(end, (m.received_at ?? m.sent_at) - startedAt);
  const width = Math.max(1, Math.ceil(end / RATE_BUCKETS));
  const buckets = Math.max(1, Math.ceil(end / width));
  const sent = new Array<number>(buckets).fill(0);
  const delivered = new Array<number>(buckets).fill(0);
  const dropped = new Array<number>(buckets).fill(0);
  const at = (t: number): number => Math.min(buckets - 1, Math.max(0, Math.floor((t - startedAt) / width)));
  for (const m of lines) {
    sent[at(m.sent_at)]! += 1;
    if (m.status === 'dropped') dropped[at(m.sent_at)]! += 1;
    if (m.received_at !== null) delivered[at(m.received_at)]! += 1;
  }
  const perS = (counts: number[]): number[] => counts.map((c) => round3((c * 1000) / width));
  return { x: sent.map((_, i) => i * width), ys: { sent: perS(sent), delivered: perS(delivered), dropped: perS(dropped) } };
}

function sortedOf(values: number[]): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Observed latency and injected delay of the delivered messages between nodes, binned alike, and
 * their CDFs: a workload client's link is not shaped, so it is left out, as report.json's latency.
 */
export function latencyCharts(lines: readonly MessageLine[]): {
  histogram: { edges: number[]; observed: number[]; injected: number[] };
  cdf: { p: number[]; observed: number[]; injected: number[]; overhead: number[] };
} {
  const observed: number[] = [];
  const injected: number[] = [];
  const overhead: number[] = [];
  for (const m of lines) {
    if (m.latency_ms === null || onClientLink(m)) continue;
    observed.push(m.latency_ms);
    injected.push(m.delay_ms);
    overhead.push(m.latency_ms - m.delay_ms);
  }
  const o = sortedOf(observed);
  const d = sortedOf(injected);
  const h = sortedOf(overhead);
  const top = Math.max(o.length > 0 ? (o[o.length - 1] as number) : 0, d.length > 0 ? (d[d.length - 1] as number) : 0, 1);
  const width = top / HISTOGRAM_BINS;
  const bin = (values: Float64Array): number[] => {
    const counts = new Array<number>(HISTOGRAM_BINS).fill(0);
    for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.max(0, Math.floor(v / width)))]! += 1;
    return counts;
  };
  const p = Array.from({ length: CDF_POINTS }, (_, i) => i / (CDF_POINTS - 1));
  const quantiles = (values: Float64Array): number[] =>
    values.length === 0 ? p.map(() => 0) : p.map((q) => round3(values[Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1))] as number));
  return {
    histogram: { edges: Array.from({ length: HISTOGRAM_BINS }, (_, i) => round3(i * width)), observed: bin(o), injected: bin(d) },
    cdf: { p, observed: quantiles(o), injected: quantiles(d), overhead: quantiles(h) },
  };
}

/** Each directed link of the report with its drops by reason. */
export function linkCells(report: Report, lines: readonly MessageLine[]): LinkCell[] {
  const reasons = new Map<string, Record<string, number>>();
  for (const m of lines) {
    if (m.drop_reason === null) continue;
    const key = `${m.src}\n${m.dest}`;
    const by = reasons.get(key) ?? {};
    by[m.drop_reason] = (by[m.drop_reason] ?? 0) + 1;
    reasons.set(key, by);
  }
  return report.links.map((l) => ({
    src: l.src,
    dest: l.dest,
    sent: l.sent,
    delivered: l.delivered,
    dropped: l.dropped,
    in_flight: l.in_flight,
    by_reason: reasons.get(`${l.src}\n${l.dest}`) ?? {},
    p50: l.latency_ms.p50,
  }));
}

/** The topology's edges with the traffic of both directions and their drops' main reason. */
export function topologyEdges(edges: ReadonlyArray<readonly [string, string]>, cells: readonly LinkCell[]): TopologyEdge[] {
  const byPair = new Map<string, LinkCell[]>();
  for (const c of cells) {
    const key = [c.src, c.dest].sort().join('\n');
    byPair.set(key, [...(byPair.get(key) ?? []), c]);
  }
  return edges.map(([a, b]) => {
    const both = byPair.get([a, b].sort().join('\n')) ?? [];
    const reasons: Record<string, number> = {};
    for (const c of both) for (const [r, n] of Object.entries(c.by_reason)) reasons[r] = (reasons[r] ?? 0) + n;
    const top = Object.entries(reasons).sort((x, y) => y[1] - x[1])[0];
    return {
      a,
      b,
      sent: both.reduce((s, c) => s + c.sent, 0),
      dropped: both.reduce((s, c) => s + c.dropped, 0),
      reason: top ? top[0] : null,
    };
  });
}
