import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { COORDINATOR_ID, createKeyPair } from '@agentnet/protocol';
import { RunAuthority } from '@agentnet/protocol/authority';
import { NodeIdentity } from './node-identity.js';

/** What a coordinator of `authority` would hand a node: its certificate, the authority's, the coordinator's own. */
async function bundle(authority: RunAuthority, node: string, publicKey: string) {
  const coordinator = await authority.issue({ name: COORDINATOR_ID }, createKeyPair().publicKey);
  return { certificate: await authority.issue({ name: node }, publicKey), authority: authority.certificate, coordinator };
}

describe('node identity', () => {
  it("takes a certificate for its own key and id, from the coordinator it is talking to", async () => {
    const run = await RunAuthority.create('run-1');
    const me = await NodeIdentity.create();
    const ok = await bundle(run, 'n1', me.publicKey);
    const seen = new X509Certificate(ok.coordinator);
    expect(() => me.adopt(ok, 'n2', seen)).toThrow(/names n1, not n2/);
    const otherKey = (await bundle(run, 'n1', createKeyPair().publicKey)).certificate;
    expect(() => me.adopt({ ...ok, certificate: otherKey }, 'n1', seen)).toThrow(/not for its own key/);
    const otherCoordinator = new X509Certificate((await bundle(run, 'n1', me.publicKey)).coordinator);
    expect(() => me.adopt(ok, 'n1', otherCoordinator)).toThrow(/showed another certificate/);
    expect(() => me.adopt(ok, 'n1', seen)).not.toThrow();
    expect(me.serverContext?.minVersion).toBe('TLSv1.3');
  });

  it("handed the run's authority, trusts no other, from its first connection on", async () => {
    const run = await RunAuthority.create('run-1');
    const other = await RunAuthority.create('run-1');
    const me = await NodeIdentity.create(run.certificate);
    expect(me.coordinatorTls.rejectUnauthorized).not.toBe(false);
    const foreign = await bundle(other, 'n1', me.publicKey);
    expect(() => me.adopt(foreign, 'n1', new X509Certificate(foreign.coordinator))).toThrow(/another authority/);
    const own = await bundle(run, 'n1', me.publicKey);
    expect(() => me.adopt(own, 'n1', new X509Certificate(own.coordinator))).not.toThrow();
    // Without it (a node started by hand), the first connection trusts what register_ok proves later.
    expect((await NodeIdentity.create()).coordinatorTls.rejectUnauthorized).toBe(false);
  });
});
