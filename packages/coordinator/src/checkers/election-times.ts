/**
 * Time to elect, one rule for every election checker (Raft's term, Bully's epoch): how long the
 * cluster went without a leader after the start and after each fault that cost it one. A
 * leadership is known by a number that orders it among all the others: Raft's term, or Bully's
 * epoch (a Bully node's epochs are congruent to its index modulo the cluster size, so no two nodes
 * share one, and a node takes one above every epoch it heard of: epochs order leaderships across
 * nodes as terms do).
 */
import { FAULT_KINDS, type FaultKind } from '@agentnet/protocol';
import type { CheckInput, FaultMoment } from './check-input.js';

/** A node became leader at `at` (epoch ms) for `term` (Raft's term, Bully's epoch). */
export interface Leadership {
  at: number;
  node: string;
  term: number;
}

/**
 * Faults that bring a node back cost no leader (a restarted node returns as a follower or leads
 * again), nor do those that leave its process running (a Byzantine node).
 */
const returns = (kind: FaultKind | undefined) => kind !== undefined && ('returns' in FAULT_KINDS[kind] || 'keepsRunning' in FAULT_KINDS[kind]);
/** Faults that take one node away cost the leader exactly when they strike it. */
const strikesNode = (kind: FaultKind | undefined) => kind !== undefined && FAULT_KINDS[kind].strikes === 'node' && FAULT_KINDS[kind].role === 'starts';

/**
 * Time to elect: from the start, and from each fault that cost the leader, to the first leader of
 * a term above every term led before the fault. A crash, stop or pause costs the leader when it
 * strikes the node that led the highest term so far, however long the election then takes (a
 * restart meanwhile does not cut it short); a partition, heal or link fault counts when a new
 * leader came before the next fault, as nothing else tells whether it cost the leader. Samples come
 * in order: the start's first, then the faults' in time order.
 */
export function electionTimes(startEpochMs: number, faults: readonly FaultMoment[], leaderships: readonly Leadership[]): number[] {
  const sorted = [...faults].sort((a, b) => a.at - b.at);
  const leaders = [...leaderships].sort((a, b) => a.at - b.at);
  const topBefore = (t: number) => leaders.filter((l) => l.at < t).reduce<Leadership | undefined>((m, l) => (m === undefined || l.term >= m.term ? l : m), undefined);
  const nextAfter = (t: number) => {
    // No leader yet: any leadership ends the wait, even Bully's epoch 0 (node 0's first).
    const before = topBefore(t)?.term ?? -Infinity;
    return leaders.find((l) => l.at >= t && l.term > before);
  };
  const first = nextAfter(startEpochMs);
  const samples = first ? [first.at - startEpochMs] : [];
  sorted.forEach((f, i) => {
    if (returns(f.kind)) return;
    const next = nextAfter(f.at);
    if (!next) return;
    if (strikesNode(f.kind) && f.node !== undefined) {
      if (topBefore(f.at)?.node === f.node) samples.push(next.at - f.at);
      return;
    }
    if (next.at < (sorted[i + 1]?.at ?? Infinity)) samples.push(next.at - f.at);
  });
  return samples;
}

/** The run's faults with their kinds; when only their times are known, each is a fault of no known kind. */
export function faultMomentsOf(input: CheckInput): FaultMoment[] {
  return input.faults ?? input.faultTimes.map((at) => ({ at }));
}
