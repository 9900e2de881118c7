/**
 * The path of every message through a node: out through the journal, fault checks, link shaper and
 * wire (due messages of a link share frames); in through the journal, or on to the next hop for a
 * routed message to another node. Routing messages take the same links, shaper and faults, outside
 * the journal and counted apart. What to send is the behaviour's and the router's to decide.
 */
import { bodyPreview, encode, isClientId, linkModelFor, wallClockMs, type DropReason, type RefusalReason, type NetworkPolicy, type PlaneCounts, type RoutingBody, type Typed } from '@agentnet/protocol';
import type { HotLog } from '../records/hot-log.js';
import type { Journal } from '../records/journal.js';
import type { Decision } from './link-decider.js';
import { LinkGate, type FaultStateMessage } from './link-gate.js';
import { LinkShaper, type ShapedMessage } from './link-shaper.js';
import { transmitDue } from './due-messages.js';
import type { PeerMesh, PeerMessage } from '../links/peer-mesh.js';
import { UnknownPeerError } from '../errors.js';
import type { Sent } from '../api/behavior.js';
import { sealedReceipt, type SealedPath } from '../security/sealed-receipt.js';
import { ClientPath } from './client-path.js';
import { MSG_IDS_PER_INCARNATION, tagOf, type BroadcastTag, type MessageFacts } from './message-facts.js';
import { createAttacker, type Attacker, type Envelope } from '../byzantine/attacker.js';

export interface DataPathOptions {
  self: string;
  /** This node's neighbours: the links it has. */
  peers: readonly string[];
  /** Every node of the run. */
  nodeIds: readonly string[];
  network: NetworkPolicy;
  /** This process's incarnation of the node (0, then +1 per restart): message ids stay unique. */
  incarnation: number;
  mesh: PeerMesh;
  journal: Journal;
  hot: HotLog;
  /** Sends are dropped (link_down) unless the run is on. */
  isRunning: () => boolean;
  /** With routing, any node is a destination: the router names the next hop, within `ttl` hops. */
  routing?: { nextHop: (dest: string) => string | undefined; ttl: number } | undefined;
  /** With `--security on`: data messages are sealed end to end (security/message-seal.ts). */
  sealed?: SealedPath | undefined;
}

export { MSG_IDS_PER_INCARNATION, type BroadcastTag } from './message-facts.js';

export class DataPath {
  private readonly shaper: LinkShaper;
  private readonly destinations: ReadonlySet<string>;
  private readonly gate: LinkGate;
  private nextMsgId: number;
  private readonly idPrefix: string;
  readonly data: PlaneCounts = { sent: 0, bytes: 0, received: 0, dropped: 0 };
  readonly routingCounts: PlaneCounts = { sent: 0, bytes: 0, received: 0, dropped: 0 };
  private readonly clients: ClientPath;
  /** Data messages kept back for peers that stopped because the run ended: in flight at stop. */
  private keptAtEnd = 0;
  /** Made when the fault state first names this node Byzantine. */
  private attacker: Attacker | undefined;

  constructor(private readonly o: DataPathOptions) {
    this.destinations = new Set(o.routing ? o.nodeIds.filter((id) => id !== o.self) : o.peers);
    this.idPrefix = o.incarnation === 0 ? `${o.self}-` : `${o.self}.${o.incarnation}-`;
    // A peer's late reply to the crashed process arrives at its successor; if both numbered their
    // requests from 1, that reply would answer the new process's request with the same msg_id.
    this.nextMsgId = o.incarnation * MSG_IDS_PER_INCARNATION + 1;
    this.gate = new LinkGate(o.self);
    this.clients = new ClientPath(o, (facts, reason) => this.drop(facts, reason));
    this.shaper = new LinkShaper({
      self: o.self,
      seed: o.network.seed,
      model: (dest) => linkModelFor({ default: o.network.default, links: [...o.network.links, ...this.gate.linkFaults] }, o.self, dest),
      now: wallClockMs,
      transmit: (dest, due) => this.transmit(dest, due),
    });
  }

