import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JournalRecord } from '@agentnet/protocol';
import { Journal } from './journal.js';

let n = 0;
function send(): JournalRecord {
  n++;
  return { t: 'send', id: `n0-${n}`, src: 'n0', dest: 'n1', sent_at: 1000 + n, delay_ms: 60 };
}
function recv(): JournalRecord {
  n++;
  return { t: 'recv', id: `n1-${n}`, src: 'n1', dest: 'n0', sent_at: 1000 + n, delay_ms: 60, received_at: 1070 + n };
}
function drop(): JournalRecord {
  n++;
  return { t: 'drop', id: `n0-${n}`, src: 'n0', dest: 'n2', sent_at: 1000 + n, delay_ms: 60, reason: 'link_down' };
}

function setup(intervalMs = 200, maxBatch = 5) {
  const shipped: JournalRecord[][] = [];
  const journal = new Journal({ intervalMs, maxBatch, ship: (records) => shipped.push(records) });
  return { journal, shipped, all: () => shipped.flat() };
}

beforeEach(() => {
  vi.useFakeTimers();
  n = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Journal counters', () => {
  it('counts each record kind', () => {
    const { journal } = setup(200, 100);
    for (const make of [send, send, send, recv, recv, drop]) journal.add(make());
    expect(journal.counters).toEqual({ sent: 3, received: 2, dropped: 1, in_flight: 0 });
  });

  it('keeps counting across flushes', () => {
    const { journal } = setup(200, 2);
    for (let i = 0; i < 7; i++) journal.add(recv());
    journal.flush();
    journal.add(send());
    expect(journal.counters).toMatchObject({ sent: 1, received: 7, dropped: 0 });
  });
});

describe('Journal batching', () => {
  it('ships a batch as soon as maxBatch records wait, without waiting for the timer', () => {
    const { journal, shipped } = setup(200, 3);
    journal.start();
    const records = [send(), recv(), drop()];
    journal.add(records[0]!);
    journal.add(records[1]!);
    expect(shipped).toEqual([]);
    journal.add(records[2]!);
    expect(shipped).toEqual([records]);
  });

  it('ships full batches in order and keeps the remainder for later', () => {
    const { journal, shipped } = setup(200, 4);
    const records = Array.from({ length: 10 }, send);
    for (const r of records) journal.add(r);
    expect(shipped).toEqual([records.slice(0, 4), records.slice(4, 8)]);
    journal.stop();
    expect(shipped).toEqual([records.slice(0, 4), records.slice(4, 8), records.slice(8)]);
  });

  it('ships what is waiting on every interval', () => {
    const { journal, shipped } = setup(200, 100);
    journal.start();
    const a = send();
    journal.add(a);
    vi.advanceTimersByTime(199);
    expect(shipped).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(shipped).toEqual([[a]]);
    const b = recv();
    const c = recv();
    journal.add(b);
    journal.add(c);
    vi.advanceTimersByTime(200);
    expect(shipped).toEqual([[a], [b, c]]);
  });

  it('ships nothing on an interval with nothing waiting', () => {
    const { journal, shipped } = setup(200, 100);
    journal.start();
    vi.advanceTimersByTime(2000);
    expect(shipped).toEqual([]);
    journal.flush();
    expect(shipped).toEqual([]);
  });

  it('does not ship before start() except for full batches', () => {
    const { journal, shipped } = setup(200, 100);
    journal.add(send());
    vi.advanceTimersByTime(1000);
    expect(shipped).toEqual([]);
  });

  it('start() twice keeps one timer', () => {
    const { journal } = setup();
    journal.start();
    journal.start();
    expect(vi.getTimerCount()).toBe(1);
    journal.stop();
  });

  it('stop() flushes the rest and stops the timer', () => {
    const { journal, shipped, all } = setup(200, 100);
    journal.start();
    const a = send();
    journal.add(a);
    journal.stop();
    expect(shipped).toEqual([[a]]);
    expect(vi.getTimerCount()).toBe(0);
    journal.add(recv());
    vi.advanceTimersByTime(5000);
    expect(all()).toEqual([a]);
  });

  it('stop() with nothing waiting ships nothing', () => {
    const { journal, shipped } = setup();
    journal.start();
    journal.stop();
    expect(shipped).toEqual([]);
  });

  it('ships every record exactly once whichever path ships it', () => {
    const { journal, all } = setup(50, 7);
    journal.start();
    const records: JournalRecord[] = [];
    for (let i = 0; i < 100; i++) {
      const r = [send, recv, drop][i % 3]!();
      records.push(r);
      journal.add(r);
      if (i % 9 === 0) vi.advanceTimersByTime(50);
    }
    journal.stop();
    expect(all()).toEqual(records);
  });

  it('hands each shipment its own array (later adds do not alter a shipped batch)', () => {
    const { journal, shipped } = setup(200, 100);
    const a = send();
    journal.add(a);
    journal.flush();
    journal.add(send());
    expect(shipped[0]).toEqual([a]);
  });
});
