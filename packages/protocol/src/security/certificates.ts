/**
 * The run's identities with `--security on` (docs/security.md), as everyone reads and checks them:
 * a process's own key pair, the id a certificate names, whether the run's authority signed it, and
 * the TLS options of a dial that must reach one given peer. Making certificates is authority.ts's,
 * loaded only when a run is secure.
 */
import { X509Certificate, createHash, createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createSecureContext, type ConnectionOptions, type PeerCertificate, type SecureContext } from 'node:tls';

/**
 * The run authority's certificate (PEM), which the launcher hands the nodes it starts: a node that
 * has it trusts no other coordinator from its first connection. It is public; it is no secret.
 */
export const AUTHORITY_ENV = 'AGENTNET_AUTHORITY';
/** TLS 1.3 only: a peer that offers less is refused (`old_tls`). */
export const TLS_MIN_VERSION = 'TLSv1.3';
/** A process's own key pair, PEM (PKCS#8 private, SPKI public). */
export interface KeyPair {
  privateKey: string;
  publicKey: string;
}

/** A fresh ECDSA P-256 key pair (fast to make and check, offered by TLS 1.3 everywhere), from the system's CSPRNG (never from `--seed`). */
export function createKeyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** What is certified: an id, and a node's incarnation (a restarted node is a new process with a new key). */
export interface Subject {
  name: string;
  incarnation?: number;
}

/** Whether `pem` is an ECDSA P-256 public key (SPKI PEM), the only kind the run's authority certifies. */
export function isP256(pem: string | undefined): boolean {
  if (pem === undefined) return false;
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  } catch {
    return false;
  }
}

/** The id a certificate names (its subject's CN). */
export function certificateName(cert: X509Certificate): string | undefined {
  return /(?:^|\n)CN=([^\n]*)/.exec(cert.subject)?.[1];
}

/** The incarnation a certificate names (in its `urn:agentnet:<run>:<id>:<incarnation>` URI), from either form of it. */
export function certificateIncarnation(cert: { subjectAltName?: string | undefined } | { subjectaltname?: string | undefined }): number | undefined {
  const names = 'subjectAltName' in cert ? cert.subjectAltName : 'subjectaltname' in cert ? cert.subjectaltname : undefined;
  const n = /URI:urn:agentnet:[^,]*:(\d+)(?:,|$)/.exec(names ?? '')?.[1];
  return n === undefined ? undefined : Number(n);
}

/** A certificate's public key, SPKI PEM: what a register states and its certificate must carry. */
export function publicKeyOf(cert: X509Certificate): string {
  return cert.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

/** Whether `cert` was signed by the authority whose certificate is `authority`. */
export function issuedBy(cert: X509Certificate, authority: string): boolean {
  const ca = new X509Certificate(authority);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

/** A short fingerprint of a PEM, for proofs and logs (a certificate is public; this is no secret). */
export function fingerprint(pem: string): string {
  return createHash('sha256').update(pem.trim()).digest('hex');
}

/** A dial's TLS failure because the other end is not who it had to be. */
export class WrongPeerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongPeerError';
  }
}

/**
 * A process's TLS context for its dials: its key and certificate, TLS 1.3, only the run's authority
 * trusted. Made once: a context per connection would parse the keys and certificates every time (a
 * fifth of a handshake's CPU).
 */
export function dialContext(own: { key: string; cert: string; ca: string }): SecureContext {
  return createSecureContext({ ...own, minVersion: TLS_MIN_VERSION });
}

/**
 * The TLS options of a dial that must reach `expected`: the dialer's context, and the certificate
 * must name `expected` (the hostname is whatever the peer advertised, an IP or a container name: what
 * must match is the id).
 */
export function tlsToPeer(context: SecureContext, expected: string, incarnation = 0): ConnectionOptions {
  return {
    secureContext: context,
    checkServerIdentity: (_host: string, cert: PeerCertificate) => {
      if (cert.subject?.CN !== expected) return new WrongPeerError(`the certificate names ${cert.subject?.CN ?? 'nobody'}, not ${expected}`);
      const shown = certificateIncarnation(cert);
      // A newer process than the one this dialer knows of is the node (it learns of it later); an older one is not.
      if ((shown ?? 0) < incarnation) return new WrongPeerError(`the certificate is ${expected}'s incarnation ${shown ?? 0}, not ${incarnation}`);
      return undefined;
    },
  };
}

/** An X25519 public key from base64 of its 32 bytes; undefined for one that is not. */
export function x25519PublicKey(kx: string): KeyObject | undefined {
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(kx, 'base64').toString('base64url') }, format: 'jwk' });
  } catch {
    return undefined;
  }
}

/** Whether a stated X25519 public key gives a shared secret at all (a key of small order does not). */
export function usableX25519Key(kx: string): boolean {
  const publicKey = x25519PublicKey(kx);
  if (!publicKey) return false;
  try {
    diffieHellman({ privateKey: generateKeyPairSync('x25519').privateKey, publicKey });
    return true;
  } catch {
    return false;
  }
}
