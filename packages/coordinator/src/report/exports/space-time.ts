/**
 * The run as a space-time history: a send event at each message's sender and a receive event at its
 * destination for each delivered one, each with a vector clock (Fidge and Mattern's: a node's own
 * entry counts its events, a receipt takes the element-wise maximum of its clock and the send's).
 * The clocks are computed from messages.jsonl alone, so every receipt's clock dominates its send's,
 * whatever the hosts' wall clocks said: a receipt stamped before its send (clocks of different hosts)
 * is placed just after it.
 */
import type { MessageLine } from '@agentnet/protocol';

export type VectorClock = Record<string, number>;

export interface SpaceTimeEvent {
  kind: 'send' | 'receive';
  /** The node the event happened at. */
  host: string;
  /** Epoch ms: the send's `sent_at`, the receipt's `received_at` (never before its send). */
  at: number;
  line: MessageLine;
  clock: VectorClock;
}

/**
 * Events in an order every host sees its own in, and every receipt after its send; made one at a
 * time (a run of a million messages is two million events), keeping only the clocks of sends whose
 * receipt is still to come.
 */
export function* spaceTimeEvents(lines: readonly MessageLine[]): Generator<SpaceTimeEvent> {
  const pending: Array<{ kind: 'send' | 'receive'; host: string; at: number; line: MessageLine; rank: number }> = [];
  lines.forEach((line, rank) => {
    pending.push({ kind: 'send', host: line.src, at: line.sent_at, line, rank });
    if (line.status === 'delivered' && line.received_at !== null) pending.push({ kind: 'receive', host: line.dest, at: Math.max(line.received_at, line.sent_at), line, rank });
  });
  // By time; at the same time a send before a receipt (its own receipt may share its time), then journal order.
  pending.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === 'send' ? -1 : 1) || a.rank - b.rank);
  const clocks = new Map<string, VectorClock>();
  const sentWith = new Map<MessageLine, VectorClock>();
  for (const e of pending) {
    const own = clocks.get(e.host) ?? {};
    if (e.kind === 'receive') {
      for (const [host, n] of Object.entries(sentWith.get(e.line) ?? {})) own[host] = Math.max(own[host] ?? 0, n);
      sentWith.delete(e.line);
    }
    own[e.host] = (own[e.host] ?? 0) + 1;
    clocks.set(e.host, own);
    const clock = { ...own };
    if (e.kind === 'send' && e.line.status === 'delivered') sentWith.set(e.line, clock);
    yield { kind: e.kind, host: e.host, at: e.at, line: e.line, clock };
  }
}

/** Whether clock `a` is at or after `b` in every entry (a happened at or after b). */
export function dominates(a: VectorClock, b: VectorClock): boolean {
  return Object.entries(b).every(([host, n]) => (a[host] ?? 0) >= n);
}
