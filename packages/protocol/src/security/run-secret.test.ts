import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NonceLedger, RunSecret, RunSecretError, SECRET_ENV, SECRET_FILE_ENV, tokensMatch } from './run-secret.js';
import { RefusalCounter, securityReport } from './refusals.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('run secret', () => {
  it('is fresh for every run and reads back from its hex', () => {
    const a = RunSecret.create();
    expect(RunSecret.create().toHex()).not.toBe(a.toHex());
    expect(a.toHex()).toMatch(/^[0-9a-f]{64}$/);
    expect(RunSecret.fromHex(a.toHex()).apiToken()).toBe(a.apiToken());
  });

  it('proves and verifies: a proof holds only for its secret, label and parts', () => {
    const s = RunSecret.create();
    const p = s.prove('register', ['ws://h:1', 7]);
    expect(s.verify('register', ['ws://h:1', 7], p)).toBe(true);
    expect(s.verify('register', ['ws://h:2', 7], p)).toBe(false);
    expect(s.verify('link_hello', ['ws://h:1', 7], p)).toBe(false);
    expect(RunSecret.create().verify('register', ['ws://h:1', 7], p)).toBe(false);
    // One flipped digit of the MAC, and a MAC of the wrong length.
    const flipped = { ...p, mac: (p.mac[0] === '0' ? '1' : '0') + p.mac.slice(1) };
    expect(s.verify('register', ['ws://h:1', 7], flipped)).toBe(false);
    expect(s.verify('register', ['ws://h:1', 7], { ...p, mac: p.mac.slice(2) })).toBe(false);
    // Each proof has its own nonce; an answer reuses the one it answers.
    expect(s.prove('register', ['ws://h:1', 7]).nonce).not.toBe(p.nonce);
    expect(s.answer('register_ok', p.nonce, ['n0']).nonce).toBe(p.nonce);
  });

  it('comes from AGENTNET_SECRET or a 0600 AGENTNET_SECRET_FILE, and says what is wrong otherwise', () => {
    const s = RunSecret.create();
    expect(RunSecret.fromEnv({})).toBeUndefined();
    expect(RunSecret.fromEnv({ [SECRET_ENV]: s.toHex() })?.apiToken()).toBe(s.apiToken());
    const dir = mkdtempSync(join(tmpdir(), 'agentnet-secret-'));
    dirs.push(dir);
    const file = join(dir, 'secret');
    writeFileSync(file, `${s.toHex()}\n`, { mode: 0o600 });
    expect(RunSecret.fromEnv({ [SECRET_FILE_ENV]: file })?.apiToken()).toBe(s.apiToken());
    const open = join(dir, 'open');
    writeFileSync(open, s.toHex(), { mode: 0o644 });
    expect(() => RunSecret.fromEnv({ [SECRET_FILE_ENV]: open })).toThrow(/readable by other users: chmod 600/);
    expect(() => RunSecret.fromEnv({ [SECRET_FILE_ENV]: join(dir, 'none') })).toThrow(/cannot read AGENTNET_SECRET_FILE/);
    expect(() => RunSecret.fromEnv({ [SECRET_ENV]: 'short' })).toThrow(RunSecretError);
    expect(() => RunSecret.fromEnv({ [SECRET_ENV]: s.toHex(), [SECRET_FILE_ENV]: file })).toThrow(/not both/);
  });

  it('compares tokens whatever their length, and a nonce is fresh once', () => {
    expect(tokensMatch('abc', 'abc')).toBe(true);
    expect(tokensMatch('abc', 'abd')).toBe(false);
    expect(tokensMatch('ab', 'abc')).toBe(false);
    const ledger = new NonceLedger();
    expect(ledger.fresh('x')).toBe(true);
    expect(ledger.fresh('x')).toBe(false);
  });

  it("sums the guards' refusals into report.json's section", () => {
    const c = new RefusalCounter();
    c.add('no_proof');
    c.add('no_proof');
    c.add('replayed');
    expect(c.total).toBe(3);
    expect(securityReport('on', { register: [c.toJSON()], api: [{}], link: [{ bad_proof: 1 }, { bad_proof: 2, no_proof: 1 }] })).toEqual({
      mode: 'on',
      refused: { total: 7, by_guard: { register: { no_proof: 2, replayed: 1 }, link: { bad_proof: 3, no_proof: 1 } } },
    });
  });
});