  /** Sends `body` to `dest` through the journal, the shaper and the wire; returns the message's ids. */
  send(dest: string, body: { type: string; [key: string]: unknown }, tag?: BroadcastTag): Sent {
    const client = isClientId(dest);
    if (!client && !this.destinations.has(dest)) throw new UnknownPeerError(dest);
    const msgId = this.nextMsgId++;
    const id = `${this.idPrefix}${msgId}`;
    const sentAt = wallClockMs();
    const sent: Sent = { id, msgId };
    if (client) {
      this.clients.send({ id, src: this.o.self, dest, sent_at: sentAt, delay_ms: 0 }, { ...body, msg_id: msgId });
      return sent;
    }
    const routing = this.o.routing;
    const next = routing ? routing.nextHop(dest) : dest;
    const d = next === undefined ? undefined : this.shaper.draw(next);
    const facts: MessageFacts = { id, src: this.o.self, dest, sent_at: sentAt, delay_ms: d?.delayMs ?? 0, ...tag };
    // Cut to the record's limit: a behaviour's long type must not cost the journal its batch.
    this.o.journal.add({ t: 'send', ...facts, type: String(body.type).slice(0, 64), body: bodyPreview(body) });
    if (next === undefined || d === undefined) {
      this.drop(facts, 'no_route');
      return sent;
    }
    const hop = routing ? { ttl: routing.ttl, hops: 1 } : {};
    const seal = this.o.sealed?.seal;
    // On its own link to dest, TLS carries a message end to end already: numbered, not sealed.
    const direct = seal && next === dest ? { direct: seal.direct(dest) } : {};
    const sealed = seal && !('direct' in direct) ? seal.seal(facts, { ...body, msg_id: msgId }) : { ...body, msg_id: msgId };
    // Every other node's key comes with init; a node with none for dest was never told of it.
    if (sealed === undefined) {
      this.drop(facts, 'rejected');
      return sent;
    }
    const envelope: Envelope = { src: this.o.self, dest, id, sent_at: sentAt, delay_ms: d.delayMs, ...hop, ...tag, ...direct, body: sealed };
    const out = this.attacker ? this.attacker.outgoing(envelope) : envelope;
    this.launch(next, d, facts, out, false, undefined);
    this.attacker?.after(out, { ...body, msg_id: msgId });
    return sent;
  }

  /** A request from a workload client, journaled; false when it lacks the journal fields. */
  receiveFromClient(msg: PeerMessage): boolean {
    return this.clients.receive(msg);
  }

  /** Sends a routing message to a neighbour: shaped and faulted like data, counted apart. */
  sendRouting(peer: string, body: RoutingBody): void {
    const d = this.shaper.drawRouting(peer);
    if (this.refusal(peer, d) !== undefined) {
      this.routingCounts.dropped++;
      return;
    }
    const frame = encode({ src: this.o.self, dest: peer, body });
    const msg: ShapedMessage = { id: '', dest: peer, seq: d.seq, sentAt: wallClockMs(), delayMs: d.delayMs, frame, copy: false, dueAt: 0, routing: true };
    this.routingCounts.sent++;
    this.routingCounts.bytes += frame.length;
    if (this.gate.cutMode(peer) === 'hold') this.gate.hold(msg, d.reorder);
    else this.shaper.enqueue(msg, d.reorder);
  }

  /** Why a message may not take the link to `peer` now, if it may not. */
  private refusal(peer: string, d: Decision): DropReason | undefined {
    const gated = this.gate.refusal(peer);
    if (gated === 'partition') return gated;
    if (d.lost) return 'loss';
    if (gated) return gated;
    if (!this.o.mesh.link(peer)?.usable || !this.o.isRunning()) return 'link_down';
    const queue = this.shaper.model(peer).queue;
    if (queue !== null && this.backlog(peer) >= queue) return 'overflow';
    return undefined;
  }

