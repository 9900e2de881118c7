import { describe, expect, it } from 'vitest';
import { RunSecret } from '@agentnet/protocol';
import { LinkGuard } from './link-guard.js';

describe('link guard', () => {
  it('off: hellos carry nothing and everything passes', () => {
    const g = new LinkGuard(undefined);
    expect(g.hello('n0', 'n1')).toEqual({});
    expect(g.checkHello('n0', 'n1', undefined)).toBeUndefined();
    expect(g.checkHelloOk('n0', 'n1', undefined, undefined)).toBe(true);
    expect(g.refused()).toEqual({});
  });

  it('on: a hello proves the secret for its two ends, once; the answer proves it back', () => {
    const secret = RunSecret.create();
    const n0 = new LinkGuard(secret);
    const n1 = new LinkGuard(secret);
    const { proof } = n0.hello('n0', 'n1');
    // The same hello, presented at another node or from another name, is no proof.
    expect(new LinkGuard(secret).checkHello('n0', 'n2', proof)).toBe('bad_proof');
    expect(n1.checkHello('n3', 'n1', proof)).toBe('bad_proof');
    expect(n1.checkHello('n0', 'n1', undefined)).toBe('no_proof');
    expect(n1.checkHello('n0', 'n1', { nonce: 'x', mac: 5 })).toBe('bad_proof');
    expect(n1.checkHello('n0', 'n1', proof)).toBeUndefined();
    expect(n1.checkHello('n0', 'n1', proof)).toBe('replayed');
    expect(n1.refused()).toEqual({ bad_proof: 2, no_proof: 1, replayed: 1 });

    const ok = n1.helloOk('n0', 'n1', proof).proof;
    expect(n0.checkHelloOk('n0', 'n1', proof, ok)).toBe(true);
    // An answer from a node without the secret, or to another hello, does not do.
    expect(n0.checkHelloOk('n0', 'n1', proof, new LinkGuard(RunSecret.create()).helloOk('n0', 'n1', proof).proof)).toBe(false);
    expect(n0.checkHelloOk('n0', 'n1', proof, n1.helloOk('n0', 'n1', n0.hello('n0', 'n1').proof).proof)).toBe(false);
    expect(n0.checkHelloOk('n0', 'n1', proof, undefined)).toBe(false);
  });
});
