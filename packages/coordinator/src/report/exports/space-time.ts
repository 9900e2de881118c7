/**
 * The run as a space-time history: a send event at each message's sender and a receive event at its
 * destination for each delivered one, each with a vector clock (Fidge and Mattern's: a node's own
 * entry counts its events, a receipt takes the element-wise maximum of its clock and the send's).
 * The clocks are computed from messages.jsonl alone, so every receipt's clock dominates its send's,
 * whatever the hosts' wall clocks said of each other (a receipt stamped before its send, by another
 * host's clock, waits for it).
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

interface Item {
  kind: 'send' | 'receive';
  host: string;
  at: number;
  line: MessageLine;
  /** The message's place in messages.jsonl: orders a host's events of the same time. */
  rank: number;
}

const before = (a: Item, b: Item): boolean => a.at < b.at || (a.at === b.at && a.rank < b.rank);

/**
 * The events in an order that keeps each host's own order (its own clock's times) and puts every
 * receipt after its send, whatever the hosts' clocks say of each other: each host's events are
 * merged by time, and a receipt whose send has not come yet waits for it. Yielded one at a time;
 * what is held is an index of every event (two per delivered message) and the clocks of sends
 * whose receipt is still to come.
 */
export function* spaceTimeEvents(lines: readonly MessageLine[]): Generator<SpaceTimeEvent> {
  const byHost = new Map<string, Item[]>();
  const add = (item: Item): void => {
    const list = byHost.get(item.host);
    if (list) list.push(item);
    else byHost.set(item.host, [item]);
  };
  lines.forEach((line, rank) => {
    add({ kind: 'send', host: line.src, at: line.sent_at, line, rank });
    if (line.status === 'delivered' && line.received_at !== null) add({ kind: 'receive', host: line.dest, at: line.received_at, line, rank });
  });
  const queues = [...byHost.values()].map((items) => ({ items: items.sort((a, b) => a.at - b.at || a.rank - b.rank), next: 0 }));
  const heap = new HostHeap<(typeof queues)[number]>();
  for (const q of queues) heap.push(q);
  const clocks = new Map<string, VectorClock>();
  const sentWith = new Map<MessageLine, VectorClock>();
  /** Hosts whose next event is a receipt of a message not sent yet, by that message. */
  const waiting = new Map<MessageLine, (typeof queues)[number]>();
  const emit = (item: Item): SpaceTimeEvent => {
    const own = clocks.get(item.host) ?? {};
    if (item.kind === 'receive') {
      for (const [host, n] of Object.entries(sentWith.get(item.line) ?? {})) own[host] = Math.max(own[host] ?? 0, n);
      sentWith.delete(item.line);
    }
    own[item.host] = (own[item.host] ?? 0) + 1;
    clocks.set(item.host, own);
    const clock = { ...own };
    if (item.kind === 'send' && item.line.status === 'delivered') sentWith.set(item.line, clock);
    return { kind: item.kind, host: item.host, at: item.at, line: item.line, clock };
  };
  for (let q = heap.pop(); q !== undefined; q = heap.pop()) {
    const item = q.items[q.next] as Item;
    if (item.kind === 'receive' && !sentWith.has(item.line)) {
      waiting.set(item.line, q);
      continue;
    }
    yield emit(item);
    if (++q.next < q.items.length) heap.push(q);
    const woken = item.kind === 'send' ? waiting.get(item.line) : undefined;
    if (woken) {
      waiting.delete(item.line);
      heap.push(woken);
    }
  }
  // Only a journal that contradicts itself leaves receipts waiting: they come last, in host order.
  for (const q of waiting.values()) for (; q.next < q.items.length; q.next++) yield emit(q.items[q.next] as Item);
}

/** A binary min-heap of hosts' queues, by their next event. */
class HostHeap<Q extends { items: Item[]; next: number }> {
  private readonly a: Q[] = [];

  private less(i: number, j: number): boolean {
    const x = this.a[i] as Q;
    const y = this.a[j] as Q;
    return before(x.items[x.next] as Item, y.items[y.next] as Item);
  }

  private swap(i: number, j: number): void {
    [this.a[i], this.a[j]] = [this.a[j] as Q, this.a[i] as Q];
  }

  push(q: Q): void {
    this.a.push(q);
    for (let i = this.a.length - 1; i > 0 && this.less(i, (i - 1) >> 1); i = (i - 1) >> 1) this.swap(i, (i - 1) >> 1);
  }

  pop(): Q | undefined {
    const top = this.a[0];
    const last = this.a.pop();
    if (this.a.length > 0 && last !== undefined) {
      this.a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.a.length && this.less(l, m)) m = l;
        if (r < this.a.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** Whether clock `a` is at or after `b` in every entry (a happened at or after b). */
export function dominates(a: VectorClock, b: VectorClock): boolean {
  return Object.entries(b).every(([host, n]) => (a[host] ?? 0) >= n);
}
