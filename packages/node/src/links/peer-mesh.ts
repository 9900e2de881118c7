/**
 * The node's links to its peers: one WebSocket per pair of nodes, carrying both directions. The node
 * with the smaller index in `node_ids` dials, the other accepts. A socket becomes a link only after a
 * valid `link_hello` from a peer named in `init`, or from a workload client (`c1`, ...: see
 * client-links.ts); everything that arrives on a peer socket is decoded and checked here, and bad
 * input is answered with an error and logged, never thrown.
 */
import type { WebSocket, RawData } from 'ws';
import { DIAL_ATTEMPTS, DIAL_RETRY_MS, ErrorCode, UNREGISTERED_ID, encode, isClientId, type Peer, type Proof, type RefusalReason } from '@agentnet/protocol';
import { dialPeer } from './dial.js';
import { PeerLink } from './peer-link.js';
import { refuseFrame, type Seen } from './refuse-frame.js';
import { ClientLinks } from './client-links.js';
import { decodePeerFrame, seenOf, type PeerMessage } from './peer-bodies.js';
import { endsRefusal, helloRefusal, inTransit } from './link-rules.js';
import { drainLinks } from './link-drain.js';
import type { ConnectOptions, PeerMeshOptions } from './mesh-options.js';
import { proofOf } from '../security/link-guard.js';

export { PeerLink };
export type { ConnectOptions, PeerMeshOptions } from './mesh-options.js';
export { PEER_BODIES, type PeerMessage } from './peer-bodies.js';

export class PeerMesh {
  private peers = new Map<string, Peer>();
  private readonly links = new Map<string, PeerLink>();
  /** Every link by its socket: the peers' and the workload clients'. */
  private readonly bySocket = new Map<WebSocket, PeerLink>();
  private readonly clients: ClientLinks;
  /** Dialed sockets waiting for the peer's `link_hello_ok`: the peer and the hello's proof. */
  private readonly dialing = new Map<WebSocket, { peer: string; proof: Proof | undefined }>();
  /** Hellos that arrived before this node's own `init` told it who its peers are. */
  private early: Array<{ socket: WebSocket; msg: PeerMessage }> = [];
  /** This node's id; known once `connect()` is called with the node's `init`. */
  private self: string | undefined;
  private stopping = false;
  private onAllLinked: (() => void) | undefined;
  /** Each node's index in init.node_ids: the smaller index of a pair dials. */
  private indexOf = new Map<string, number>();
  /** How this node links, from its init (see ConnectOptions). */
  private how = { validate: true, routed: false, rejoining: false, anyBody: false };
  /** Peers that were not running at init (this node rejoined while they were down): not waited for. */
  private down = new Set<string>();

  constructor(private readonly options: PeerMeshOptions) {
    this.clients = new ClientLinks(options.log);
  }

  link(peer: string): PeerLink | undefined {
    return this.links.get(peer);
  }

  /** This node's peers where they are now: from init, and as they restart (relink). */
  get knownPeers(): Peer[] { return [...this.peers.values()]; }

  /** A workload client's link to this node, if it has one. */
  clientLink(client: string): PeerLink | undefined {
    return this.clients.get(client);
  }

  /** How this node checks peer messages (from its init): an opened seal's body is checked the same way. */
  get checking(): { validate: boolean; anyBody: boolean } {
    return this.how;
  }

  get linkedPeers(): string[] {
    return [...this.links.keys()].sort();
  }

  /** Takes a socket accepted by the peer server. */
  accept(socket: WebSocket): void {
    this.watch(socket);
  }

  private watch(socket: WebSocket): void {
    socket.on('message', (data: RawData) => this.onFrame(socket, data));
    socket.on('error', (err) => {
      const peer = this.bySocket.get(socket)?.peer;
      this.options.log.warn({ err, peer }, 'socket_error');
    });
    socket.on('close', (code) => this.onClose(socket, code));
  }

  /**
   * Learns the peers from `init`, dials those this node must dial and resolves when a link to every
   * peer is up (or, for a rejoining node, known down).
   */
  async connect(self: string, peers: Peer[], nodeIds: string[], o: ConnectOptions = {}): Promise<void> {
    this.self = self;
    this.how = { validate: o.validate ?? true, routed: o.routed ?? false, rejoining: o.rejoining ?? false, anyBody: o.anyBody ?? false };
    this.down = new Set(o.down ?? []);
    this.indexOf = new Map(nodeIds.map((id, i) => [id, i]));
    this.peers = new Map(peers.map((p) => [p.id, p]));
    this.options.guard.know(peers);
    const allLinked = new Promise<void>((resolve) => {
      this.onAllLinked = resolve;
    });
    for (const { socket, msg } of this.early.splice(0)) this.onHello(socket, msg);
    const selfIndex = nodeIds.indexOf(self);
    const toDial = peers.filter((p) => nodeIds.indexOf(p.id) > selfIndex && !this.down.has(p.id));
    await Promise.all(toDial.map((p) => this.dialPeer(p)));
    this.checkAllLinked();
    await allLinked;
  }

