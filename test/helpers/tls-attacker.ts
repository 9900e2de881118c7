/**
 * An attacker's TLS kit for the security tests, written apart from the project's own certificate
 * code: key pairs from node:crypto, certificates made with @peculiar/x509 directly, its own
 * certificate authority (which no run trusts), and a way to open a (w)ss socket with any of them
 * and see how far it gets.
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { WebSocket, type ClientOptions } from 'ws';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 24 * 3600_000;

export interface AttackerKey {
  key: string;
  publicKey: string;
}

export function attackerKey(): AttackerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** An X25519 public key as a register states it (base64 of its 32 bytes). */
export function attackerKx(): string {
  const jwk = generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x as string, 'base64url').toString('base64');
}

const imported = async (k: AttackerKey) => ({
  privateKey: await webcrypto.subtle.importKey('pkcs8', pemBody(k.key), ALG, false, ['sign']),
  publicKey: await webcrypto.subtle.importKey('spki', pemBody(k.publicKey), ALG, true, ['verify']),
});
const pemBody = (pem: string) => Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** A certificate for `k` that names `cn`, signed by itself. */
export async function selfSigned(cn: string, k: AttackerKey): Promise<string> {
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '0a', name: `CN=${cn}`, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + DAY), keys: await imported(k), signingAlgorithm: ALG });
  return cert.toString('pem');
}

/** A certificate authority of the attacker's, and a certificate from it for `k` naming `cn`. */
export async function fromOtherAuthority(cn: string, k: AttackerKey): Promise<string> {
  const caKeys = await webcrypto.subtle.generateKey(ALG, false, ['sign', 'verify']);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=agentnet run authority',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    keys: caKeys,
    signingAlgorithm: ALG,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: `CN=${cn}`,
    issuer: ca.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + DAY),
    signingKey: caKeys.privateKey,
    publicKey: (await imported(k)).publicKey,
    signingAlgorithm: ALG,
  });
  return cert.toString('pem');
}

/** Opens a socket with `options` and tells how far it got: open, or the error's code or text. */
export function tryOpen(url: string, options: ClientOptions = {}): Promise<{ opened: boolean; error?: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false, ...options });
    ws.once('open', () => {
      ws.terminate();
      resolve({ opened: true });
    });
    ws.once('error', (err: Error & { code?: string }) => {
      ws.terminate();
      resolve({ opened: false, error: err.code ?? err.message });
    });
  });
}
