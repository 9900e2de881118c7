import { describe, expect, it } from 'vitest';
import { MessageLine, type JournalRecord } from '@agentnet/protocol';
import { Ledger } from './ledger.js';

const NONE = new Set<string>();

function msg(id: string, src: string, dest: string, sent_at: number, delay_ms = 100) {
  return { id, src, dest, sent_at, delay_ms };
}
const sendOf = (m: ReturnType<typeof msg>): JournalRecord => ({ t: 'send', ...m });
const recvOf = (m: ReturnType<typeof msg>, received_at: number): JournalRecord => ({ t: 'recv', ...m, received_at });
const dropOf = (m: ReturnType<typeof msg>, reason: 'link_down' | 'crash' = 'link_down'): JournalRecord => ({ t: 'drop', ...m, reason });

function ledgerOf(records: JournalRecord[]): Ledger {
  const ledger = new Ledger();
  for (const r of records) ledger.add(r);
  return ledger;
}

describe('Ledger join', () => {
  it('joins send and recv of one message into a delivered line', () => {
    const m = msg('n0-1', 'n0', 'n1', 1000.5, 80);
    const [line, ...rest] = ledgerOf([sendOf(m), recvOf(m, 1085.75)]).lines(NONE);
    expect(rest).toEqual([]);
    expect(line).toEqual({
      id: 'n0-1',
      src: 'n0',
      dest: 'n1',
      sent_at: 1000.5,
      delay_ms: 80,
      status: 'delivered',
      received_at: 1085.75,
      latency_ms: 85.25,
      drop_reason: null,
      duplicates: 0,
      hops: 1,
      dropped_by: null,
    });
    expect(MessageLine.safeParse(line).success).toBe(true);
  });

  it('joins in any arrival order (receipt before send record)', () => {
    const m = msg('n0-1', 'n0', 'n1', 1000);
    const a = ledgerOf([sendOf(m), recvOf(m, 1100)]).lines(NONE);
    const b = ledgerOf([recvOf(m, 1100), sendOf(m)]).lines(NONE);
    expect(b).toEqual(a);
  });

  it('joins send and drop into a dropped line with its reason', () => {
    const m = msg('n0-2', 'n0', 'n2', 2000);
    const lines = ledgerOf([sendOf(m), dropOf(m, 'link_down')]).lines(NONE);
    expect(lines).toEqual([
      expect.objectContaining({ id: 'n0-2', status: 'dropped', drop_reason: 'link_down', received_at: null, latency_ms: null }),
    ]);
  });

  it('keeps messages apart by id', () => {
    const a = msg('n0-1', 'n0', 'n1', 1000);
    const b = msg('n1-1', 'n1', 'n0', 1001);
    const c = msg('n0-2', 'n0', 'n2', 1002);
    const ledger = ledgerOf([sendOf(a), sendOf(b), sendOf(c), recvOf(b, 1050), dropOf(c)]);
    expect(ledger.size).toBe(3);
    expect(ledger.lines(NONE).map((l) => [l.id, l.status])).toEqual([
      ['n0-1', 'in_flight'],
      ['n1-1', 'delivered'],
      ['n0-2', 'dropped'],
    ]);
  });

  it('counts a receipt whose send record never arrived (sender crashed) as a delivered message', () => {
    const m = msg('n3-7', 'n3', 'n0', 5000, 120);
    const ledger = ledgerOf([recvOf(m, 5130)]);
    expect(ledger.size).toBe(1);
    expect(ledger.lines(new Set(['n3']))).toEqual([
      expect.objectContaining({ id: 'n3-7', src: 'n3', dest: 'n0', status: 'delivered', latency_ms: 130, delay_ms: 120 }),
    ]);
  });

  it('a receipt wins over a drop record of the same message', () => {
    const m = msg('n0-1', 'n0', 'n1', 1000);
    const lines = ledgerOf([sendOf(m), dropOf(m), recvOf(m, 1100)]).lines(new Set(['n1']));
    expect(lines[0]).toMatchObject({ status: 'delivered', drop_reason: null, received_at: 1100 });
  });
});

