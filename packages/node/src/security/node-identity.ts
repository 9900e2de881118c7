/**
 * A node's TLS identity with `--security on` (docs/security.md): its own key pair, made at start and
 * never sent anywhere; a self-signed certificate for that key to show the coordinator while it has
 * no other; then the certificate the run's authority gives it at register, with which it serves
 * its peer server and dials its peers. Every TLS link it makes is TLS 1.3, and checks that the other
 * end's certificate is from the run's authority and names the peer it dialed.
 */
import { X509Certificate } from 'node:crypto';
import type { SecureContext, SecureContextOptions } from 'node:tls';
import type { ClientOptions } from 'ws';
import { NodeKeys } from './node-keys.js';
import { COORDINATOR_ID, TLS_MIN_VERSION, certificateName, createKeyPair, issuedBy, publicKeyOf, tlsToPeer, dialContext, fingerprint, type KeyPair, type TlsBundle } from '@agentnet/protocol';

/** Why a node does not take the certificates its register_ok gives it. */
export class IdentityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentityError';
  }
}

export class NodeIdentity {
  private tls: TlsBundle | undefined;
  private dials: SecureContext | undefined;
  /** The process's end-to-end keys: its X25519 pair and every other process's public key. */
  readonly endToEnd = new NodeKeys();

  private constructor(
    private readonly keys: KeyPair,
    private readonly selfSigned: string,
    /** The run's authority, when the launcher handed it over: then no other coordinator is trusted. */
    private readonly pinned: string | undefined,
  ) {}

  static async create(authority?: string): Promise<NodeIdentity> {
    // Loaded here, so that a node without security never loads the certificate library.
    const { selfSignedCertificate } = await import('@agentnet/protocol/authority');
    const keys = createKeyPair();
    return new NodeIdentity(keys, await selfSignedCertificate('unregistered node', keys), authority);
  }

  get publicKey(): string {
    return this.keys.publicKey;
  }

  /**
   * How the node dials the coordinator: it shows its own key. With the authority handed over, the
   * coordinator must show the authority's coordinator certificate in the handshake; without (a node
   * started by hand), what it showed is checked at register_ok, against what the proven answer names.
   */
  get coordinatorTls(): ClientOptions {
    const own = { key: this.keys.privateKey, cert: this.selfSigned };
    if (this.pinned === undefined) return { ...own, minVersion: TLS_MIN_VERSION, rejectUnauthorized: false };
    return tlsToPeer(dialContext({ ...own, ca: this.pinned }), COORDINATOR_ID) as ClientOptions;
  }

  /**
   * Takes the certificates a proven register_ok gave: the node's must be the authority's, name this
   * node and carry its key; the coordinator the node is talking to must have shown the certificate
   * the bundle names (so nobody in between, who cannot make the proof, handed it out).
   */
  adopt(tls: TlsBundle | undefined, nodeId: string, coordinatorSeen: X509Certificate | undefined): void {
    if (!tls) throw new IdentityError('register_ok carries no certificate');
    if (this.pinned !== undefined && fingerprint(this.pinned) !== fingerprint(tls.authority)) throw new IdentityError("register_ok names another authority than the run's");
    const cert = new X509Certificate(tls.certificate);
    if (!issuedBy(cert, tls.authority)) throw new IdentityError("the node's certificate is not from the run's authority");
    if (certificateName(cert) !== nodeId) throw new IdentityError(`the node's certificate names ${certificateName(cert) ?? 'nobody'}, not ${nodeId}`);
    if (publicKeyOf(cert) !== this.keys.publicKey) throw new IdentityError("the node's certificate is not for its own key");
    const coordinator = new X509Certificate(tls.coordinator);
    if (!issuedBy(coordinator, tls.authority) || certificateName(coordinator) !== COORDINATOR_ID) throw new IdentityError("the coordinator's certificate is not the authority's coordinator");
    if (!coordinatorSeen || coordinatorSeen.fingerprint256 !== coordinator.fingerprint256) throw new IdentityError('the coordinator on this connection showed another certificate than register_ok names');
    this.tls = tls;
    this.dials = dialContext({ key: this.keys.privateKey, cert: tls.certificate, ca: tls.authority });
  }

  /** The peer server's certificate and whom it trusts, once the node has its certificate. */
  get serverContext(): SecureContextOptions | undefined {
    return this.tls && { key: this.keys.privateKey, cert: this.tls.certificate, ca: this.tls.authority, minVersion: TLS_MIN_VERSION };
  }

  /** How the node dials `peer`, whose process is at least `incarnation`. */
  dialTo(peer: string, incarnation: number): ClientOptions {
    if (!this.dials) throw new IdentityError('the node has no certificate yet');
    // ws passes these on to node:tls (its typing of checkServerIdentity is not node:tls's).
    return tlsToPeer(this.dials, peer, incarnation) as ClientOptions;
  }
}
