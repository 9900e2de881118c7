/**
 * The attack tally: what a Byzantine node's journal says it did, against what its receivers
 * journaled, whichever arrives first; forged messages leave the accounting and the link counts.
 */
import { describe, expect, it } from 'vitest';
import type { JournalRecord } from '@agentnet/protocol';
import { Ledger } from './ledger.js';

const NONE = new Set<string>();
const facts = (id: string, src: string, dest: string) => ({ id, src, dest, sent_at: 1000, delay_ms: 10 });
const attack = (kind: 'forge' | 'replay' | 'tamper', id: string, src: string, dest: string): JournalRecord => ({ t: 'attack', kind, ...facts(id, src, dest), by: 'n1' });

function ledgerOf(records: JournalRecord[]): Ledger {
  const ledger = new Ledger();
  for (const r of records) ledger.add(r);
  return ledger;
}

describe('attack tally', () => {
  it('a forged message is no message of its claimed sender: out of the lines and link counts, in the attacks, in either order', () => {
    const forged = facts('n2:forged-by-n1.0-1', 'n2', 'n0');
    const refused = facts('n3:forged-by-n1.0-2', 'n3', 'n0');
    const genuine = facts('n1-1', 'n1', 'n0');
    const records: JournalRecord[] = [
      { t: 'recv', ...forged, received_at: 1012 },
      attack('forge', forged.id, 'n2', 'n0'),
      attack('forge', refused.id, 'n3', 'n0'),
      { t: 'drop', ...refused, reason: 'rejected', by: 'n0', refusal: 'bad_seal' },
      attack('forge', 'n4:forged-by-n1.0-3', 'n4', 'n0'),
      { t: 'send', ...genuine },
      { t: 'recv', ...genuine, received_at: 1011 },
    ];
    const ledger = ledgerOf(records);
    expect(ledger.lines(NONE).map((l) => l.id)).toEqual(['n1-1']);
    expect(ledger.linkCounts('n2', 'n0')).toEqual({ sent: 0, delivered: 0, dropped: 0, in_flight: 0 });
    expect(ledger.linkCounts('n3', 'n0')).toEqual({ sent: 0, delivered: 0, dropped: 0, in_flight: 0 });
    expect(ledger.attackReport(true)).toEqual({
      made: { forge: 3 },
      rejected: { forge: { bad_seal: 1 } },
      delivered_undetected: { forge: 1 },
      undelivered: { forge: 1 },
      total: { made: 3, rejected: 1, delivered_undetected: 1, undelivered: 1 },
    });
    // n0 counted the forged receipt: its own counter and the journal agree through this.
    expect(ledger.extraReceipts()).toEqual(new Map([['n0', 1]]));
  });

  it('a replay is a second receipt without security, a copy refused as a replay with it; no anomaly either way', () => {
    const m = facts('n2-5', 'n2', 'n0');
    const off = ledgerOf([{ t: 'send', ...m }, { t: 'recv', ...m, received_at: 1010 }, attack('replay', m.id, 'n2', 'n0'), { t: 'recv', ...m, received_at: 1030 }]);
    expect(off.anomalies).toEqual([]);
    expect(off.lines(NONE)[0]).toMatchObject({ status: 'delivered', received_at: 1010, duplicates: 0 });
    expect(off.attackReport(true)?.delivered_undetected).toEqual({ replay: 1 });
    expect(off.extraReceipts()).toEqual(new Map([['n0', 1]]));

    const on = ledgerOf([{ t: 'send', ...m }, { t: 'recv', ...m, received_at: 1010 }, attack('replay', m.id, 'n2', 'n0'), attack('replay', m.id, 'n2', 'n0'), { t: 'dup', ...m, received_at: 1030, replay: true }]);
    expect(on.attackReport(true)).toMatchObject({ made: { replay: 2 }, rejected: { replay: { replayed: 1 } }, delivered_undetected: {}, undelivered: { replay: 1 } });
    expect(on.lines(NONE)[0]?.duplicates).toBe(0);
  });

  it('a second receipt no one replayed is an anomaly; an unmarked copy no one replayed counts as a duplicate', () => {
    const m = facts('n2-5', 'n2', 'n0');
    const ledger = ledgerOf([{ t: 'send', ...m }, { t: 'recv', ...m, received_at: 1010 }, { t: 'recv', ...m, received_at: 1020 }, { t: 'dup', ...m, received_at: 1030, replay: true }]);
    expect(ledger.anomalies).toEqual(['message n2-5 was received twice']);
    expect(ledger.lines(NONE)[0]?.duplicates).toBe(1);
    expect(ledger.attackReport(false)).toBeUndefined();
  });

  it('an altered message counts by what became of it: delivered undetected, or refused with its reason', () => {
    const a = facts('n1-1', 'n1', 'n0');
    const b = facts('n1-2', 'n1', 'n2');
    const ledger = ledgerOf([
      { t: 'send', ...a }, attack('tamper', a.id, 'n1', 'n0'), { t: 'recv', ...a, received_at: 1011 },
      { t: 'send', ...b }, attack('tamper', b.id, 'n1', 'n2'), { t: 'drop', ...b, reason: 'rejected', by: 'n2', refusal: 'bad_seal' },
    ]);
    expect(ledger.attackReport(true)).toMatchObject({ made: { tamper: 2 }, rejected: { tamper: { bad_seal: 1 } }, delivered_undetected: { tamper: 1 } });
    // Altered messages are the attacker's own: they stay in the accounting, with why they were refused.
    expect(ledger.lines(NONE).map((l) => [l.id, l.status, l.refusal ?? null])).toEqual([['n1-1', 'delivered', null], ['n1-2', 'dropped', 'bad_seal']]);
  });

  it('knows a forgery by its id when the attacker crashed before shipping its attack record; a restarted receiver counts only its own receipts', () => {
    const forged = facts('n2:forged-by-n1.0-9', 'n2', 'n0');
    const m = facts('n3-4', 'n3', 'n0');
    const ledger = ledgerOf([
      { t: 'recv', ...forged, received_at: 1012 },
      { t: 'send', ...m }, { t: 'recv', ...m, received_at: 1011 }, attack('replay', m.id, 'n3', 'n0'), { t: 'recv', ...m, received_at: 2500 },
    ]);
    expect(ledger.lines(NONE).map((l) => l.id)).toEqual(['n3-4']);
    expect(ledger.attackReport(true)).toMatchObject({ made: { forge: 1, replay: 1 }, delivered_undetected: { forge: 1, replay: 1 } });
    expect(ledger.extraReceipts()).toEqual(new Map([['n0', 2]]));
    // n0's latest process joined at 2000: the forged receipt was its old process's, the replay's is its own.
    expect(ledger.extraReceipts(new Map([['n0', 2000]]))).toEqual(new Map([['n0', 1]]));
  });

  it('a message altered at two hops is one altered message with one outcome', () => {
    const m = facts('n0-1', 'n0', 'n3');
    const ledger = ledgerOf([{ t: 'send', ...m }, attack('tamper', m.id, 'n0', 'n3'), attack('tamper', m.id, 'n0', 'n3'), { t: 'drop', ...m, reason: 'rejected', by: 'n3', refusal: 'bad_seal' }]);
    expect(ledger.attackReport(true)).toMatchObject({ made: { tamper: 1 }, rejected: { tamper: { bad_seal: 1 } }, total: { made: 1, rejected: 1 } });
  });

  it("counts each connection attack's try by what met it: taken as genuine, refused with its reason, or unanswered", () => {
    const tried = (kind: 'impersonate' | 'downgrade', way: 'link_as' | 'register_as' | 'plain' | 'tls12', outcome: string): JournalRecord =>
      ({ t: 'attempt', kind, by: 'n3', target: way === 'register_as' ? 'coordinator' : 'n1', way, ...(kind === 'impersonate' ? { as: 'n0' } : {}), at: 1000, outcome }) as JournalRecord;
    const ledger = ledgerOf([
      tried('impersonate', 'link_as', 'accepted'),
      tried('impersonate', 'link_as', 'wrong_identity'),
      tried('impersonate', 'register_as', 'no_ticket'),
      tried('downgrade', 'plain', 'not_tls'),
      tried('downgrade', 'tls12', 'old_tls'),
      tried('downgrade', 'plain', 'unanswered'),
      { t: 'send', ...facts('n1-1', 'n1', 'n0') },
    ]);
    expect(ledger.attackReport(false)).toEqual({
      made: { impersonate: 3, downgrade: 3 },
      rejected: { impersonate: { wrong_identity: 1, no_ticket: 1 }, downgrade: { not_tls: 1, old_tls: 1 } },
      delivered_undetected: { impersonate: 1 },
      undelivered: { downgrade: 1 },
      total: { made: 6, rejected: 4, delivered_undetected: 1, undelivered: 1 },
    });
    // Tries are no messages: the accounting holds the one message only.
    expect(ledger.lines(NONE).map((l) => l.id)).toEqual(['n1-1']);
  });

  it('a run with a Byzantine node that made no attack still reports none made', () => {
    expect(new Ledger().attackReport(true)).toEqual({ made: {}, rejected: {}, delivered_undetected: {}, undelivered: {}, total: { made: 0, rejected: 0, delivered_undetected: 0, undelivered: 0 } });
  });
});
