/**
 * What a Raft run measured, reported and not judged: elections and how long the cluster went
 * without a leader after the start and after each fault that cost it one; writes acknowledged and
 * committed; messages per committed write (every data-plane message of the run, heartbeats and
 * forwarded client writes included, over the entries in the longest applied log); and write
 * latency, from a write's first submission to its acknowledgement, on the client node's clock.
 */
import type { Check } from '@agentnet/protocol';
import { percentiles } from '../percentiles.js';
import type { CheckInput, FaultMoment } from './index.js';
import type { AppliedLog, RaftEvents } from './raft-events.js';

/** Faults that bring a node back: they cost no leader (a restarted Raft node returns as a follower). */
const RETURNS = new Set(['restart', 'resume']);
/** Faults that strike one node: they cost the leader exactly when they strike it. */
const STRIKES = new Set(['crash', 'stop', 'pause']);

/**
 * Time to elect: from the start, and from each fault that cost the leader, to the first leader of
 * a term above every term led before the fault. A crash, stop or pause costs the leader when it
 * strikes the node that led the highest term so far, however long the election then takes (a
 * restart meanwhile does not cut it short); a partition, heal or link fault counts when a new
 * leader came before the next fault, as nothing else tells whether it cost the leader.
 */
export function electionTimes(startEpochMs: number, faults: readonly FaultMoment[], leaders: RaftEvents['leaders']): number[] {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const topBefore = (t: number) => leaders.filter((l) => l.at < t).reduce<RaftEvents['leaders'][number] | undefined>((m, l) => (m === undefined || l.term >= m.term ? l : m), undefined);
  const nextAfter = (t: number) => {
    const before = topBefore(t)?.term ?? 0;
    return leaders.find((l) => l.at >= t && l.term > before);
  };
  const first = nextAfter(startEpochMs);
  const samples = first ? [first.at - startEpochMs] : [];
  sorted.forEach((f, i) => {
    if (RETURNS.has(f.kind)) return;
    const next = nextAfter(f.at);
    if (!next) return;
    if (STRIKES.has(f.kind) && f.node !== undefined) {
      if (topBefore(f.at)?.node === f.node) samples.push(next.at - f.at);
      return;
    }
    if (next.at < (sorted[i + 1]?.at ?? Infinity)) samples.push(next.at - f.at);
  });
  return samples;
}

export function raftMeasures(input: CheckInput, ev: RaftEvents, longest: AppliedLog | undefined): Check {
  const electSamples = electionTimes(input.startEpochMs, input.faults ?? input.faultTimes.map((at) => ({ at, kind: 'fault' })), ev.leaders);
  const elect = percentiles(electSamples);
  const latency = percentiles(ev.acks.map((a) => a.at - a.submitted));
  const committed = longest?.entries.length ?? 0;
  const perWrite = input.messages === undefined || committed === 0 ? null : Math.round((input.messages / committed) * 100) / 100;
  const terms = new Set(ev.leaders.map((l) => l.term)).size;
  return {
    name: 'raft measurements',
    valid: true,
    detail: [
      `${ev.leaders.length} elections won (${terms} terms); time to elect after the start and leader-losing faults: p50 ${elect.p50 ?? '-'} ms, max ${elect.max ?? '-'} ms (${elect.count})`,
      `${ev.acks.length} writes acknowledged, ${committed} entries committed`,
      `latency p50 ${latency.p50 ?? '-'} ms, p99 ${latency.p99 ?? '-'} ms`,
      `${perWrite ?? '-'} messages per committed write`,
    ].join('; '),
    data: {
      elections: ev.leaders.length,
      elect_ms: elect,
      // Every sample, the start's first, then the faults' in time order: a distribution to plot.
      elect_samples_ms: electSamples,
      writes_acknowledged: ev.acks.length,
      entries_committed: committed,
      messages: input.messages ?? null,
      messages_per_committed_write: perWrite,
      write_latency_ms: latency,
    },
  };
}