  private async dialPeer(peer: Peer): Promise<void> {
    const { log, dialAttempts, dialRetryMs } = this.options;
    const socket = await dialPeer(peer, {
      attempts: dialAttempts ?? DIAL_ATTEMPTS,
      retryMs: dialRetryMs ?? DIAL_RETRY_MS,
      log,
      rejoining: this.how.rejoining,
      tls: this.options.guard.dialTls(peer.id),
    });
    if (!socket) {
      // Down since this node's init (it is linked again when it restarts), unless it restarted
      // meanwhile, under a new URL that relink is dialing.
      if (this.peers.get(peer.id)?.url === peer.url) this.down.add(peer.id);
      return;
    }
    this.watch(socket);
    const { proof } = this.options.guard.hello(this.self ?? '', peer.id);
    this.dialing.set(socket, { peer: peer.id, proof });
    socket.send(encode({ src: this.self ?? '', dest: peer.id, body: { type: 'link_hello', msg_id: 0, ...(proof ? { proof } : {}) } }));
    // The link is added when link_hello_ok comes back (onFrame).
  }

  private addLink(peer: string, socket: WebSocket, dialed: boolean): void {
    const link = new PeerLink(peer, socket, dialed);
    this.links.set(peer, link);
    this.bySocket.set(socket, link);
    this.options.log.info({ peer, url: this.peers.get(peer)?.url, dialed }, 'connect');
    this.options.onLinkUp?.(peer);
    this.checkAllLinked();
  }

  private checkAllLinked(): void {
    if (this.onAllLinked && [...this.peers.keys()].every((p) => this.links.get(p)?.open || this.down.has(p))) {
      const done = this.onAllLinked;
      this.onAllLinked = undefined;
      done();
    }
  }

  private reject(socket: WebSocket, code: number, text: string, seen: Seen, refusal?: RefusalReason): void {
    refuseFrame(this.options.log, socket, socket.readyState === socket.OPEN, this.self ?? UNREGISTERED_ID, { code, text, seen, ...(refusal ? { refusal } : {}) });
  }

  private onFrame(socket: WebSocket, data: RawData): void {
    const client = this.bySocket.get(socket)?.client === true;
    for (const res of decodePeerFrame(data, { client, validate: this.how.validate, anyBody: this.how.anyBody })) {
      if (res.ok) this.onEnvelope(socket, res.msg);
      else this.reject(socket, res.code, res.text, res);
    }
  }

  private onEnvelope(socket: WebSocket, msg: PeerMessage): void {
    const seen = seenOf(msg);
    if (this.self === undefined) {
      // Peers may dial before this node's own init arrives; keep their hellos until it does.
      if (msg.body.type === 'link_hello') this.early.push({ socket, msg });
      else this.reject(socket, ErrorCode.temporarily_unavailable, 'this node has not been initialised yet', seen);
      return;
    }
    const link = this.bySocket.get(socket);
    const transit = inTransit(msg, link, this.how.routed);
    const refused = endsRefusal(msg, this.self, link, transit);
    if (refused) {
      if (link && !link.client && !msg.dup && msg.dest === this.self && msg.src !== link.peer && msg.id !== undefined && msg.sent_at !== undefined && msg.delay_ms !== undefined) {
        this.options.guard.countMessage('wrong_link');
        this.options.onWrongLink?.({ ...msg, id: msg.id, sent_at: msg.sent_at, delay_ms: msg.delay_ms });
      }
      return this.reject(socket, refused.code, refused.text, seen);
    }
    if (!link) return this.onUnlinkedFrame(socket, msg);
    switch (msg.body.type) {
      case 'link_bye':
        link.byeReceived = true;
        link.peerRunEnded = msg.body.run_ended === true;
        link.settle();
        // A peer leaving while this node runs waits for our bye to know it has everything we sent;
        // the link is FIFO, so answering now tells it that, and nothing more goes out on the link.
        if (!this.stopping && !link.byeSent && link.open) {
          link.byeSent = true;
          link.socket.send(encode({ src: this.self ?? '', dest: link.peer, body: { type: 'link_bye' } }));
        }
        return;
      case 'link_hello':
      case 'link_hello_ok':
        return this.reject(socket, ErrorCode.unexpected_message, `link to ${link.peer} is already open`, seen);
      case 'error':
        // A behaviour's error reply is a data message (it has the journal fields) for its rpc; one
        // without them is the peer refusing a frame of this node's.
        if (msg.id !== undefined) return this.options.onMessage(link, msg);
        this.options.log.warn({ peer: link.peer, error: msg.body }, 'error_reply');
        return;
      default:
        this.options.onMessage(link, msg);
    }
  }