  /**
   * Puts a data message (and the model's duplicate copy) on the link to `peer` unless a fault
   * drops it. `by`: this node, when it forwards someone else's message.
   */
  private launch(peer: string, d: Decision, facts: MessageFacts, envelope: Typed<unknown>, isCopy: boolean, by: string | undefined): void {
    const reason = this.refusal(peer, d);
    if (reason === 'link_down' && this.o.isRunning() && this.o.mesh.link(peer)?.peerRunEnded) {
      if (!isCopy) this.keptAtEnd++;
      return;
    }
    // A duplicate copy that goes no further is no drop: its original accounts for the message.
    if (reason !== undefined) return isCopy ? undefined : this.drop(facts, reason, by);
    const journal = by === undefined ? {} : { journal: { ...facts, by } };
    const frame = encode(envelope);
    // A forwarded message's delay on this hop starts now; a new one's when its behaviour sent it.
    const now = by === undefined ? facts.sent_at : wallClockMs();
    const out: ShapedMessage[] = [{ id: facts.id, dest: peer, seq: d.seq, sentAt: now, delayMs: d.delayMs, frame, copy: isCopy, dueAt: 0, ...journal }];
    if (d.duplicateDelayMs !== null) {
      const copy = encode({ ...envelope, delay_ms: (envelope.delay_ms ?? 0) - d.delayMs + d.duplicateDelayMs, dup: true as const });
      out.push({ id: facts.id, dest: peer, seq: d.seq, sentAt: now, delayMs: d.duplicateDelayMs, frame: copy, copy: true, dueAt: 0, ...journal });
    }
    const cut = this.gate.cutMode(peer);
    for (const msg of out) {
      this.data.sent++;
      this.data.bytes += msg.frame.length;
      if (cut === 'hold') this.gate.hold(msg, d.reorder);
      else this.shaper.enqueue(msg, d.reorder);
    }
    this.o.hot.info({ dest: facts.dest, id: facts.id, ...(peer === facts.dest ? {} : { via: peer }), delay_ms: d.delayMs, reorder: d.reorder, ...(cut ? { held: true } : {}) }, by === undefined ? 'send' : 'forward');
  }

  /** Applies the complete fault state; released held messages take their drawn delay from now. */
  applyFaults(state: FaultStateMessage): void {
    const attacks = state.byzantine.find((b) => b.node === this.o.self)?.attacks ?? [];
    // As copies: what the network or a refusal does to an attack's frames is the attack journal's to account for.
    if (attacks.length > 0) this.attacker ??= createAttacker(this.o, this.destinations, (peer) => this.shaper.draw(peer), (peer, d, facts, env) => this.launch(peer, d, facts, env, true, this.o.self));
    this.attacker?.set(attacks);
    const released = this.gate.apply(state);
    this.shaper.remodel();
    const now = wallClockMs();
    for (const { msg, reorder, drop } of released) {
      if (drop) this.dropShaped(msg, 'partition');
      else this.shaper.enqueue(msg, reorder, now);
    }
  }

  /** Bytes waiting for `peer`: held by the shaper or a partition, plus buffered in the socket. */
  backlog(peer: string): number {
    return this.shaper.heldBytes(peer) + this.gate.bytesHeld(peer) + (this.o.mesh.link(peer)?.socket.bufferedAmount ?? 0);
  }

  /**
   * A message from a peer: journaled when it is a data message (one with the journal fields) for
   * this node, passed on when it is a routed message for another. Returns the message this node's
   * behaviour gets, if any: with `--security on`, opened, and only once.
   */
  receive(msg: PeerMessage, linkPeer?: string): PeerMessage | undefined {
    const sealed = this.o.sealed;
    if (msg.id === undefined || msg.sent_at === undefined || msg.delay_ms === undefined) {
      if (!sealed) return msg;
      sealed.refuse(msg, 'unsealed', `a ${msg.body.type} message without the journal fields and its end-to-end seal`);
      return undefined;
    }
    const facts = { id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: msg.delay_ms };
    if (msg.dest !== this.o.self) {
      this.forward(msg, facts);
      return undefined;
    }
    if (!sealed) {
      this.journalReceipt(msg as PeerMessage & MessageFacts, msg.dup ? 'dup' : 'recv');
      return msg;
    }
    const receipt = sealedReceipt(msg as PeerMessage & MessageFacts, sealed, linkPeer);
    // A copy that goes no further is no second drop: its original accounts for the message.
    if (receipt.t === 'drop') {
      if (!msg.dup) this.drop({ ...facts, ...tagOf(msg) }, receipt.reason, this.o.self, receipt.refusal);
      return undefined;
    }
    this.journalReceipt(msg as PeerMessage & MessageFacts, receipt.t);
    return receipt.msg;
  }

