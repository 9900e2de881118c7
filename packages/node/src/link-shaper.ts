/**
 * The sender side of the network model. Every outgoing data message passes through here: the
 * shaper draws its delay from a generator keyed by (run seed, src, dest, per-link sequence number),
 * holds it, and hands it to the link when it is due. Messages on one link leave in the order they
 * were sent (FIFO): a message whose drawn delay would let it overtake its predecessor waits for it.
 */
import { keyedRng, sampleDelay, type DelaySpec } from '@agentnet/protocol';
import { NodeStateError } from './errors.js';

export interface ShapedMessage {
  /** Journal id of the message. */
  id: string;
  dest: string;
  /** Per-link sequence number, from 1. */
  seq: number;
  /** When the behaviour sent it (epoch ms). */
  sentAt: number;
  /** The delay drawn for this message (injected delay). */
  delayMs: number;
  /** When it may leave: max(sent + delay, predecessor's due). */
  dueAt: number;
  frame: string;
}

export interface LinkShaperOptions {
  self: string;
  seed: number;
  delay: DelaySpec;
  now: () => number;
  /** Puts due messages of one link on the wire, oldest first. */
  transmit: (dest: string, due: ShapedMessage[]) => void;
}

interface LinkQueue {
  seq: number;
  heldBytes: number;
  lastDueAt: number;
  items: ShapedMessage[];
  timer: NodeJS.Timeout | undefined;
  immediate: NodeJS.Immediate | undefined;
}

export class LinkShaper {
  private readonly links = new Map<string, LinkQueue>();
  private closed = false;

  constructor(private readonly options: LinkShaperOptions) {}

  private queue(dest: string): LinkQueue {
    let q = this.links.get(dest);
    if (!q) {
      q = { seq: 0, heldBytes: 0, lastDueAt: 0, items: [], timer: undefined, immediate: undefined };
      this.links.set(dest, q);
    }
    return q;
  }

  /** Draws the next decision on the link to `dest` without queueing anything. */
  draw(dest: string): { seq: number; delayMs: number } {
    const q = this.queue(dest);
    const seq = ++q.seq;
    const rng = keyedRng(this.options.seed, 'delay', this.options.self, dest, seq);
    return { seq, delayMs: sampleDelay(this.options.delay, rng) };
  }

  /** Queues a message whose decision came from `draw()`. */
  enqueue(msg: Omit<ShapedMessage, 'dueAt'>): ShapedMessage {
    if (this.closed) throw new NodeStateError('the link shaper is closed');
    const q = this.queue(msg.dest);
    const shaped: ShapedMessage = { ...msg, dueAt: Math.max(msg.sentAt + msg.delayMs, q.lastDueAt) };
    q.lastDueAt = shaped.dueAt;
    q.items.push(shaped);
    q.heldBytes += shaped.frame.length;
    if (q.items.length === 1) this.arm(msg.dest, q);
    return shaped;
  }

  private arm(dest: string, q: LinkQueue): void {
    const head = q.items[0];
    if (!head) return;
    const wait = head.dueAt - this.options.now();
    // A message already due (zero delay) leaves on the next turn of the event loop, together with
    // what else is queued in this one. Otherwise a timer, rounded up to whole milliseconds: it adds
    // half a millisecond on average, but spinning on setImmediate for the last fraction, measured,
    // halved the median and worsened p99 (2.2 -> 3.2 ms on 2 cores) by taking CPU from the other
    // processes (BENCHMARKS.md).
    if (wait <= 0) q.immediate = setImmediate(() => this.release(dest, q));
    else q.timer = setTimeout(() => this.release(dest, q), Math.ceil(wait));
  }

  private release(dest: string, q: LinkQueue): void {
    q.timer = undefined;
    q.immediate = undefined;
    const now = this.options.now();
    let n = 0;
    while (n < q.items.length && (q.items[n] as ShapedMessage).dueAt <= now) n++;
    if (n > 0) {
      const due = q.items.splice(0, n);
      for (const m of due) q.heldBytes -= m.frame.length;
      this.options.transmit(dest, due);
    }
    // A timer may fire a fraction of a millisecond early by the high-resolution clock; re-arm then.
    this.arm(dest, q);
  }

  /** Bytes (frame characters) held for `dest` right now. */
  heldBytes(dest: string): number {
    return this.links.get(dest)?.heldBytes ?? 0;
  }

  /** Messages held right now, over all links. */
  get pending(): number {
    let n = 0;
    for (const q of this.links.values()) n += q.items.length;
    return n;
  }

  /** Stops all timers and returns what was still held (in flight at stop). */
  close(): ShapedMessage[] {
    this.closed = true;
    const held: ShapedMessage[] = [];
    for (const q of this.links.values()) {
      if (q.timer) clearTimeout(q.timer);
      if (q.immediate) clearImmediate(q.immediate);
      q.timer = undefined;
      q.immediate = undefined;
      held.push(...q.items);
      q.items = [];
      q.heldBytes = 0;
    }
    return held;
  }
}
