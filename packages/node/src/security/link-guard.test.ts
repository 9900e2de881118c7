import { describe, expect, it } from 'vitest';
import { RunSecret } from '@agentnet/protocol';
import type { WebSocket } from 'ws';
import { LinkGuard } from './link-guard.js';
import type { NodeIdentity } from './node-identity.js';

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

  it('on TLS: a hello must come from the id its certificate names, and from no earlier process of it', () => {
    const secret = RunSecret.create();
    const g = new LinkGuard(secret);
    // Only whether the links are TLS matters here, not the node's own certificate.
    g.identity = {} as NodeIdentity;
    g.know([{ id: 'n2', incarnation: 1 }]);
    const hello = (src: string) => new LinkGuard(secret).hello(src, 'n0').proof;
    const socket = (name: string, incarnation: number) => {
      const s = {} as WebSocket;
      g.certified(s, { name, incarnation });
      return s;
    };
    expect(g.checkHello('n2', 'n0', hello('n2'), socket('n3', 1))).toBe('wrong_identity');
    expect(g.checkHello('n2', 'n0', hello('n2'), undefined)).toBe('wrong_identity');
    expect(g.checkHello('n2', 'n0', hello('n2'), socket('n2', 0))).toBe('stale_incarnation');
    expect(g.checkHello('n2', 'n0', hello('n2'), socket('n2', 1))).toBeUndefined();
    // A newer process than this node knew of is taken, and from then on the one before is stale.
    expect(g.checkHello('n2', 'n0', hello('n2'), socket('n2', 2))).toBeUndefined();
    expect(g.checkHello('n2', 'n0', hello('n2'), socket('n2', 1))).toBe('stale_incarnation');
    expect(g.refused()).toEqual({ wrong_identity: 2, stale_incarnation: 2 });
  });
});