  private journalReceipt(msg: PeerMessage & MessageFacts, t: 'recv' | 'dup'): void {
    const receivedAt = wallClockMs();
    this.data.received++;
    // A second copy that the network did not mark as its own: a replay, refused by the seal.
    const replay = t === 'dup' && !msg.dup ? { replay: true as const } : {};
    this.o.journal.add({ t, id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: msg.delay_ms, received_at: receivedAt, ...(msg.hops === undefined ? {} : { hops: msg.hops }), ...tagOf(msg), ...replay });
    this.o.hot.info({ src: msg.src, id: msg.id, latency_ms: receivedAt - msg.sent_at }, t);
  }

  /** A data message for this node that its link refused: it came in another node's name (`wrong_link`). */
  refusedOnLink(msg: PeerMessage & MessageFacts, refusal: RefusalReason): void {
    this.drop({ id: msg.id, src: msg.src, dest: msg.dest, sent_at: msg.sent_at, delay_ms: msg.delay_ms, ...tagOf(msg) }, 'rejected', this.o.self, refusal);
  }

  /** Counts a routing message that arrived. */
  receivedRouting(): void {
    this.routingCounts.received++;
  }

  /** One more hop for a routed message: the TTL, the next hop, then that link's own model and faults. */
  private forward(msg: PeerMessage, facts: MessageFacts): void {
    const self = this.o.self;
    const drop = (reason: DropReason) => (msg.dup ? undefined : this.drop(facts, reason, self));
    if ((msg.ttl ?? 0) <= 1) return drop('ttl');
    const next = this.o.routing?.nextHop(msg.dest);
    if (next === undefined) return drop('no_route');
    const d = this.shaper.draw(next);
    const delayMs = msg.delay_ms as number;
    const envelope = { ...msg, ...facts, ttl: (msg.ttl as number) - 1, hops: (msg.hops ?? 1) + 1, delay_ms: delayMs + d.delayMs };
    const out = this.attacker ? this.attacker.outgoing(envelope, msg.dup === true) : envelope;
    this.launch(next, d, { ...facts, delay_ms: delayMs + d.delayMs }, out, msg.dup === true, self);
    if (!msg.dup) this.attacker?.after(out);
  }

  /**
   * Stops the shaper; returns how many data messages (not copies) are in flight: held by it or a
   * partition, or kept back for a peer that had stopped because the run ended.
   */
  close(): number {
    const left = [...this.gate.clear(), ...this.shaper.close()];
    return left.filter((m) => !m.copy && !m.routing).length + this.keptAtEnd;
  }

  private drop(facts: MessageFacts, reason: DropReason, by?: string, refusal?: RefusalReason): void {
    // The data plane counts what travels the simulated links; a client's link is not one of them.
    if (!isClientId(facts.dest)) this.data.dropped++;
    this.o.journal.add({ t: 'drop', ...facts, reason, ...(by === undefined ? {} : { by }), ...(refusal === undefined ? {} : { refusal }) });
    this.o.hot.info({ dest: facts.dest, id: facts.id, reason, ...(by === undefined ? {} : { src: facts.src }) }, 'drop');
  }

  /** Drops a message that was already shaped; a duplicate copy is no second drop (its original accounts for the message). */
  private dropShaped(m: ShapedMessage, reason: DropReason): void {
    if (m.routing) {
      this.routingCounts.dropped++;
      return;
    }
    if (m.copy) return;
    if (m.journal) {
      const { by, ...facts } = m.journal;
      return this.drop(facts, reason, by);
    }
    this.drop({ id: m.id, src: this.o.self, dest: m.dest, sent_at: m.sentAt, delay_ms: m.delayMs }, reason);
  }

  /** Puts due messages on the wire (several to a frame), unless a fault or a closed link stops them. */
  private transmit(peer: string, due: ShapedMessage[]): void {
    transmitDue(peer, due, { gate: this.gate, link: this.o.mesh.link(peer), dropShaped: (m, r) => this.dropShaped(m, r), keptAtEnd: (n) => (this.keptAtEnd += n) });
  }
}
