/**
 * The attacker on its own: what it journals and what it puts on the wire for each attack, with a
 * wire that records instead of sending.
 */
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '@agentnet/protocol';
import { Attacker, type Envelope } from './attacker.js';
import type { Journal } from '../records/journal.js';
import type { MessageFacts } from '../network/message-facts.js';

function attackerOf(o: { sealed?: boolean } = {}) {
  const journaled: JournalRecord[] = [];
  const wire: Array<{ peer: string; facts: MessageFacts; envelope: Envelope }> = [];
  const attacker = new Attacker({
    self: 'n1',
    nodeIds: ['n0', 'n1', 'n2', 'n3'],
    seed: 7,
    incarnation: 0,
    journal: { add: (r: JournalRecord) => journaled.push(r) } as unknown as Journal,
    route: (dest) => ({ peer: dest, d: { seq: 1, delayMs: 5, lost: false, duplicateDelayMs: null, reorder: false } }),
    hop: () => ({}),
    put: (peer, _d, facts, envelope) => wire.push({ peer, facts, envelope }),
    ...(o.sealed ? { seal: (facts: MessageFacts) => ({ type: 'sealed' as const, seq: 1, from: 0, to: 0, box: Buffer.from(`sealed as ${facts.src}`).toString('base64') }) } : {}),
  });
  return { attacker, journaled, wire };
}

const sent = (id: string, dest: string, body: Record<string, unknown> & { type: string }): Envelope => ({ id, src: 'n1', dest, sent_at: 1000, delay_ms: 5, body });

describe('Attacker', () => {
  it('does nothing until the fault state gives it attacks, and stops when it takes them away', () => {
    const { attacker, journaled, wire } = attackerOf();
    const e = sent('n1-1', 'n0', { type: 'vote', term: 3 });
    expect(attacker.outgoing(e)).toBe(e);
    attacker.after(e, e.body);
    attacker.set(['forge', 'tamper']);
    expect(attacker.active).toBe(true);
    attacker.set([]);
    expect(attacker.outgoing(e)).toBe(e);
    expect([journaled, wire]).toEqual([[], []]);
  });

  it('forge: a copy in the name of every other node but the destination, journaled with the id it made', () => {
    const { attacker, journaled, wire } = attackerOf();
    attacker.set(['forge']);
    attacker.after(sent('n1-1', 'n0', { type: 'vote', granted: true }), { type: 'vote', granted: true, msg_id: 1 });
    expect(wire.map((w) => [w.peer, w.envelope.src, w.envelope.id, w.envelope.body])).toEqual([
      ['n0', 'n2', 'n2:forged-by-n1.0-1', { type: 'vote', granted: true, msg_id: 1 }],
      ['n0', 'n3', 'n3:forged-by-n1.0-2', { type: 'vote', granted: true, msg_id: 1 }],
    ]);
    expect(journaled.map((r) => r.t === 'attack' && [r.kind, r.id, r.src, r.dest, r.by])).toEqual([
      ['forge', 'n2:forged-by-n1.0-1', 'n2', 'n0', 'n1'],
      ['forge', 'n3:forged-by-n1.0-2', 'n3', 'n0', 'n1'],
    ]);
  });

  it('forge with --security on seals under its own key (all it has)', () => {
    const { attacker, wire } = attackerOf({ sealed: true });
    attacker.set(['forge']);
    attacker.after(sent('n1-1', 'n0', { type: 'sealed' }), { type: 'vote', msg_id: 1 });
    expect(wire.map((w) => Buffer.from(String((w.envelope.body as unknown as { box: string }).box), 'base64').toString())).toEqual(['sealed as n2', 'sealed as n3']);
  });

  it('tamper: a number, else a text, else a new field; a sealed box gets one byte changed', () => {
    const { attacker, journaled } = attackerOf();
    attacker.set(['tamper']);
    expect(attacker.outgoing(sent('a', 'n0', { type: 'x', msg_id: 4, term: 3 })).body).toEqual({ type: 'x', msg_id: 4, term: 4 });
    expect(attacker.outgoing(sent('b', 'n0', { type: 'x', key: 'k' })).body).toEqual({ type: 'x', key: '~' });
    expect(attacker.outgoing(sent('c', 'n0', { type: 'x' })).body).toEqual({ type: 'x', tampered: true });
    const box = Buffer.alloc(32, 7).toString('base64');
    const altered = attacker.outgoing(sent('d', 'n0', { type: 'sealed', box })).body as unknown as { box: string };
    const diff = [...Buffer.from(altered.box, 'base64')].filter((b, i) => b !== Buffer.from(box, 'base64')[i]);
    expect(diff).toHaveLength(1);
    expect(journaled.map((r) => r.t === 'attack' && `${r.kind} ${r.id}`)).toEqual(['tamper a', 'tamper b', 'tamper c', 'tamper d']);
  });

  it('replay: sends an earlier frame again, unchanged, and journals it under that frame\'s id', () => {
    const { attacker, journaled, wire } = attackerOf();
    attacker.set(['replay']);
    const first = sent('n1-1', 'n2', { type: 'x' });
    attacker.after(first);
    expect(wire).toEqual([]);
    attacker.after(sent('n1-2', 'n0', { type: 'y' }));
    expect(wire).toHaveLength(1);
    expect(wire[0]?.envelope).toBe(first);
    expect(wire[0]?.peer).toBe('n2');
    expect(journaled).toEqual([{ t: 'attack', kind: 'replay', id: 'n1-1', src: 'n1', dest: 'n2', sent_at: 1000, delay_ms: 5, by: 'n1' }]);
  });

  it('leaves messages to workload clients alone', () => {
    const { attacker, wire } = attackerOf();
    attacker.set(['forge', 'replay', 'tamper']);
    const e = sent('n1-1', 'c1', { type: 'read_ok' });
    expect(attacker.outgoing(e)).toBe(e);
    attacker.after(e, e.body);
    expect(wire).toEqual([]);
  });
});
