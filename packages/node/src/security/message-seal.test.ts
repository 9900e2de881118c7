import { describe, expect, it } from 'vitest';
import { usableX25519Key, type Sealed } from '@agentnet/protocol';
import { MessageSeal, type SealedFacts } from './message-seal.js';
import { NodeKeys } from './node-keys.js';

/** Two processes, n0 (incarnation 0) and n1 (incarnation `n1Incarnation`), that know each other's keys. */
function pair(n1Incarnation = 0) {
  const k0 = new NodeKeys();
  const k1 = new NodeKeys();
  const keys = [
    { id: 'n0', incarnation: 0, kx: k0.publicKey },
    { id: 'n1', incarnation: n1Incarnation, kx: k1.publicKey },
  ];
  k0.know(keys);
  k1.know(keys);
  return { n0: new MessageSeal(k0, { id: 'n0', incarnation: 0 }), n1: new MessageSeal(k1, { id: 'n1', incarnation: n1Incarnation }), k1 };
}

const facts = (id: string): SealedFacts => ({ src: 'n0', dest: 'n1', id, sent_at: 1000 });
const body = { type: 'chatter', msg_id: 1, text: 'hello' };

describe('MessageSeal', () => {
  it('hides the body from whoever forwards it, and opens it at its destination once', () => {
    const { n0, n1 } = pair();
    const sealed = n0.seal(facts('n0-1'), body) as Sealed;
    expect(sealed).toMatchObject({ type: 'sealed', seq: 1, from: 0, to: 0 });
    expect(JSON.stringify(sealed)).not.toContain('hello');
    expect(n1.open(facts('n0-1'), sealed)).toEqual({ ok: true, body, freshness: 'new' });
    // The same message again (a network duplicate, or a replay): seen.
    expect(n1.open(facts('n0-1'), sealed)).toEqual({ ok: true, body, freshness: 'seen' });
  });

  it('numbers the messages of a pair, and takes them in any order', () => {
    const { n0, n1 } = pair();
    const sealed = [1, 2, 3].map((k) => n0.seal(facts(`n0-${k}`), { ...body, msg_id: k }) as Sealed);
    expect(sealed.map((s) => s.seq)).toEqual([1, 2, 3]);
    expect([2, 0, 1].map((i) => n1.open(facts(`n0-${i + 1}`), sealed[i] as Sealed))).toMatchObject([{ freshness: 'new' }, { freshness: 'new' }, { freshness: 'new' }]);
  });

  it("numbers a direct message (on its sender's own link) apart from sealed ones, and takes it only from that link, each number once", () => {
    const { n0, n1 } = pair(2);
    const direct = [n0.direct('n1'), n0.direct('n1')];
    expect(direct).toEqual([{ seq: 1, from: 0, to: 2 }, { seq: 2, from: 0, to: 2 }]);
    // Its own count: a sealed message to the same destination starts at 1 too.
    expect((n0.seal(facts('n0-3'), body) as Sealed).seq).toBe(1);
    const first = { src: 'n0', direct: direct[0] as { seq: number; from: number; to: number }, body };
    expect(n1.openDirect(first, 'n0')).toEqual({ ok: true, body, freshness: 'new' });
    expect(n1.openDirect(first, 'n0')).toEqual({ ok: true, body, freshness: 'seen' });
    // Unsealed on another node's link (a router's, a forger's): refused.
    expect(n1.openDirect({ ...first, direct: { seq: 2, from: 0, to: 2 } }, 'n2')).toMatchObject({ ok: false, refusal: 'unsealed' });
    expect(n1.openDirect({ ...first, direct: { seq: 2, from: 0, to: 2 } }, undefined)).toMatchObject({ ok: false, refusal: 'unsealed' });
    // A box under a direct envelope is no direct message.
    expect(n1.openDirect({ ...first, body: { type: 'sealed' } }, 'n0')).toMatchObject({ ok: false, refusal: 'unsealed' });
    // For an earlier process of the destination: that process is gone.
    expect(n1.openDirect({ ...first, direct: { seq: 3, from: 0, to: 1 } }, 'n0')).toEqual({ ok: false, stale: true });
    // A new process of the sender numbers from 1 again: its own window.
    expect(n1.openDirect({ ...first, direct: { seq: 1, from: 1, to: 2 } }, 'n0')).toMatchObject({ ok: true, freshness: 'new' });
  });

  it('refuses a body altered on the way, journal facts altered on the way, and a forged seal', () => {
    const { n0, n1 } = pair();
    const sealed = n0.seal(facts('n0-1'), body) as Sealed;
    const box = Buffer.from(sealed.box, 'base64');
    box[3] = (box[3] as number) ^ 1;
    expect(n1.open(facts('n0-1'), { ...sealed, box: box.toString('base64') })).toMatchObject({ ok: false, refusal: 'bad_seal' });
    expect(n1.open({ ...facts('n0-1'), sent_at: 999 }, sealed)).toMatchObject({ ok: false, refusal: 'bad_seal' });
    expect(n1.open({ ...facts('n0-1'), src: 'n2' }, sealed)).toMatchObject({ ok: false, refusal: 'bad_seal' });
    expect(n1.open(facts('n0-1'), { ...sealed, seq: 2 })).toMatchObject({ ok: false, refusal: 'bad_seal' });
    // A seal made under another key than the pair's (an outsider's, or another pair's).
    const stranger = pair().n0.seal(facts('n0-1'), body) as Sealed;
    expect(n1.open(facts('n0-1'), stranger)).toMatchObject({ ok: false, refusal: 'bad_seal' });
    // And the real message still opens: refusals spend no sequence number.
    expect(n1.open(facts('n0-1'), sealed)).toMatchObject({ ok: true, freshness: 'new' });
  });

  it('refuses a malformed seal, a box shorter than its tag, and never throws', () => {
    const { n0, n1 } = pair();
    const sealed = n0.seal(facts('n0-1'), body) as Sealed;
    // What --peer-validation off lets through unchecked.
    for (const bad of [{ ...sealed, box: 1 }, { ...sealed, seq: 0 }, { ...sealed, seq: 1.5 }, { ...sealed, to: -1 }, { ...sealed, from: 'x' }]) {
      expect(n1.open(facts('n0-1'), bad as unknown as Sealed)).toMatchObject({ ok: false, refusal: 'bad_seal' });
    }
    const short = Buffer.from(sealed.box, 'base64').subarray(0, 12).toString('base64');
    expect(n1.open(facts('n0-1'), { ...sealed, box: short })).toMatchObject({ ok: false, refusal: 'bad_seal' });
    expect(n1.open(facts('n0-1'), { ...sealed, box: 'not base64 at all!' })).toMatchObject({ ok: false, refusal: 'bad_seal' });
  });

  it('has no key with a peer whose public key gives no shared secret, and seals nothing for it', () => {
    const k = new NodeKeys();
    const zero = Buffer.alloc(32).toString('base64');
    k.know([{ id: 'n0', incarnation: 0, kx: k.publicKey }, { id: 'n1', incarnation: 0, kx: zero }]);
    expect(usableX25519Key(zero)).toBe(false);
    expect(usableX25519Key(k.publicKey)).toBe(true);
    const n0 = new MessageSeal(k, { id: 'n0', incarnation: 0 });
    expect(n0.seal(facts('n0-1'), body)).toBeUndefined();
  });

  it('refuses a message without a seal', () => {
    const { n1 } = pair();
    expect(n1.open(facts('n0-1'), body)).toMatchObject({ ok: false, refusal: 'unsealed' });
  });

  it('tells a message sealed for an earlier process of this node from a forgery', () => {
    const { n0, k1 } = pair(0);
    const old = n0.seal(facts('n0-1'), body) as Sealed;
    // n1 restarted: its new process (incarnation 1) has a new key pair.
    const k1b = new NodeKeys();
    const n1b = new MessageSeal(k1b, { id: 'n1', incarnation: 1 });
    k1b.know([{ id: 'n0', incarnation: 0, kx: pair().k1.publicKey }]);
    expect(n1b.open(facts('n0-1'), old)).toEqual({ ok: false, stale: true });
    expect(k1.latestOf('n1')).toBe(0);
  });

  it('seals for the latest process of the destination it knows, from sequence number 1', () => {
    const { n0, n1 } = pair();
    n0.seal(facts('n0-1'), body);
    const k1b = new NodeKeys();
    // n0 hears of n1's new process (node_key) and seals for it afresh.
    (n0 as unknown as { keys: NodeKeys }).keys.know([{ id: 'n1', incarnation: 1, kx: k1b.publicKey }]);
    const sealed = n0.seal(facts('n0-2'), body) as Sealed;
    expect(sealed).toMatchObject({ seq: 1, to: 1 });
    // The old process cannot open it (it is not for it); the new one can.
    expect(n1.open(facts('n0-2'), sealed)).toMatchObject({ ok: false, refusal: 'bad_seal' });
    const n1b = new MessageSeal(k1b, { id: 'n1', incarnation: 1 });
    k1b.know([{ id: 'n0', incarnation: 0, kx: (n0 as unknown as { keys: NodeKeys }).keys.publicKey }]);
    expect(n1b.open(facts('n0-2'), sealed)).toEqual({ ok: true, body, freshness: 'new' });
  });
});