describe('Ledger and lost nodes', () => {
  it('an undelivered message to a lost node is dropped with reason crash', () => {
    const m = msg('n0-1', 'n0', 'n4', 1000);
    const lines = ledgerOf([sendOf(m)]).lines(new Set(['n4']));
    expect(lines[0]).toMatchObject({ status: 'dropped', drop_reason: 'crash', received_at: null, latency_ms: null });
  });

  it('an undelivered message to a live node is in flight', () => {
    const m = msg('n0-1', 'n0', 'n1', 1000);
    const lines = ledgerOf([sendOf(m)]).lines(new Set(['n4']));
    expect(lines[0]).toMatchObject({ status: 'in_flight', drop_reason: null, received_at: null });
  });

  it('an undelivered message from a lost node to a live node is in flight, not crash', () => {
    const m = msg('n4-1', 'n4', 'n1', 1000);
    expect(ledgerOf([sendOf(m)]).lines(new Set(['n4']))[0]).toMatchObject({ status: 'in_flight', drop_reason: null });
  });

  it('a delivered message to a node lost later stays delivered', () => {
    const m = msg('n0-1', 'n0', 'n4', 1000);
    expect(ledgerOf([sendOf(m), recvOf(m, 1090)]).lines(new Set(['n4']))[0]).toMatchObject({ status: 'delivered', drop_reason: null });
  });

  it('an explicit drop reason is kept even when the destination was lost', () => {
    const m = msg('n0-1', 'n0', 'n4', 1000);
    expect(ledgerOf([sendOf(m), dropOf(m, 'link_down')]).lines(new Set(['n4']))[0]).toMatchObject({
      status: 'dropped',
      drop_reason: 'link_down',
    });
  });

  it('the same ledger reads differently for different lost sets (lines() does not mutate)', () => {
    const ledger = ledgerOf([sendOf(msg('n0-1', 'n0', 'n4', 1000))]);
    expect(ledger.lines(new Set(['n4']))[0]?.status).toBe('dropped');
    expect(ledger.lines(NONE)[0]?.status).toBe('in_flight');
  });
});

describe('Ledger anomalies', () => {
  it('records a duplicate receipt and still counts one message', () => {
    const m = msg('n0-9', 'n0', 'n1', 1000);
    const ledger = ledgerOf([sendOf(m), recvOf(m, 1100), recvOf(m, 1200)]);
    expect(ledger.anomalies).toEqual(['message n0-9 was received twice']);
    expect(ledger.size).toBe(1);
    const lines = ledger.lines(NONE);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.status).toBe('delivered');
  });

  it('has no anomalies for a clean journal', () => {
    const m = msg('n0-1', 'n0', 'n1', 1000);
    expect(ledgerOf([sendOf(m), recvOf(m, 1100)]).anomalies).toEqual([]);
  });
});

describe('Ledger order', () => {
  it('sorts lines by sent_at, whatever the arrival order', () => {
    const times = [5000, 1000, 3000.5, 3000.25, 2000, 4000];
    const records = times.map((t, i) => sendOf(msg(`n${i % 3}-${i}`, `n${i % 3}`, 'n9', t)));
    const lines = ledgerOf(records).lines(NONE);
    expect(lines.map((l) => l.sent_at)).toEqual([1000, 2000, 3000.25, 3000.5, 4000, 5000]);
  });

  it('breaks sent_at ties by id', () => {
    const records = ['n2-1', 'n0-1', 'n1-1'].map((id) => sendOf(msg(id, id.slice(0, 2), 'n9', 1000)));
    expect(ledgerOf(records).lines(NONE).map((l) => l.id)).toEqual(['n0-1', 'n1-1', 'n2-1']);
  });

  it('is empty for an empty journal', () => {
    const ledger = new Ledger();
    expect(ledger.size).toBe(0);
    expect(ledger.lines(new Set(['n0']))).toEqual([]);
  });
});

