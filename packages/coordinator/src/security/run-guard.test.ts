import { describe, expect, it } from 'vitest';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { RunSecret, createKeyPair, publicKeyOf, registerParts, registerOkParts, type Proof, type Register } from '@agentnet/protocol';
import { RunGuard, type RegisterOkExtra } from './run-guard.js';
import { RunIdentity } from './run-identity.js';

const facts = { type: 'register' as const, msg_id: 0, url: 'ws://127.0.0.1:9', pid: 42, hostname: 'h' };

describe('run guard', () => {
  it('with security off lets everything through and counts nothing', () => {
    const g = new RunGuard(undefined);
    expect(g.register(facts)).toBeUndefined();
    expect(g.api(undefined)).toBeUndefined();
    let extra: unknown;
    g.answerRegister(facts, { id: 'n0', incarnation: 0, runId: 'r' }, (e) => (extra = e), () => {});
    expect(extra).toEqual({});
    expect(g.apiToken()).toBeUndefined();
    expect(g.report()).toEqual({ mode: 'off', refused: { total: 0, by_guard: {} } });
  });

  it("with a launcher, takes a rejoin in a node's place only with the one-time ticket made for its new process", () => {
    const g = new RunGuard(RunSecret.create());
    g.launcher = true;
    expect(g.rejoin('n0', undefined)).toBe('no_ticket');
    const { ticket } = g.ticketFor('n0');
    expect(ticket).toMatch(/^[0-9a-f]{64}$/);
    expect(g.rejoin('n1', ticket)).toBe('no_ticket');
    expect(g.rejoin('n0', '0'.repeat(64))).toBe('no_ticket');
    expect(g.rejoin('n0', ticket)).toBeUndefined();
    // Once only.
    expect(g.rejoin('n0', ticket)).toBe('no_ticket');
    // Fresh every time; a restart asked twice before its process came: either process may take the place, once.
    const first = g.ticketFor('n0').ticket;
    const second = g.ticketFor('n0').ticket;
    expect(second).not.toBe(first);
    expect(g.rejoin('n0', first)).toBeUndefined();
    expect(g.rejoin('n0', second)).toBe('no_ticket');
    expect(g.report().refused.by_guard).toEqual({ register: { no_ticket: 5 } });
    // Without a launcher (nodes by hand, containers) a rejoin needs the secret only; with --security off, nothing.
    expect(new RunGuard(RunSecret.create()).rejoin('n0', undefined)).toBeUndefined();
    const off = new RunGuard(undefined);
    off.launcher = true;
    expect(off.ticketFor('n0')).toEqual({});
    expect(off.rejoin('n0', undefined)).toBeUndefined();
  });

  it('refuses a register without a proof, with a wrong one, and a replay; answers an accepted one', () => {
    const secret = RunSecret.create();
    const g = new RunGuard(secret);
    const good: Register = { ...facts, proof: secret.prove('register', registerParts(facts)) };
    expect(g.register(facts)).toBe('no_proof');
    expect(g.register({ ...facts, proof: RunSecret.create().prove('register', registerParts(facts)) })).toBe('bad_proof');
    // A proof made for another URL does not pass for this one.
    expect(g.register({ ...facts, url: 'ws://evil:1', proof: good.proof })).toBe('bad_proof');
    expect(g.register(good)).toBeUndefined();
    expect(g.register(good)).toBe('replayed');
    let proof: Proof | undefined;
    g.answerRegister(good, { id: 'n3', incarnation: 0, runId: 'run-1' }, (e) => (proof = e.proof), () => {});
    expect(proof?.nonce).toBe(good.proof?.nonce);
    expect(proof && secret.verify('register_ok', registerOkParts('n3', 'run-1'), proof)).toBe(true);
    g.linkRefusals({ no_proof: 2 }, { bad_seal: 1 });
    g.linkRefusals({}, { bad_seal: 2, replayed: 1 });
    expect(g.report()).toEqual({
      mode: 'on',
      refused: { total: 10, by_guard: { register: { no_proof: 1, bad_proof: 2, replayed: 1 }, link: { no_proof: 2 }, message: { bad_seal: 3, replayed: 1 } } },
    });
  });

  it('asks every API call for the bearer token', () => {
    const secret = RunSecret.create();
    const g = new RunGuard(secret);
    expect(g.api(undefined)).toBe('no_proof');
    expect(g.api('Basic abc')).toBe('no_proof');
    expect(g.api(`Bearer ${'0'.repeat(64)}`)).toBe('bad_proof');
    expect(g.api(`Bearer ${secret.apiToken()}`)).toBeUndefined();
    expect(g.apiToken()).toBe(secret.apiToken());
    expect(g.apiToken()).not.toContain(secret.toHex());
    expect(g.report().refused.by_guard.api).toEqual({ no_proof: 2, bad_proof: 1 });
  });

  it('with TLS, takes a register only for the key its connection showed, and certifies that key', async () => {
    const secret = RunSecret.create();
    const g = new RunGuard(secret);
    g.identity = await RunIdentity.create('run-1');
    const keys = createKeyPair();
    const body: Register = { ...facts, public_key: keys.publicKey, kx: Buffer.alloc(32, 7).toString('base64') };
    const proven = { ...body, proof: secret.prove('register', registerParts(body)) };
    expect(g.register(proven, createKeyPair().publicKey)).toBe('wrong_identity');
    expect(g.register(proven, undefined)).toBe('wrong_identity');
    const again = { ...body, proof: secret.prove('register', registerParts(body)) };
    expect(g.register(again, keys.publicKey)).toBeUndefined();
    const extra = await new Promise<RegisterOkExtra>((resolve, reject) => g.answerRegister(again, { id: 'n1', incarnation: 1, runId: 'run-1' }, resolve, reject));
    expect(g.certifying).toBe(0);
    const cert = new X509Certificate(extra.tls?.certificate ?? '');
    expect(cert.subject).toMatch(/CN=n1/);
    expect(cert.subjectAltName).toBe('URI:urn:agentnet:run-1:n1:1');
    expect(publicKeyOf(cert)).toBe(keys.publicKey);
    // The answer's proof covers the certificates it hands over.
    expect(extra.proof && extra.tls && secret.verify('register_ok', registerOkParts('n1', 'run-1', extra.tls), extra.proof)).toBe(true);
    expect(extra.proof && secret.verify('register_ok', registerOkParts('n1', 'run-1'), extra.proof)).toBe(false);
    // A member's key that is no P-256 key is refused before the run could fail on it.
    const ed = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const odd = { ...facts, public_key: ed };
    expect(g.register({ ...odd, proof: secret.prove('register', registerParts(odd)) }, ed)).toBe('bad_key');
    // And one without the key-agreement key no other node could send it messages with.
    const { kx: _kx, ...noKx } = again;
    expect(g.register({ ...noKx, proof: secret.prove('register', registerParts(noKx)) }, keys.publicKey)).toBe('bad_key');
    // Or one of small order, which gives no shared secret with anyone.
    const zeroKx = { ...noKx, kx: Buffer.alloc(32).toString('base64') };
    expect(g.register({ ...zeroKx, proof: secret.prove('register', registerParts(zeroKx)) }, keys.publicKey)).toBe('bad_key');
    expect(g.report().refused.by_guard.register).toEqual({ wrong_identity: 2, bad_key: 3 });
  });
});
