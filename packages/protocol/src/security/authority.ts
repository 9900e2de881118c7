/**
 * Making the run's certificates (`--security on`, docs/security.md): the coordinator is the run's
 * certificate authority, with a fresh key pair for every run, and certifies each process's own
 * public key under its id (and, for a node, its incarnation); a node signs a certificate for its own
 * key to show the coordinator before it has one. No private key ever leaves the process that made it.
 *
 * Made with @peculiar/x509 (ASN.1 and X.509 done right is no code to write by hand). This module is
 * its own entry (`@agentnet/protocol/authority`), imported only by a secure run, so that a run
 * without security neither loads nor runs the library.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { randomBytes, webcrypto } from 'node:crypto';
import type { KeyPair, Subject } from './certificates.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
type CryptoKey = webcrypto.CryptoKey;

/** ECDSA P-256, as createKeyPair makes. */
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** A run's certificates are good for a day, and from a minute back (clocks of containers differ a little). */
const VALID_MS = 24 * 3600_000;
const SKEW_MS = 60_000;
/** serverAuth and clientAuth: every process both dials and is dialed. */
const USAGES = ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2'];

const der = (pem: string, label: string): Buffer => Buffer.from(pem.replace(new RegExp(`-----(BEGIN|END) ${label}-----`, 'g'), '').replace(/\s+/g, ''), 'base64');
const importPublic = (pem: string) => webcrypto.subtle.importKey('spki', der(pem, 'PUBLIC KEY'), ALGORITHM, true, ['verify']);
const importPrivate = (pem: string) => webcrypto.subtle.importKey('pkcs8', der(pem, 'PRIVATE KEY'), ALGORITHM, false, ['sign']);
const serial = () => randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
const validity = () => ({ notBefore: new Date(Date.now() - SKEW_MS), notAfter: new Date(Date.now() + VALID_MS) });
/** Names are ids (`n3`, `c1`, `coordinator`): a distinguished name keeps only what is safe in one. */
const dn = (name: string, org: string) => `CN=${name.replace(/[^A-Za-z0-9_.:-]/g, '_')}, O=${org.replace(/[^A-Za-z0-9_.:-]/g, '_')}`;

/** The run's certificate authority; lives in the coordinator. */
export class RunAuthority {
  private constructor(
    private readonly key: CryptoKey,
    private readonly cert: x509.X509Certificate,
    private readonly runId: string,
  ) {}

  static async create(runId: string): Promise<RunAuthority> {
    const keys = await webcrypto.subtle.generateKey(ALGORITHM, false, ['sign', 'verify']);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: dn('agentnet run authority', runId),
      ...validity(),
      keys,
      signingAlgorithm: ALGORITHM,
      extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
    });
    return new RunAuthority(keys.privateKey, cert, runId);
  }

  /** The authority's certificate: what every process trusts, and nothing else. */
  get certificate(): string {
    return this.cert.toString('pem');
  }

  /** A certificate for `subject`'s public key (PEM), signed by this authority. */
  async issue(subject: Subject, publicKey: string): Promise<string> {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: dn(subject.name, this.runId),
      issuer: this.cert.subject,
      ...validity(),
      signingKey: this.key,
      publicKey: await importPublic(publicKey),
      signingAlgorithm: ALGORITHM,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(USAGES),
        // The incarnation in a URI name: a restarted node's certificate is not its old process's.
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: `urn:agentnet:${this.runId}:${subject.name}:${subject.incarnation ?? 0}` }]),
      ],
    });
    return cert.toString('pem');
  }
}

/**
 * A certificate a process signs for its own key: what a node shows the coordinator before it has
 * one from the authority. It proves only that the node holds the key; the register's proof of the
 * run secret says the key is a member's.
 */
export async function selfSignedCertificate(name: string, keys: KeyPair): Promise<string> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: dn(name, 'self-signed'),
    ...validity(),
    keys: { privateKey: await importPrivate(keys.privateKey), publicKey: await importPublic(keys.publicKey) },
    signingAlgorithm: ALGORITHM,
  });
  return cert.toString('pem');
}
