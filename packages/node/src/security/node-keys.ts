/**
 * The end-to-end keys of a node process with `--security on` (docs/security.md): its own X25519
 * key pair, made at start and never sent anywhere but its public half; every other node process's
 * public key as the coordinator hands them out (init, node_key); and, per pair of processes, one
 * AES-256 key for each direction, derived with HKDF-SHA256 from their X25519 shared secret. A
 * restarted process has a new key pair, so its pairs' keys and sequence numbers start afresh.
 */
import { diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { x25519PublicKey, type NodeKey } from '@agentnet/protocol';

const HKDF_INFO = 'agentnet e2e v1';

/** A process of a node: its id and incarnation. */
export interface Process {
  id: string;
  incarnation: number;
}

export class NodeKeys {
  private readonly privateKey: KeyObject;
  /** This process's public key, base64 of its 32 bytes: what its register states. */
  readonly publicKey: string;
  /** Every process's public key this node was told of, by `id.incarnation`; earlier processes' stay, for their late messages. */
  private readonly known = new Map<string, KeyObject>();
  /** The latest incarnation of each node. */
  private readonly latest = new Map<string, number>();
  private readonly derived = new Map<string, Buffer>();

  constructor() {
    const pair = generateKeyPairSync('x25519');
    this.privateKey = pair.privateKey;
    const jwk = pair.publicKey.export({ format: 'jwk' });
    this.publicKey = Buffer.from(jwk.x as string, 'base64url').toString('base64');
  }

  know(keys: readonly NodeKey[]): void {
    for (const k of keys) {
      const publicKey = x25519PublicKey(k.kx);
      if (publicKey) this.known.set(`${k.id}.${k.incarnation}`, publicKey);
      if (k.incarnation >= (this.latest.get(k.id) ?? -1)) this.latest.set(k.id, k.incarnation);
    }
  }

  /** The latest process of `id` this node knows a key of. */
  latestOf(id: string): number | undefined {
    return this.latest.get(id);
  }

  /** The key of the direction `from` -> `to` (one of them this process), if the other's public key is known. */
  key(from: Process, to: Process, self: Process): Buffer | undefined {
    const other = from.id === self.id && from.incarnation === self.incarnation ? to : from;
    const name = `${from.id}.${from.incarnation}>${to.id}.${to.incarnation}`;
    const cached = this.derived.get(name);
    if (cached) return cached;
    const publicKey = this.known.get(`${other.id}.${other.incarnation}`);
    if (!publicKey) return undefined;
    let shared: Buffer;
    try {
      shared = diffieHellman({ privateKey: this.privateKey, publicKey });
    } catch {
      // A key of small order (all zeros, say) gives no shared secret: no key, so nothing opens.
      return undefined;
    }
    const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(0), `${HKDF_INFO} ${name}`, 32));
    this.derived.set(name, key);
    return key;
  }
}
