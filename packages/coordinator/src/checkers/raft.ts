/**
 * The Raft checker, judged from the events Raft nodes record (raft-events.ts):
 * - at most one leader per term;
 * - state machine safety and log matching: every process applies entries in index order, and no
 *   two applies (any nodes, any processes) put different entries at one index, so every applied
 *   log is a prefix of the longest; every commit a leader recorded is the entry applied there;
 * - every acknowledged write is in the longest applied log at the end, at its index;
 * - after the final heal and the settle period, a leader still commits, every live node follows it
 *   (its last `leader` or `follow` event names it), and every live node has applied what had been
 *   committed commitLag() before the end (followers learn a commit with the next
 *   AppendEntries, and the workload keeps writing until the nodes stop).
 * Measurements (elections, latency, messages per write) are in raft-measures.ts.
 */
import type { Check } from '@agentnet/protocol';
import { plural } from '../numbers/plural.js';
import type { CheckInput } from './check-input.js';
import { appliedLogs, entryText, raftEventsOf, type AppliedLog, type ApplyEvent, type RaftEvents } from './raft-events.js';
import { raftMeasures } from './raft-measures.js';

/** How recent the last leader's last commit must be, and the least commit lag. */
export const LAG_MS = 1000;

/**
 * How far behind the end a commit must be for every live node to be expected to have applied it.
 * A follower learns a commit index from the leader's next AppendEntries, which leaves at the latest
 * when its reply to the previous one is back (a round trip) and then travels one way: three one-way
 * trips. Over a routed topology each trip crosses several hops, so the trips are counted at the
 * run's own p99 end-to-end latency; a fixed second assumed one hop of a lightly loaded network.
 */
export function commitLag(input: Pick<CheckInput, 'latencyP99Ms'>): number {
  return LAG_MS + 3 * Math.ceil(input.latencyP99Ms ?? 0);
}
const LISTED = 3;

const list = (items: string[]) => `${items.slice(0, LISTED).join('; ')}${items.length > LISTED ? `; ... (${items.length} in all)` : ''}`;

export function raftChecks(input: CheckInput): Check[] {
  const ev = raftEventsOf(input);
  const logs = appliedLogs(ev.applies);
  const current = [...logs.values()].map((processes) => processes[processes.length - 1] as AppliedLog);
  const longest = current.reduce<AppliedLog | undefined>((best, l) => (!best || l.entries.length > best.entries.length ? l : best), undefined);
  return [oneLeaderPerTerm(ev), stateMachineSafety(ev, logs, longest), acknowledgedWrites(ev, longest), settledLeader(input, ev, current), raftMeasures(input, ev, longest)];
}

function oneLeaderPerTerm(ev: RaftEvents): Check {
  const byTerm = new Map<number, Set<string>>();
  for (const l of ev.leaders) byTerm.set(l.term, (byTerm.get(l.term) ?? new Set()).add(l.node));
  const doubled = [...byTerm].filter(([, nodes]) => nodes.size > 1);
  return {
    name: 'one leader per term',
    valid: doubled.length === 0,
    detail:
      doubled.length === 0
        ? `${plural(ev.leaders.length, 'leader')} over ${plural(byTerm.size, 'term')}, never two in one`
        : `two or more leaders in ${plural(doubled.length, 'term')}: ${list(doubled.map(([t, nodes]) => `term ${t}: ${[...nodes].join(', ')}`))}`,
  };
}

function stateMachineSafety(ev: RaftEvents, logs: Map<string, AppliedLog[]>, longest: AppliedLog | undefined): Check {
  const first = new Map<number, ApplyEvent>();
  const changed: string[] = [];
  for (const a of ev.applies) {
    const before = first.get(a.index);
    if (!before) first.set(a.index, a);
    else if (entryText(before) !== entryText(a)) changed.push(`index ${a.index}: ${before.node} applied ${entryText(before)}, ${a.node} later ${entryText(a)}`);
  }
  const processes = [...logs.values()].flat();
  const disordered = processes.flatMap((p) => p.outOfOrder.map((a) => `${p.node} applied index ${a.index} out of order`));
  const badCommits = ev.commits.flatMap((c) => {
    const applied = first.get(c.index);
    if (!applied) return [`${c.node} committed index ${c.index} (term ${c.term}), which no node applied`];
    return applied.term === c.term ? [] : [`${c.node} committed index ${c.index} at term ${c.term}, but ${entryText(applied)} was applied there`];
  });
  const problems = [...ev.malformed.map((m) => `malformed ${m}`), ...changed, ...disordered, ...badCommits];
  return {
    name: 'state machine safety',
    valid: problems.length === 0,
    detail:
      problems.length === 0
        ? `${plural(first.size, 'entry', 'entries')}, applied in one order by ${plural(processes.length, 'process', 'processes')} of ${plural(logs.size, 'node')} (longest log: ${longest?.node ?? 'none'}, ${plural(longest?.entries.length ?? 0, 'entry', 'entries')}); ${plural(ev.commits.length, 'commit')} ${ev.commits.length === 1 ? 'matches its entry' : 'match their entries'}`
        : `committed entries lost or changed: ${list(problems)}`,
    data: { entries: first.size, changed: changed.length, out_of_order: disordered.length, bad_commits: badCommits.length, malformed: ev.malformed.length },
  };
}

