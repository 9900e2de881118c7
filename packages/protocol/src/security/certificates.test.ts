import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { certificateIncarnation, certificateName, createKeyPair, dialContext, fingerprint, isP256, issuedBy, publicKeyOf, tlsToPeer } from './certificates.js';
import { RunAuthority, selfSignedCertificate } from './authority.js';

describe('run certificates', () => {
  it("issues a certificate naming the id and incarnation, for the holder's key, that only its own authority vouches for", async () => {
    const run = await RunAuthority.create('run-1');
    const other = await RunAuthority.create('run-2');
    const keys = createKeyPair();
    const cert = new X509Certificate(await run.issue({ name: 'n3', incarnation: 2 }, keys.publicKey));
    expect(certificateName(cert)).toBe('n3');
    expect(cert.subjectAltName).toBe('URI:urn:agentnet:run-1:n3:2');
    expect(certificateIncarnation(cert)).toBe(2);
    expect(certificateIncarnation({ subjectaltname: 'URI:urn:agentnet:20261207-1-ab:n10:13' })).toBe(13);
    expect(certificateIncarnation({ subjectaltname: undefined })).toBeUndefined();
    expect(publicKeyOf(cert)).toBe(keys.publicKey);
    expect(issuedBy(cert, run.certificate)).toBe(true);
    expect(issuedBy(cert, other.certificate)).toBe(false);
    // Every run has fresh keys: two authorities never share one.
    expect(fingerprint(run.certificate)).not.toBe(fingerprint(other.certificate));
    expect(createKeyPair().publicKey).not.toBe(keys.publicKey);
    const ca = new X509Certificate(run.certificate);
    expect(ca.ca).toBe(true);
    expect(cert.ca).toBe(false);
  });

  it('takes only ECDSA P-256 public keys', () => {
    expect(isP256(createKeyPair().publicKey)).toBe(true);
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(isP256(ed)).toBe(false);
    expect(isP256('not a key')).toBe(false);
    expect(isP256(undefined)).toBe(false);
  });

  it("a self-signed certificate carries the holder's key and no authority's word", async () => {
    const run = await RunAuthority.create('run-1');
    const keys = createKeyPair();
    const cert = new X509Certificate(await selfSignedCertificate('someone', keys));
    expect(publicKeyOf(cert)).toBe(keys.publicKey);
    expect(issuedBy(cert, run.certificate)).toBe(false);
  });

  it('a dial accepts only a certificate that names the peer it wants', async () => {
    const run = await RunAuthority.create('run-1');
    const keys = createKeyPair();
    const context = dialContext({ key: keys.privateKey, cert: await run.issue({ name: 'n0' }, keys.publicKey), ca: run.certificate });
    const options = tlsToPeer(context, 'n1');
    expect(options.secureContext).toBe(context);
    const check = options.checkServerIdentity as (host: string, cert: { subject: { CN: string }; subjectaltname?: string }) => Error | undefined;
    expect(check('10.0.0.9', { subject: { CN: 'n1' } })).toBeUndefined();
    expect(check('10.0.0.9', { subject: { CN: 'n2' } })?.message).toMatch(/names n2, not n1/);
    // A dial to a process of n1 at least as new as incarnation 2.
    const since2 = tlsToPeer(context, 'n1', 2).checkServerIdentity as typeof check;
    expect(since2('h', { subject: { CN: 'n1' }, subjectaltname: 'URI:urn:agentnet:run-1:n1:1' })?.message).toMatch(/incarnation 1, not 2/);
    expect(since2('h', { subject: { CN: 'n1' }, subjectaltname: 'URI:urn:agentnet:run-1:n1:3' })).toBeUndefined();
  });
});
