/**
 * The Raft checker's view of a run: the events Raft nodes record (packages/node/src/behaviors/
 * raft.ts), checked and typed, and each node's applied log. A node's applied log comes from its
 * `apply` events in order; a restarted process starts empty and applies from index 1 again, so a
 * node's events may hold several processes' logs one after another: each must agree with every
 * other, and the node's current log is its last process's.
 */
import { z } from 'zod';
import type { CheckInput } from './check-input.js';

const Term = z.number().int().nonnegative();
const Index = z.number().int().min(1);
const LeaderData = z.object({ term: Term });
const FollowData = z.object({ term: Term, leader: z.string() });
const CommitData = z.object({ index: Index, term: Term });
const ApplyData = z.object({ index: Index, term: Term, key: z.string(), value: z.string() });
const AckData = z.object({ index: Index, key: z.string(), value: z.string(), submitted: z.number() });

type Timed<T> = T & { node: string; at: number };
export type LeaderEvent = Timed<z.infer<typeof LeaderData>>;
export type FollowEvent = Timed<z.infer<typeof FollowData>>;
export type CommitEvent = Timed<z.infer<typeof CommitData>>;
export type ApplyEvent = Timed<z.infer<typeof ApplyData>>;
export type AckEvent = Timed<z.infer<typeof AckData>>;

export interface RaftEvents {
  leaders: LeaderEvent[];
  follows: FollowEvent[];
  commits: CommitEvent[];
  applies: ApplyEvent[];
  acks: AckEvent[];
  /** Events of these kinds whose data does not have the fields above: "kind from node". */
  malformed: string[];
  /** The time of the last event: where "the end of the run" is for the nodes' clocks. */
  endAt: number;
}

export function raftEventsOf(input: CheckInput): RaftEvents {
  const out: RaftEvents = { leaders: [], follows: [], commits: [], applies: [], acks: [], malformed: [], endAt: 0 };
  const take = <T>(schema: z.ZodType<T>, e: CheckInput['events'][number], into: Array<Timed<T>>) => {
    const r = schema.safeParse(e.data);
    if (r.success) into.push({ ...r.data, node: e.node, at: e.at });
    else out.malformed.push(`${e.kind} from ${e.node}`);
  };
  for (const e of input.events) {
    out.endAt = Math.max(out.endAt, e.at);
    if (e.kind === 'leader') take(LeaderData, e, out.leaders);
    else if (e.kind === 'follow') take(FollowData, e, out.follows);
    else if (e.kind === 'commit') take(CommitData, e, out.commits);
    else if (e.kind === 'apply') take(ApplyData, e, out.applies);
    else if (e.kind === 'ack') take(AckData, e, out.acks);
  }
  return out;
}

/** An applied entry as compared across nodes: the same term, key and value. */
export const entryText = (e: { term: number; key: string; value: string }) => `t${e.term} ${e.key}=${e.value}`;

/** One process's applied log, in order: entries[i - 1] at index i. */
export interface AppliedLog {
  node: string;
  entries: ApplyEvent[];
  /** Applies that did not come next in index order (neither the next index nor a new process's 1). */
  outOfOrder: ApplyEvent[];
}

/** Every node's processes' applied logs, in the order the node's events came. */
export function appliedLogs(applies: ApplyEvent[]): Map<string, AppliedLog[]> {
  const byNode = new Map<string, AppliedLog[]>();
  for (const a of applies) {
    let logs = byNode.get(a.node);
    if (!logs) byNode.set(a.node, (logs = []));
    let current = logs[logs.length - 1];
    if (!current || (a.index === 1 && current.entries.length > 0)) logs.push((current = { node: a.node, entries: [], outOfOrder: [] }));
    if (a.index === current.entries.length + 1) current.entries.push(a);
    else if (a.index <= current.entries.length) {
      // Applied again at a lower index: the node lost entries it had applied (which safe Raft never
      // does); from here its log is rebuilt, and the earlier applies stay on record for comparison.
      current.outOfOrder.push(a);
      current.entries.length = a.index - 1;
      current.entries.push(a);
    } else current.outOfOrder.push(a);
  }
  return byNode;
}