function acknowledgedWrites(ev: RaftEvents, longest: AppliedLog | undefined): Check {
  const missing = ev.acks.flatMap((a) => {
    const there = longest?.entries[a.index - 1];
    if (there && there.key === a.key && there.value === a.value) return [];
    return [`${a.key}=${a.value} acknowledged at index ${a.index} to ${a.node}, ${there ? `but ${entryText(there)} is there` : 'past the end'}`];
  });
  return {
    name: 'acknowledged writes kept',
    valid: missing.length === 0,
    detail:
      missing.length === 0
        ? ev.acks.length === 0
          ? 'no writes of the built-in writers were acknowledged (a client workload is judged by linearizable)'
          : `all ${ev.acks.length} acknowledged writes are at their index in the longest applied log (${longest?.node ?? 'none'})`
        : `${missing.length} of ${ev.acks.length} acknowledged writes are not in the longest applied log (${longest?.node ?? 'none'}): ${list(missing)}`,
    data: { acknowledged: ev.acks.length, missing: missing.length },
  };
}

function settledLeader(input: CheckInput, ev: RaftEvents, current: AppliedLog[]): Check {
  const name = 'leader and caught-up logs after the last heal';
  if (!input.settled) return { name, valid: 'unknown', detail: 'the run did not settle after its faults (interrupted), so liveness cannot be judged' };
  const last = ev.leaders.reduce<(typeof ev.leaders)[number] | undefined>((best, l) => (!best || l.term > best.term ? l : best), undefined);
  if (!last) return { name, valid: false, detail: 'no node ever became leader' };
  const commits = ev.commits.filter((c) => c.node === last.node && c.term === last.term);
  const lastCommit = commits[commits.length - 1];
  // The end is when the nodes were stopped: a cluster that stalled long before must not look live
  // just because its last events are its last commits.
  const endAt = input.stopEpochMs ?? ev.endAt;
  const problems: string[] = [];
  if (!input.liveAtEnd.includes(last.node)) problems.push(`the last leader ${last.node} (term ${last.term}) is not live`);
  if (!lastCommit || endAt - lastCommit.at > LAG_MS) problems.push(`the last leader ${last.node} (term ${last.term}) committed nothing in the last ${LAG_MS} ms before the stop`);
  // Every entry committed by then, by this leader or an earlier one: the last leader holds them all
  // and, having committed since, has made every follower able to apply them.
  const lag = commitLag(input);
  const target = ev.commits.filter((c) => c.at <= endAt - lag).reduce((m, c) => Math.max(m, c.index), 0);
  // Each live node's last word on who leads: its own leadership or the leader it follows.
  const views = new Map<string, string>();
  for (const e of [...ev.leaders.map((l) => ({ at: l.at, node: l.node, leader: l.node })), ...ev.follows].sort((a, b) => a.at - b.at)) views.set(e.node, e.leader);
  const elsewhere = input.liveAtEnd.filter((id) => views.get(id) !== last.node);
  if (elsewhere.length > 0) problems.push(`live nodes not following ${last.node}: ${elsewhere.map((id) => `${id} -> ${views.get(id) ?? 'none'}`).join(', ')}`);
  const applied = new Map(current.map((l) => [l.node, l.entries.length]));
  const behind = input.liveAtEnd.filter((id) => (applied.get(id) ?? 0) < target);
  if (behind.length > 0) problems.push(`live nodes behind index ${target}: ${behind.map((id) => `${id} at ${applied.get(id) ?? 0}`).join(', ')}`);
  return {
    name,
    valid: problems.length === 0,
    detail:
      problems.length === 0
        ? `${last.node} leads term ${last.term}, every live node follows it, and it committed up to ${lastCommit?.index}; all ${input.liveAtEnd.length} live nodes applied at least up to ${target}, the commit index ${lag} ms before the end (1 s + 3 one-way trips at the p99 latency)`
        : problems.join('; '),
  };
}
