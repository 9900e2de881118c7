/**
 * A node's guard on its links with `--security on` (docs/security.md): a peer's or a workload
 * client's `link_hello` must prove the run secret for a link from its `src` to this node, and never
 * with a nonce seen before; this node proves it back in its `link_hello_ok`, and checks that proof
 * on the links it dials. Refusals are counted by reason and go to the coordinator in `stopped`.
 * With `--security off` (no secret) it lets everything through.
 */
import type { ClientOptions, WebSocket } from 'ws';
import {
  BadInputError,
  ErrorCode,
  NonceLedger,
  REFUSALS,
  Proof,
  RefusalCounter,
  linkHelloOkParts,
  linkHelloParts,
  type Logger,
  type RefusalCounts,
  type RefusalReason,
  type RunSecret,
} from '@agentnet/protocol';
import type { NodeIdentity } from './node-identity.js';

/** The WebSocket close code for a hello the guard refused: policy violation. */
export const CLOSE_UNAUTHORIZED = 1008;

/** A hello's proof, whatever its shape (the guard checks it). */
export const proofOf = (body: { type: string }): unknown => (body.type === 'link_hello' ? (body as { proof?: unknown }).proof : undefined);

export class LinkGuard {
  private readonly nonces = new NonceLedger();
  private readonly counts = new RefusalCounter();
  /** Data messages refused at their end-to-end seal (the `message` guard). */
  private readonly messageCounts = new RefusalCounter();
  /** The id and incarnation each accepted TLS socket's certificate names. */
  private readonly names = new WeakMap<WebSocket, { name: string; incarnation: number }>();
  /** The latest incarnation of each peer this node knows of (init, peer_restarted, or a newer certificate). */
  private readonly incarnations = new Map<string, number>();
  /** The node's certificate and keys; set at start when the secret is (every link is then TLS). */
  identity: NodeIdentity | undefined;

  constructor(private readonly secret: RunSecret | undefined) {}

  get on(): boolean {
    return this.secret !== undefined;
  }

  /** What a hello this node sends carries. */
  hello(self: string, peer: string): { proof?: Proof } {
    return this.secret ? { proof: this.secret.prove('link_hello', linkHelloParts(self, peer)) } : {};
  }

  /** The TLS options of a dial to `peer`: none with `--security off`. */
  dialTls(peer: string): ClientOptions | undefined {
    return this.identity?.dialTo(peer, this.incarnations.get(peer) ?? 0);
  }

  /** Learns peers' incarnations (from init and peer_restarted): an earlier process's certificate is refused. */
  know(peers: ReadonlyArray<{ id: string; incarnation?: number | undefined }>): void {
    for (const p of peers) if (p.incarnation !== undefined) this.incarnations.set(p.id, Math.max(p.incarnation, this.incarnations.get(p.id) ?? 0));
  }

  /** What the certificate of a socket the peer server accepted names (checked against its hello's src). */
  certified(socket: WebSocket, named: { name: string; incarnation: number } | undefined): void {
    if (named !== undefined) this.names.set(socket, named);
  }

  private counted(reason: RefusalReason): RefusalReason {
    this.counts.add(reason);
    return reason;
  }

  /** Counts a refusal made before any hello: a TLS handshake or a certificate the server refused. */
  count(reason: RefusalReason): void {
    this.counts.add(reason);
  }

  /**
   * Why a hello that came to this node is refused, if it is (counted). On a TLS link the socket's
   * certificate must name the hello's src; only then is its proof checked (and its nonce spent).
   */
  checkHello(src: string, self: string, given: unknown, socket?: WebSocket): RefusalReason | undefined {
    if (!this.secret) return undefined;
    const secret = this.secret;
    if (this.identity) {
      const named = socket && this.names.get(socket);
      if (named?.name !== src) return this.counted('wrong_identity');
      if (named.incarnation < (this.incarnations.get(src) ?? 0)) return this.counted('stale_incarnation');
      // A newer process than this node knew of: the coordinator's peer_restarted is on its way.
      this.know([{ id: src, incarnation: named.incarnation }]);
    }
    // Unchecked with --peer-validation off: a proof of the wrong shape is no proof.
    const parsed = Proof.safeParse(given);
    const proof = parsed.success ? parsed.data : undefined;
    const reason = given === undefined ? 'no_proof' : !proof ? 'bad_proof' : !secret.verify('link_hello', linkHelloParts(src, self), proof) ? 'bad_proof' : this.nonces.fresh(proof.nonce) ? undefined : 'replayed';
    if (reason !== undefined) this.counts.add(reason);
    return reason;
  }

  /** This node's answer to an accepted hello's proof. */
  helloOk(src: string, self: string, given: unknown): { proof?: Proof } {
    const proof = Proof.safeParse(given).data;
    return this.secret && proof ? { proof: this.secret.answer('link_hello_ok', proof.nonce, linkHelloOkParts(src, self)) } : {};
  }

  /** Whether the answer to this node's own hello (with `sent`'s nonce) proves the secret. */
  checkHelloOk(self: string, peer: string, sent: Proof | undefined, given: unknown): boolean {
    if (!this.secret || !sent) return true;
    const answer = Proof.safeParse(given).data;
    return answer !== undefined && answer.nonce === sent.nonce && this.secret.verify('link_hello_ok', linkHelloOkParts(self, peer), answer);
  }

  /**
   * Whether a hello that came to this node may go on. If not, `refuse` answers it (`unauthorized`,
   * with the reason: logged and counted) and its socket is closed; the node serves on.
   */
  admit(socket: WebSocket, src: string, self: string, body: { type: string }, refuse: (text: string, reason: RefusalReason) => void): boolean {
    const reason = this.checkHello(src, self, proofOf(body), socket);
    if (reason === undefined) return true;
    refuse(`link_hello refused: ${REFUSALS[reason]}`, reason);
    socket.close(CLOSE_UNAUTHORIZED, 'unauthorized');
    return false;
  }

  /** Whether the answer to a hello this node dialed with proves the secret; if not, logged, and no link. */
  accepts(socket: WebSocket, self: string, peer: string, sent: Proof | undefined, body: { proof?: unknown }, log: Logger): boolean {
    if (this.checkHelloOk(self, peer, sent, body.proof)) return true;
    // Whoever answers here does not hold the run secret: no link, and the dial is not retried.
    log.warn({ err: new BadInputError(ErrorCode.unauthorized, `${peer}'s link_hello_ok does not prove the run secret`), peer }, 'reject');
    socket.close(CLOSE_UNAUTHORIZED, 'unauthorized');
    return false;
  }

  /** The refusals so far, by reason. */
  refused(): RefusalCounts {
    return this.counts.toJSON();
  }

  /** Counts a data message refused at its end-to-end seal. */
  countMessage(reason: RefusalReason): void {
    this.messageCounts.add(reason);
  }

  /** The data messages refused so far, by reason. */
  refusedMessages(): RefusalCounts {
    return this.messageCounts.toJSON();
  }
}