describe('Ledger with duplicate copies', () => {
  it("keeps the original's delay whichever record arrives first, and counts copies apart", () => {
    const m = { id: 'n0-1', src: 'n0', dest: 'n1', sent_at: 1000, delay_ms: 40 };
    const ledger = new Ledger();
    ledger.add({ t: 'dup', ...m, delay_ms: 5, received_at: 1010 });
    ledger.add({ t: 'send', ...m });
    ledger.add({ t: 'recv', ...m, received_at: 1045 });
    expect(ledger.lines(new Set())[0]).toMatchObject({ delay_ms: 40, received_at: 1045, status: 'delivered', duplicates: 1 });
  });

  it("takes a routed message's whole-path delay from its receipt, in either arrival order, with its hops", () => {
    const first = msg('n0-9', 'n0', 'n3', 1000, 10);
    const whole = { ...msg('n0-9', 'n0', 'n3', 1000, 37), received_at: 1040, hops: 3 };
    for (const order of [[sendOf(first), { t: 'recv', ...whole } as JournalRecord], [{ t: 'recv', ...whole } as JournalRecord, sendOf(first)]]) {
      const [line] = ledgerOf(order).lines(NONE);
      expect(line).toMatchObject({ delay_ms: 37, hops: 3, status: 'delivered' });
    }
    // A router's drop has the path so far, which beats the first link's.
    const dropped = ledgerOf([{ t: 'drop', ...msg('n0-9', 'n0', 'n3', 1000, 22), reason: 'ttl', by: 'n2' }, sendOf(first)]).lines(NONE)[0];
    expect(dropped).toMatchObject({ delay_ms: 22, drop_reason: 'ttl', dropped_by: 'n2' });
  });

  it('counts per receiver the messages only a duplicate copy delivered', () => {
    const a = msg('n0-1', 'n0', 'n1', 1000);
    const b = msg('n0-2', 'n0', 'n1', 1001);
    const ledger = ledgerOf([sendOf(a), { t: 'dup', ...a, received_at: 1200 }, sendOf(b), recvOf(b, 1100), { t: 'dup', ...b, received_at: 1150 }]);
    expect(ledger.copyOnlyDeliveries()).toEqual(new Map([['n1', 1]]));
  });

  it('counts a message whose only arrival was its copy as delivered', () => {
    const m = { id: 'n0-2', src: 'n0', dest: 'n1', sent_at: 1000, delay_ms: 40 };
    const ledger = new Ledger();
    ledger.add({ t: 'send', ...m });
    ledger.add({ t: 'dup', ...m, delay_ms: 5, received_at: 1006 });
    expect(ledger.lines(new Set())[0]).toMatchObject({ status: 'delivered', received_at: 1006, duplicates: 1 });
  });
});

describe('Ledger live link counts', () => {
  it('counts each message once per link and moves it between in flight, delivered and dropped as records arrive', () => {
    const a = msg('n0-1', 'n0', 'n1', 1000);
    const b = msg('n0-2', 'n0', 'n1', 1001);
    const c = msg('n0-3', 'n0', 'n1', 1002);
    const back = msg('n1-1', 'n1', 'n0', 1003);
    const ledger = ledgerOf([sendOf(a), sendOf(b), sendOf(c), recvOf(back, 1100)]);
    expect(ledger.linkCounts('n0', 'n1')).toEqual({ sent: 3, delivered: 0, dropped: 0, in_flight: 3 });
    // A receipt that arrives before the sender's own record counts the message as sent too.
    expect(ledger.linkCounts('n1', 'n0')).toEqual({ sent: 1, delivered: 1, dropped: 0, in_flight: 0 });
    ledger.add(recvOf(a, 1080));
    ledger.add(dropOf(b));
    ledger.add(recvOf(a, 1090)); // a second receipt: an anomaly, not a second delivery
    expect(ledger.linkCounts('n0', 'n1')).toEqual({ sent: 3, delivered: 1, dropped: 1, in_flight: 1 });
    // A duplicate copy that arrives counts as the delivery of a message whose original was dropped.
    ledger.add({ t: 'dup', ...b, received_at: 1200 });
    expect(ledger.linkCounts('n0', 'n1')).toEqual({ sent: 3, delivered: 2, dropped: 0, in_flight: 1 });
    expect(ledger.linkCounts('n2', 'n3')).toEqual({ sent: 0, delivered: 0, dropped: 0, in_flight: 0 });
  });

  it('agrees with the joined lines', () => {
    const records: JournalRecord[] = [];
    for (let i = 0; i < 50; i++) {
      const m = msg(`n${i % 3}-${i}`, `n${i % 3}`, `n${(i + 1) % 3}`, 1000 + i);
      records.push(sendOf(m));
      if (i % 4 === 0) records.push(recvOf(m, 1100 + i));
      else if (i % 4 === 1) records.push(dropOf(m));
    }
    const ledger = ledgerOf(records);
    const lines = ledger.lines(NONE);
    for (const [src, dest] of [['n0', 'n1'], ['n1', 'n2'], ['n2', 'n0']] as const) {
      const on = lines.filter((l) => l.src === src && l.dest === dest);
      const count = (s: string) => on.filter((l) => l.status === s).length;
      expect(ledger.linkCounts(src, dest)).toEqual({ sent: on.length, delivered: count('delivered'), dropped: count('dropped'), in_flight: count('in_flight') });
    }
  });
});
