import { describe, expect, it } from 'vitest';
import { RunSecret, registerParts, registerOkParts, type Register } from '@agentnet/protocol';
import { RunGuard } from './run-guard.js';

const facts = { type: 'register' as const, msg_id: 0, url: 'ws://127.0.0.1:9', pid: 42, hostname: 'h' };

describe('run guard', () => {
  it('with security off lets everything through and counts nothing', () => {
    const g = new RunGuard(undefined);
    expect(g.register(facts)).toBeUndefined();
    expect(g.api(undefined)).toBeUndefined();
    expect(g.registerOk(facts, 'n0', 'r')).toEqual({});
    expect(g.apiToken()).toBeUndefined();
    expect(g.report()).toEqual({ mode: 'off', refused: { total: 0, by_guard: {} } });
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
    const { proof } = g.registerOk(good, 'n3', 'run-1');
    expect(proof?.nonce).toBe(good.proof?.nonce);
    expect(proof && secret.verify('register_ok', registerOkParts('n3', 'run-1'), proof)).toBe(true);
    g.linkRefusals({ no_proof: 2 });
    expect(g.report()).toEqual({ mode: 'on', refused: { total: 6, by_guard: { register: { no_proof: 1, bad_proof: 2, replayed: 1 }, link: { no_proof: 2 } } } });
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
});
