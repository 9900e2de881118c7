/**
 * The path of every data message through a node: on the way out journal, link shaper and wire (due
 * messages of a link share frames); on the way in the journal. Nothing here decides what to send;
 * the behaviour does, through `send()`.
 */
import {
  BATCH_FRAME_BYTES,
  encode,
  encodeBatch,
  linkModelFor,
  wallClockMs,
  type DropReason,
  type LinkFault,
  type NetworkPolicy,
  type Partition,
  type PartitionMode,
  type PausedNode,
} from '@agentnet/protocol';
import type { HotLog } from './hot-log.js';
import type { Journal } from './journal.js';
import { LinkShaper, type ShapedMessage } from './link-shaper.js';
import type { PeerMesh, PeerMessage } from './peer-mesh.js';
import { UnknownPeerError } from './errors.js';

export interface DataPathOptions {
  self: string;
  peers: readonly string[];
  network: NetworkPolicy;
  /** This process's incarnation of the node (0, then +1 per restart): message ids stay unique. */
  incarnation: number;
  mesh: PeerMesh;
  journal: Journal;
  hot: HotLog;
  /** Sends are dropped (link_down) unless the run is on. */
  isRunning: () => boolean;
}

interface MessageFacts {
  id: string;
  src: string;
  dest: string;
  sent_at: number;
  delay_ms: number;
}

export class DataPath {
  private readonly shaper: LinkShaper;
  private readonly peers: ReadonlySet<string>;
  private nextMsgId = 1;
  /** Links from this node cut by an active partition, and how. */
  private cut = new Map<string, PartitionMode>();
  /** Messages a `hold` partition keeps, per destination, in send order (copies included). */
  private readonly held = new Map<string, Array<{ msg: ShapedMessage; reorder: boolean }>>();
  private readonly heldBytes = new Map<string, number>();
  /** Link faults in force, laid over the run's network model. */
  private linkFaults: LinkFault[] = [];
  /** Destinations paused in `drop` mode. */
  private pausedDrop = new Set<string>();
  private readonly idPrefix: string;

  constructor(private readonly o: DataPathOptions) {
    this.peers = new Set(o.peers);
    this.idPrefix = o.incarnation === 0 ? `${o.self}-` : `${o.self}.${o.incarnation}-`;
    this.shaper = new LinkShaper({
      self: o.self,
      seed: o.network.seed,
      model: (dest) => linkModelFor({ default: o.network.default, links: [...o.network.links, ...this.linkFaults] }, o.self, dest),
      now: wallClockMs,
      transmit: (dest, due) => this.transmit(dest, due),
    });
  }

  /** Sends `body` to `dest` through the journal, the shaper and the wire; returns the message id. */
  send(dest: string, body: { type: string; [key: string]: unknown }): string {
    if (!this.peers.has(dest)) throw new UnknownPeerError(dest);
    const msgId = this.nextMsgId++;
    const id = `${this.idPrefix}${msgId}`;
    const sentAt = wallClockMs();
    const d = this.shaper.draw(dest);
    const facts: MessageFacts = { id, src: this.o.self, dest, sent_at: sentAt, delay_ms: d.delayMs };
    this.o.journal.add({ t: 'send', ...facts });
    const cut = this.cut.get(dest);
    if (cut === 'drop') {
      this.drop(facts, 'partition');
      return id;
    }
    if (d.lost) {
      this.drop(facts, 'loss');
      return id;
    }
    if (this.pausedDrop.has(dest)) {
      this.drop(facts, 'paused');
      return id;
    }
    if (!this.o.mesh.link(dest)?.open || !this.o.isRunning()) {
      this.drop(facts, 'link_down');
      return id;
    }
    const queue = this.shaper.model(dest).queue;
    if (queue !== null && this.backlog(dest) >= queue) {
      this.drop(facts, 'overflow');
      return id;
    }
    const envelope = { src: this.o.self, dest, id, sent_at: sentAt, delay_ms: d.delayMs, body: { ...body, msg_id: msgId } };
    const out = [{ id, dest, seq: d.seq, sentAt, delayMs: d.delayMs, frame: encode(envelope), copy: false, dueAt: 0 }];
    if (d.duplicateDelayMs !== null) {
      const copy = encode({ ...envelope, delay_ms: d.duplicateDelayMs, dup: true });
      out.push({ id, dest, seq: d.seq, sentAt, delayMs: d.duplicateDelayMs, frame: copy, copy: true, dueAt: 0 });
    }
    for (const msg of out) {
      if (cut === 'hold') this.hold(msg, d.reorder);
      else this.shaper.enqueue(msg, d.reorder);
    }
    this.o.hot.info({ dest, id, delay_ms: d.delayMs, reorder: d.reorder, ...(cut ? { held: true } : {}) }, 'send');
    return id;
  }

