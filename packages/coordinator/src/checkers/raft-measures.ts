/**
 * What a Raft run measured, reported and not judged: elections and how long the cluster went
 * without a leader after the start and after each fault that cost it one; writes acknowledged and
 * committed; messages per committed write (every data-plane message of the run, heartbeats and
 * forwarded client writes included, over the entries in the longest applied log); and write
 * latency, from a write's first submission to its acknowledgement, on the client node's clock.
 */
import type { Check } from '@agentnet/protocol';
import { percentiles } from '../percentiles.js';
import type { CheckInput } from './index.js';
import type { AppliedLog, RaftEvents } from './raft-events.js';

/**
 * Time to elect: from the start and from each fault to the first leader of a term above every
 * term led before it, if that leader came before the next fault (a fault that left the leader in
 * place, such as cutting off a follower, gives no sample unless its heal cost the leader).
 */
export function electionTimes(startEpochMs: number, faultTimes: number[], leaders: RaftEvents['leaders']): number[] {
  const starts = [startEpochMs, ...[...faultTimes].sort((a, b) => a - b)];
  return starts.flatMap((t, i) => {
    const before = leaders.filter((l) => l.at < t).reduce((m, l) => Math.max(m, l.term), 0);
    const next = leaders.find((l) => l.at >= t && l.term > before);
    const until = starts[i + 1] ?? Infinity;
    return next && next.at < until ? [next.at - t] : [];
  });
}

export function raftMeasures(input: CheckInput, ev: RaftEvents, longest: AppliedLog | undefined): Check {
  const elect = percentiles(electionTimes(input.startEpochMs, input.faultTimes, ev.leaders));
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
      writes_acknowledged: ev.acks.length,
      entries_committed: committed,
      messages: input.messages ?? null,
      messages_per_committed_write: perWrite,
      write_latency_ms: latency,
    },
  };
}
