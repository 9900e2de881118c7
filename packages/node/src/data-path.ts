/**
 * The path of every data message through a node: on the way out journal, link shaper and wire (due
 * messages of a link share frames); on the way in the journal. Nothing here decides what to send;
 * the behaviour does, through `send()`.
 */
import { BATCH_FRAME_BYTES, encode, encodeBatch, linkModelFor, wallClockMs, type DropReason, type NetworkPolicy } from '@agentnet/protocol';
import type { HotLog } from './hot-log.js';
import type { Journal } from './journal.js';
import { LinkShaper, type ShapedMessage } from './link-shaper.js';
import type { PeerMesh, PeerMessage } from './peer-mesh.js';
import { UnknownPeerError } from './errors.js';

export interface DataPathOptions {
  self: string;
  peers: readonly string[];
  network: NetworkPolicy;
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

  constructor(private readonly o: DataPathOptions) {
    this.peers = new Set(o.peers);
    this.shaper = new LinkShaper({
      self: o.self,
      seed: o.network.seed,
      model: (dest) => linkModelFor(o.network, o.self, dest),
      now: wallClockMs,
      transmit: (dest, due) => this.transmit(dest, due),
    });
  }

  /** Sends `body` to `dest` through the journal, the shaper and the wire; returns the message id. */
  send(dest: string, body: { type: string; [key: string]: unknown }): string {
    if (!this.peers.has(dest)) throw new UnknownPeerError(dest);
    const msgId = this.nextMsgId++;
    const id = `${this.o.self}-${msgId}`;
    const sentAt = wallClockMs();
    const d = this.shaper.draw(dest);
    const facts: MessageFacts = { id, src: this.o.self, dest, sent_at: sentAt, delay_ms: d.delayMs };
    this.o.journal.add({ t: 'send', ...facts });
    if (d.lost) {
      this.drop(facts, 'loss');
      return id;
    }
    if (!this.o.mesh.link(dest)?.open || !this.o.isRunning()) {
      this.drop(facts, 'link_down');
      return id;
    }
    const envelope = { src: this.o.self, dest, id, sent_at: sentAt, delay_ms: d.delayMs, body: { ...body, msg_id: msgId } };
    this.shaper.enqueue({ id, dest, seq: d.seq, sentAt, delayMs: d.delayMs, frame: encode(envelope) }, d.reorder);
    this.o.hot.info({ dest, id, delay_ms: d.delayMs, reorder: d.reorder }, 'send');
    if (d.duplicateDelayMs !== null) {
      const copy = encode({ ...envelope, delay_ms: d.duplicateDelayMs, dup: true });
      this.shaper.enqueue({ id, dest, seq: d.seq, sentAt, delayMs: d.duplicateDelayMs, frame: copy, copy: true }, d.reorder);
    }
    return id;
  }

  /** Bytes waiting for `dest`: held by the shaper plus buffered in the socket. */
  backlog(dest: string): number {
    return this.shaper.heldBytes(dest) + (this.o.mesh.link(dest)?.socket.bufferedAmount ?? 0);
  }

  /** Journals a data message that arrived (one with the journal fields). */
  receive(msg: PeerMessage): void {
    if (msg.id === undefined || msg.sent_at === undefined || msg.delay_ms === undefined) return;
    const receivedAt = wallClockMs();
    const t = msg.dup ? 'dup' : 'recv';
    this.o.journal.add({ t, id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: msg.delay_ms, received_at: receivedAt });
    this.o.hot.info({ src: msg.src, id: msg.id, latency_ms: receivedAt - msg.sent_at }, t);
  }

  /** Stops the shaper; returns how many messages (not duplicate copies) it still held. */
  close(): number {
    return this.shaper.close().filter((m) => !m.copy).length;
  }

  private drop(facts: MessageFacts, reason: DropReason): void {
    this.o.journal.add({ t: 'drop', ...facts, reason });
    this.o.hot.info({ dest: facts.dest, id: facts.id, reason }, 'drop');
  }

  /** Puts due messages on the wire; several due at once share frames of up to BATCH_FRAME_BYTES. */
  private transmit(dest: string, due: ShapedMessage[]): void {
    const link = this.o.mesh.link(dest);
    if (!link?.open) {
      // A copy that cannot leave is not a second drop: its original accounts for the message.
      for (const m of due) if (!m.copy) this.drop({ id: m.id, src: this.o.self, dest, sent_at: m.sentAt, delay_ms: m.delayMs }, 'link_down');
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