  private hold(msg: ShapedMessage, reorder: boolean): void {
    let list = this.held.get(msg.dest);
    if (!list) this.held.set(msg.dest, (list = []));
    list.push({ msg, reorder });
    this.heldBytes.set(msg.dest, (this.heldBytes.get(msg.dest) ?? 0) + msg.frame.length);
  }

  /** Applies the complete fault state: partitions, link faults and paused destinations. */
  applyFaults(state: { partitions: readonly Partition[]; links: readonly LinkFault[]; paused: readonly PausedNode[] }): void {
    this.linkFaults = state.links.filter((l) => l.src === this.o.self);
    this.shaper.remodel();
    this.pausedDrop = new Set(state.paused.filter((p) => p.mode === 'drop').map((p) => p.node));
    this.applyPartitions(state.partitions);
  }

  /**
   * Applies the complete set of active partitions. Links no longer cut release what a `hold`
   * partition kept: each message then takes its drawn delay from now.
   */
  private applyPartitions(partitions: readonly Partition[]): void {
    const cut = new Map<string, PartitionMode>();
    for (const p of partitions) {
      for (const [src, dest] of p.cuts) {
        if (src === this.o.self && cut.get(dest) !== 'drop') cut.set(dest, p.mode);
      }
    }
    this.cut = cut;
    const now = wallClockMs();
    for (const [dest, list] of this.held) {
      const mode = cut.get(dest);
      if (mode === 'hold') continue;
      this.held.delete(dest);
      this.heldBytes.delete(dest);
      for (const { msg, reorder } of list) {
        if (mode === 'drop') {
          this.dropShaped(msg, 'partition');
        } else {
          this.shaper.enqueue(msg, reorder, now);
        }
      }
    }
  }

  /** Bytes waiting for `dest`: held by the shaper or a partition, plus buffered in the socket. */
  backlog(dest: string): number {
    return this.shaper.heldBytes(dest) + (this.heldBytes.get(dest) ?? 0) + (this.o.mesh.link(dest)?.socket.bufferedAmount ?? 0);
  }

  /** Journals a data message that arrived (one with the journal fields). */
  receive(msg: PeerMessage): void {
    if (msg.id === undefined || msg.sent_at === undefined || msg.delay_ms === undefined) return;
    const receivedAt = wallClockMs();
    const t = msg.dup ? 'dup' : 'recv';
    this.o.journal.add({ t, id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: msg.delay_ms, received_at: receivedAt });
    this.o.hot.info({ src: msg.src, id: msg.id, latency_ms: receivedAt - msg.sent_at }, t);
  }

  /** Stops the shaper; returns how many messages (not duplicate copies) it or a partition still held. */
  close(): number {
    let held = 0;
    for (const list of this.held.values()) held += list.filter((h) => !h.msg.copy).length;
    this.held.clear();
    this.heldBytes.clear();
    return held + this.shaper.close().filter((m) => !m.copy).length;
  }

  private drop(facts: MessageFacts, reason: DropReason): void {
    this.o.journal.add({ t: 'drop', ...facts, reason });
    this.o.hot.info({ dest: facts.dest, id: facts.id, reason }, 'drop');
  }

  /** Drops a message that was already shaped; a duplicate copy is no second drop (its original accounts for the message). */
  private dropShaped(m: ShapedMessage, reason: DropReason): void {
    if (!m.copy) this.drop({ id: m.id, src: this.o.self, dest: m.dest, sent_at: m.sentAt, delay_ms: m.delayMs }, reason);
  }

  /** Puts due messages on the wire; several due at once share frames of up to BATCH_FRAME_BYTES. */
  private transmit(dest: string, due: ShapedMessage[]): void {
    // A partition that started while these were in the shaper applies to them too.
    const cut = this.cut.get(dest);
    if (cut === 'hold') {
      for (const m of due) this.hold(m, false);
      return;
    }
    if (cut === 'drop') {
      for (const m of due) this.dropShaped(m, 'partition');
      return;
    }
    if (this.pausedDrop.has(dest)) {
      for (const m of due) this.dropShaped(m, 'paused');
      return;
    }
    const link = this.o.mesh.link(dest);
    if (!link?.open) {
      for (const m of due) this.dropShaped(m, 'link_down');
      return;
    }
    let batch: string[] = [];
    let bytes = 0;
    for (const m of due) {
      if (bytes + m.frame.length > BATCH_FRAME_BYTES && batch.length > 0) {
        link.socket.send(encodeBatch(batch));
        batch = [];
        bytes = 0;
      }
      batch.push(m.frame);
      bytes += m.frame.length + 1;
    }
    link.socket.send(encodeBatch(batch));
  }
}
