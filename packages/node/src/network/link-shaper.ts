/**
 * The sender side of the network model. Every outgoing data message passes through here: the
 * shaper draws its link's decisions (LinkDecider), holds it, and hands it to the link when it is
 * due. Messages on one link leave in the order they were sent (FIFO): a message whose drawn delay
 * would let it overtake its predecessor waits for it, unless the model let it reorder. A bandwidth
 * limit spaces messages by their size: a link of B bytes/s is busy size/B seconds per message.
 */
import type { LinkModel } from '@agentnet/protocol';
import { LinkDecider, type Decision } from './link-decider.js';
import { NodeStateError } from '../errors.js';

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
  /** When it may leave: max(sent + delay, predecessor's due), later if the bandwidth is busy. */
  dueAt: number;
  frame: string;
  /** A duplicate copy made by the network model (journaled by the receiver as `dup`). */
  copy: boolean;
  /** A routing message (control plane): not in the message journal, counted apart. */
  routing?: boolean;
  /** The message's journal facts when they are not this hop's (a routed message this node forwards). */
  journal?: { id: string; src: string; dest: string; sent_at: number; delay_ms: number; by: string };
}

export interface LinkShaperOptions {
  self: string;
  seed: number;
  /** The network model of the link from this node to `dest`. */
  model: (dest: string) => LinkModel;
  now: () => number;
  /** Puts due messages of one link on the wire, oldest first. */
  transmit: (dest: string, due: ShapedMessage[]) => void;
}

interface LinkQueue {
  decider: LinkDecider;
  /** Routing messages draw from their own keys, so they do not shift the data messages' decisions. */
  routingDecider: LinkDecider;
  heldBytes: number;
  lastDueAt: number;
  /** When a bandwidth-limited link is free for its next message. */
  freeAt: number;
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
      const model = this.options.model(dest);
      const decider = new LinkDecider(this.options.seed, this.options.self, dest, model);
      const routingDecider = new LinkDecider(this.options.seed, this.options.self, dest, model, 'control');
      q = { decider, routingDecider, heldBytes: 0, lastDueAt: 0, freeAt: 0, items: [], timer: undefined, immediate: undefined };
      this.links.set(dest, q);
    }
    return q;
  }

  /** The model of the link to `dest` now. */
  model(dest: string): LinkModel {
    return this.queue(dest).decider.model;
  }

  /** Reads every link's model again (the fault state changed); queued messages keep their times. */
  remodel(): void {
    for (const [dest, q] of this.links) {
      const model = this.options.model(dest);
      q.decider.setModel(model);
      q.routingDecider.setModel(model);
    }
  }

  /** Draws the next message's decisions on the link to `dest` without queueing anything. */
  draw(dest: string): Decision {
    return this.queue(dest).decider.next();
  }

  /** The same for a routing message, from the control plane's own keys. */
  drawRouting(dest: string): Decision {
    return this.queue(dest).routingDecider.next();
  }

  /** Queues a message (or its duplicate copy) whose decisions came from `draw()`. */
  enqueue(msg: Omit<ShapedMessage, 'dueAt' | 'copy'> & { copy?: boolean }, reorder = false, notBefore = 0): ShapedMessage {
    if (this.closed) throw new NodeStateError('the link shaper is closed');
    const q = this.queue(msg.dest);
    // A message held by a partition starts its delay when the partition heals (notBefore).
    let dueAt = Math.max(msg.sentAt, notBefore) + msg.delayMs;
    if (!reorder) dueAt = Math.max(dueAt, q.lastDueAt);
    const bandwidth = q.decider.model.bandwidth;
    if (bandwidth !== null) {
      dueAt = Math.max(dueAt, q.freeAt);
      q.freeAt = dueAt + (msg.frame.length * 1000) / bandwidth;
    }
    const shaped: ShapedMessage = { ...msg, copy: msg.copy ?? false, dueAt };
    if (!reorder) q.lastDueAt = Math.max(q.lastDueAt, dueAt);
    // Kept in due order: a reordered message may be due before messages already queued. Nearly
    // always it goes last, and push() is much cheaper than splice() on this hot path.
    let at = q.items.length;
    while (at > 0 && (q.items[at - 1] as ShapedMessage).dueAt > dueAt) at--;
    if (at === q.items.length) q.items.push(shaped);
    else q.items.splice(at, 0, shaped);
    q.heldBytes += shaped.frame.length;
    if (at === 0) this.rearm(msg.dest, q);
    return shaped;
  }

  private rearm(dest: string, q: LinkQueue): void {
    if (q.timer) clearTimeout(q.timer);
    if (q.immediate) clearImmediate(q.immediate);
    q.timer = undefined;
    q.immediate = undefined;
    this.arm(dest, q);
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
