/**
 * Traffic inside each fault period versus outside: the faults[] steps are paired into periods
 * (a step with `name` starts one, a later step whose `ends` names it ends it), and the messages are
 * split by the time they were sent. Comparing a period's observed latency with its injected delay
 * shows what the sockets and processes add under that fault.
 */
import { onClientLink, type DropReason, type FaultKind, type FaultPeriod, type FaultRecord, type MessageLine, type PeriodStats } from '@agentnet/protocol';
import { percentiles } from '../numbers/percentiles.js';

export interface FaultPeriodsInput {
  faults: readonly FaultRecord[];
  /** Epoch ms of the run's start (`started_at`): fault `at_ms` counts from it, `sent_at` is epoch ms. */
  startedAtMs: number;
  /** ms from start to the end of the run: where a period no step ended stops. */
  elapsedMs: number;
  /** Sorted by `sent_at` as the ledger writes them; sorted here (a copy) when not. */
  lines: readonly MessageLine[];
}

export interface FaultPeriodsResult {
  fault_periods: FaultPeriod[];
  inside_faults: PeriodStats;
  outside_faults: PeriodStats;
}

interface Span {
  name: string;
  kind: FaultKind;
  detail: string;
  start_ms: number;
  /** null while no step has ended it. */
  end_ms: number | null;
}

/** A half-open range [from, to) of indexes into the sorted lines. */
type Range = readonly [number, number];

/**
 * Pairs each starting step with the first later step that ends its name. A step's `ends` are applied
 * before its own `name`, so a step may end an earlier period of the name it starts anew.
 */
export function pairPeriods(faults: readonly FaultRecord[]): Span[] {
  const spans: Span[] = [];
  const open = new Map<string, Span[]>();
  // Stable, so steps recorded in the same millisecond keep their order.
  const ordered = [...faults].sort((a, b) => a.at_ms - b.at_ms);
  for (const f of ordered) {
    for (const name of f.ends ?? []) {
      for (const span of open.get(name) ?? []) span.end_ms = Math.max(span.start_ms, f.at_ms);
      open.delete(name);
    }
    if (f.name === undefined) continue;
    const span: Span = { name: f.name, kind: f.kind, detail: f.detail, start_ms: f.at_ms, end_ms: null };
    spans.push(span);
    open.set(f.name, [...(open.get(f.name) ?? []), span]);
  }
  return spans;
}

/** The first index whose `sent_at` is at or after `t`. */
function lowerBound(lines: readonly MessageLine[], t: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((lines[mid] as MessageLine).sent_at < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts and percentiles over the lines in the given ranges (each line once when ranges do not overlap). */
export function statsOver(lines: readonly MessageLine[], ranges: readonly Range[]): PeriodStats {
  let sent = 0;
  let delivered = 0;
  /** Delivered over the simulated network: a client link's messages are not shaped, so not in the latency. */
  let shaped = 0;
  let dropped = 0;
  const droppedByReason: Partial<Record<DropReason, number>> = {};
  for (const [from, to] of ranges) {
    sent += to - from;
    for (let i = from; i < to; i++) {
      const m = lines[i] as MessageLine;
      if (m.status === 'delivered') {
        delivered++;
        if (!onClientLink(m)) shaped++;
      } else if (m.status === 'dropped') {
        dropped++;
        if (m.drop_reason) droppedByReason[m.drop_reason] = (droppedByReason[m.drop_reason] ?? 0) + 1;
      }
    }
  }
  // Sized once from the first pass: no per-line allocation on runs of millions of messages.
  const latency = new Float64Array(shaped);
  const delay = new Float64Array(shaped);
  const overhead = new Float64Array(shaped);
  let k = 0;
  for (const [from, to] of ranges) {
    for (let i = from; i < to; i++) {
      const m = lines[i] as MessageLine;
      if (m.status !== 'delivered' || onClientLink(m)) continue;
      latency[k] = m.latency_ms as number;
      delay[k] = m.delay_ms;
      overhead[k] = (m.latency_ms as number) - m.delay_ms;
      k++;
    }
  }
  return {
    sent,
    delivered,
    dropped,
    in_flight: sent - delivered - dropped,
    delivery_ratio: sent === 0 ? null : Math.round((delivered / sent) * 10_000) / 10_000,
    dropped_by_reason: droppedByReason,
    latency_ms: percentiles(latency),
    delay_ms: percentiles(delay),
    overhead_ms: percentiles(overhead),
  };
}

function isSorted(lines: readonly MessageLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if ((lines[i] as MessageLine).sent_at < (lines[i - 1] as MessageLine).sent_at) return false;
  return true;
}

/** The union of possibly overlapping ranges, and what of [0, n) it leaves out. */
function unionAndRest(ranges: readonly Range[], n: number): { union: Range[]; rest: Range[] } {
  const union: [number, number][] = [];
  for (const [from, to] of [...ranges].filter(([f, t]) => t > f).sort((a, b) => a[0] - b[0])) {
    const last = union.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else union.push([from, to]);
  }
  const rest: Range[] = [];
  let at = 0;
  for (const [from, to] of union) {
    if (from > at) rest.push([at, from]);
    at = to;
  }
  if (at < n) rest.push([at, n]);
  return { union, rest };
}

export function faultPeriods(input: FaultPeriodsInput): FaultPeriodsResult {
  const lines = isSorted(input.lines) ? input.lines : [...input.lines].sort((a, b) => a.sent_at - b.sent_at);
  const spans = pairPeriods(input.faults);
  // A period nobody ended runs to the end of the run; its range runs to the last line so that a
  // node clock slightly ahead of the coordinator's cannot push a message out of it.
  const ranges: Range[] = spans.map((s) => [
    lowerBound(lines, input.startedAtMs + s.start_ms),
    s.end_ms === null ? lines.length : lowerBound(lines, input.startedAtMs + s.end_ms),
  ]);
  const { union, rest } = unionAndRest(ranges, lines.length);
  return {
    fault_periods: spans.map((s, i) => ({
      name: s.name,
      kind: s.kind,
      detail: s.detail,
      start_ms: s.start_ms,
      end_ms: s.end_ms ?? Math.max(s.start_ms, input.elapsedMs),
      ...statsOver(lines, [ranges[i] as Range]),
    })),
    inside_faults: statsOver(lines, union),
    outside_faults: statsOver(lines, rest),
  };
}
