/**
 * The coordinator's identities with `--security on` (docs/security.md): the run's certificate
 * authority (a fresh key pair for every run), the certificate of its own control server, and the
 * certificates of the workload's clients (one key pair in this process, a certificate per client
 * id). A node's certificate is made for the key its register states, which its TLS connection has
 * shown it holds.
 */
import type { ConnectionOptions, SecureContext } from 'node:tls';
import { COORDINATOR_ID, TLS_MIN_VERSION, createKeyPair, dialContext, tlsToPeer, type KeyPair, type TlsBundle } from '@agentnet/protocol';
import type { RunAuthority } from '@agentnet/protocol/authority';

export class RunIdentity {
  /** Each workload client's dial context (its certificate), made once. */
  private readonly clients = new Map<string, Promise<SecureContext>>();

  private constructor(
    private readonly authority: RunAuthority,
    private readonly keys: KeyPair,
    private readonly cert: string,
  ) {}

  static async create(runId: string): Promise<RunIdentity> {
    // Loaded here, so that a run without security never loads the certificate library.
    const { RunAuthority } = await import('@agentnet/protocol/authority');
    const authority = await RunAuthority.create(runId);
    const keys = createKeyPair();
    return new RunIdentity(authority, keys, await authority.issue({ name: COORDINATOR_ID }, keys.publicKey));
  }

  /** The authority's certificate (public): what the launcher hands its nodes to trust. */
  get authorityCertificate(): string {
    return this.authority.certificate;
  }

  /** The control server's TLS: its certificate, TLS 1.3; a node's self-signed certificate is asked for and checked at register. */
  get serverTls(): { key: string; cert: string; minVersion: typeof TLS_MIN_VERSION } {
    return { key: this.keys.privateKey, cert: this.cert, minVersion: TLS_MIN_VERSION };
  }

  /** What a node's register_ok gives it: its certificate for `publicKey`, the authority's, the coordinator's. */
  async certify(nodeId: string, incarnation: number, publicKey: string): Promise<TlsBundle> {
    const certificate = await this.authority.issue({ name: nodeId, incarnation }, publicKey);
    return { certificate, authority: this.authority.certificate, coordinator: this.cert };
  }

  /** How workload client `client` dials `node`: with its own certificate, to nobody but that node. */
  async clientTls(client: string, node: string): Promise<ConnectionOptions> {
    let context = this.clients.get(client);
    if (!context) {
      context = this.authority.issue({ name: client }, this.keys.publicKey).then((cert) => dialContext({ key: this.keys.privateKey, cert, ca: this.authority.certificate }));
      this.clients.set(client, context);
    }
    return tlsToPeer(await context, node);
  }
}