  private onUnlinkedFrame(socket: WebSocket, msg: PeerMessage): void {
    const seen = seenOf(msg);
    if (msg.body.type === 'link_hello') return this.onHello(socket, msg);
    const dialed = this.dialing.get(socket);
    if (msg.body.type === 'link_hello_ok' && dialed?.peer === msg.src && msg.body.in_reply_to === 0) {
      this.dialing.delete(socket);
      if (this.options.guard.accepts(socket, this.self ?? '', msg.src, dialed.proof, msg.body, this.options.log)) this.addLink(msg.src, socket, true);
      return;
    }
    if (msg.body.type === 'error') {
      this.options.log.warn({ src: msg.src, error: msg.body }, 'error_reply');
      return;
    }
    this.reject(socket, ErrorCode.unknown_peer, 'no link on this socket: send link_hello from a known peer first', seen);
  }

  private onHello(socket: WebSocket, msg: PeerMessage): void {
    const seen = seenOf(msg);
    const self = this.self ?? UNREGISTERED_ID;
    // Who cannot prove the run secret is refused before anything else is said about its hello.
    if (!this.options.guard.admit(socket, msg.src, self, msg.body, (text, reason) => this.reject(socket, ErrorCode.unauthorized, text, seen, reason))) return;
    // Hellos held from before init were not checked for their destination yet.
    if (msg.dest === self && isClientId(msg.src)) return this.onClientHello(socket, msg);
    const refused = helloRefusal(msg, {
      self,
      isPeer: (id) => this.peers.has(id),
      linkOpen: (id) => this.links.get(id)?.open === true,
      indexOf: (id) => this.indexOf.get(id),
    });
    if (refused) return this.reject(socket, refused.code, refused.text, seen, refused.refusal);
    socket.send(
      encode({ src: this.self ?? '', dest: msg.src, body: { type: 'link_hello_ok', in_reply_to: seen.msg_id ?? 0, ...this.options.guard.helloOk(msg.src, self, proofOf(msg.body)) } }),
    );
    this.addLink(msg.src, socket, false);
  }

  private onClientHello(socket: WebSocket, msg: PeerMessage): void {
    const self = this.self ?? UNREGISTERED_ID;
    const refused = this.clients.refusal(self, msg.src, this.stopping);
    if (refused) return this.reject(socket, refused.code, refused.text, seenOf(msg));
    socket.send(encode({ src: self, dest: msg.src, body: { type: 'link_hello_ok', in_reply_to: msg.body.msg_id ?? 0, ...this.options.guard.helloOk(msg.src, self, proofOf(msg.body)) } }));
    this.bySocket.set(socket, this.clients.add(msg.src, socket));
  }

  private onClose(socket: WebSocket, code: number): void {
    const link = this.bySocket.get(socket);
    this.early = this.early.filter((e) => e.socket !== socket);
    this.dialing.delete(socket);
    if (!link) return;
    this.bySocket.delete(socket);
    link.settle();
    if (link.client) return this.clients.closed(link, code, this.stopping);
    if (!this.stopping) {
      this.options.log.warn({ peer: link.peer, code }, 'disconnect');
      this.options.onLinkDown(link.peer);
    }
  }

  /**
   * A peer restarted at `peer.url`: its old link is cut, and this node dials it again when it is
   * the one that dials (the smaller index); otherwise the peer's hello comes to this node's server.
   */
  relink(peer: Peer): void {
    this.peers.set(peer.id, peer);
    this.options.guard.know([peer]);
    this.down.delete(peer.id);
    const old = this.links.get(peer.id);
    if (old) {
      this.links.delete(peer.id);
      this.bySocket.delete(old.socket);
      old.settle();
      old.socket.terminate();
    }
    if (this.stopping || (this.indexOf.get(peer.id) ?? -1) < (this.indexOf.get(this.self ?? '') ?? Infinity)) return;
    this.dialPeer(peer).catch((err: unknown) => this.options.log.warn({ err, peer: peer.id }, 'relink_failed'));
  }

  /** Sends `link_bye` on every open link and waits (up to `timeoutMs`) for each live peer's own bye: all it sent has arrived. */
  async drain(timeoutMs: number, runEnded: boolean): Promise<string[]> {
    this.stopping = true;
    return drainLinks([...this.links.values(), ...this.clients.all], this.self ?? '', timeoutMs, runEnded);
  }

  /** Drops the links to `peers` at once: no further frame from them is read. */
  cut(peers: readonly string[]): void {
    for (const peer of peers) (this.links.get(peer) ?? this.clients.get(peer))?.socket.terminate();
  }

  /** Closes every link gracefully and cuts sockets that never became links. */
  close(): void {
    this.stopping = true;
    for (const link of [...this.links.values(), ...this.clients.all]) link.socket.close(1000, 'stop');
    // Sockets that never became links (a held hello, a dial the peer never answered) are still open.
    for (const socket of [...this.early.map((e) => e.socket), ...this.dialing.keys()]) socket.terminate();
    this.onAllLinked = undefined;
  }
}
