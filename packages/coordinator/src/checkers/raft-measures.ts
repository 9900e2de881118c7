/**
 * What a Raft run measured, reported and not judged: elections and how long the cluster went
 * without a leader after the start and after each fault that cost it one (the rule shared with
 * Bully, in election-times.ts); writes acknowledged and committed; messages per committed write
 * (every data-plane message of the run, heartbeats and forwarded client writes included, over the
 * entries in the longest applied log); and write latency, from a write's first submission to its
 * acknowledgement, on the client node's clock.
 */
import type { Check } from '@agentnet/protocol';
import { msText, percentiles } from '../numbers/percentiles.js';
import { plural } from '../numbers/plural.js';
import { electionTimes, faultMomentsOf } from './election-times.js';
import type { CheckInput } from './check-input.js';
import type { AppliedLog, RaftEvents } from './raft-events.js';

// Re-exported where Raft's tests have always found it; the rule is shared with Bully's checker.
export { electionTimes };

export function raftMeasures(input: CheckInput, ev: RaftEvents, longest: AppliedLog | undefined): Check {
  const electSamples = electionTimes(input.startEpochMs, faultMomentsOf(input), ev.leaders);
  const elect = percentiles(electSamples);
  const latency = percentiles(ev.acks.map((a) => a.at - a.submitted));
  const committed = longest?.entries.length ?? 0;
  const perWrite = input.messages === undefined || committed === 0 ? null : Math.round((input.messages / committed) * 100) / 100;
  const terms = new Set(ev.leaders.map((l) => l.term)).size;
  return {
    name: 'raft measurements',
    valid: true,
    detail: [
      `${plural(ev.leaders.length, 'election')} won (${plural(terms, 'term')}); time to elect after the start and leader-losing faults: ${msText(elect, ['p50', 'max'])}${elect.count > 0 ? ` (${plural(elect.count, 'sample')})` : ''}`,
      `${plural(ev.acks.length, 'write')} acknowledged, ${plural(committed, 'entry', 'entries')} committed`,
      `write latency: ${msText(latency, ['p50', 'p99'])}`,
      perWrite === null ? `messages per committed write: ${committed === 0 ? 'nothing committed' : 'not counted'}` : `${perWrite} messages per committed write`,
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
