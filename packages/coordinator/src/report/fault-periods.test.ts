import { describe, expect, it } from 'vitest';
import type { FaultKind, FaultRecord, MessageLine } from '@agentnet/protocol';
import { faultPeriods, pairPeriods } from './fault-periods.js';

const START = Date.parse('2024-01-01T00:00:00.000Z');

/** A message sent `t` ms after the start; delivered ones take `delay + overhead` ms. */
function msg(id: string, t: number, status: MessageLine['status'] = 'delivered', opts: { delay?: number; overhead?: number; reason?: MessageLine['drop_reason'] } = {}): MessageLine {
  const delay = opts.delay ?? 100;
  const latency = status === 'delivered' ? delay + (opts.overhead ?? 2) : null;
  return {
    id,
    src: 'n0',
    dest: 'n1',
    sent_at: START + t,
    delay_ms: delay,
    status,
    received_at: latency === null ? null : START + t + latency,
    latency_ms: latency,
    drop_reason: status === 'dropped' ? (opts.reason ?? 'partition') : null,
    hops: latency === null ? null : 1,
    dropped_by: null,
    duplicates: 0,
  };
}

const start = (at_ms: number, name: string, kind: FaultKind = 'partition', detail = `${name} (drop)`): FaultRecord => ({ at_ms, kind, detail, name });
const end = (at_ms: number, ends: string[], kind: FaultKind = 'heal'): FaultRecord => ({ at_ms, kind, detail: ends.join(', '), ends });

function run(faults: FaultRecord[], lines: MessageLine[], elapsedMs = 10_000) {
  return faultPeriods({ faults, startedAtMs: START, elapsedMs, lines });
}

/**
 * Which messages a stretch counted: each test message gets its own injected delay (its index
 * times 10 ms), so the delay samples name them.
 */
function tagged(times: number[]): MessageLine[] {
  return times.map((t, i) => msg(`m${i}`, t, 'delivered', { delay: (i + 1) * 10 }));
}

describe('pairPeriods', () => {
  it('pairs each start with the first later step that ends its name, and reuses a name after its end', () => {
    const spans = pairPeriods([start(1000, 'p1', 'partition', 'first'), end(2000, ['p1']), start(3000, 'p1', 'partition', 'second'), end(4000, ['p1']), end(5000, ['p1'])]);
    expect(spans).toEqual([
      { name: 'p1', kind: 'partition', detail: 'first', start_ms: 1000, end_ms: 2000 },
      { name: 'p1', kind: 'partition', detail: 'second', start_ms: 3000, end_ms: 4000 },
    ]);
  });

  it('applies a step’s ends before its own start, so it can replace a period of the same name', () => {
    const both: FaultRecord = { at_ms: 2000, kind: 'partition', detail: 'b', name: 'p1', ends: ['p1'] };
    const spans = pairPeriods([start(1000, 'p1', 'partition', 'a'), both, end(3000, ['p1'])]);
    expect(spans.map((s) => [s.detail, s.start_ms, s.end_ms])).toEqual([
      ['a', 1000, 2000],
      ['b', 2000, 3000],
    ]);
  });

  it('ends several periods in one step, ignores ends of nothing open and steps that start nothing', () => {
    const spans = pairPeriods([
      { at_ms: 500, kind: 'partition', detail: 'legacy record without name' },
      end(700, ['nobody']),
      start(1000, 'p1'),
      start(1500, 'pause n2', 'pause'),
      end(2500, ['p1', 'pause n2'], 'reset'),
    ]);
    expect(spans.map((s) => [s.name, s.start_ms, s.end_ms])).toEqual([
      ['p1', 1000, 2500],
      ['pause n2', 1500, 2500],
    ]);
  });

  it('ends every open period of a name started twice at the first end naming it', () => {
    const spans = pairPeriods([start(1000, 'p1', 'partition', 'a'), start(2000, 'p1', 'partition', 'b'), end(3000, ['p1']), end(4000, ['p1'])]);
    expect(spans.map((s) => [s.detail, s.start_ms, s.end_ms])).toEqual([
      ['a', 1000, 3000],
      ['b', 2000, 3000],
    ]);
  });

  it('leaves a period no step ended open', () => {
    expect(pairPeriods([start(1000, 'crash n2', 'crash')])[0]?.end_ms).toBeNull();
  });
});

describe('faultPeriods: which messages a period holds', () => {
  it('counts a message sent exactly at the start in, exactly at the end out', () => {
    const lines = tagged([999.999, 1000, 1999.5, 2000]);
    const r = run([start(1000, 'p1'), end(2000, ['p1'])], lines);
    expect(r.fault_periods).toHaveLength(1);
    expect(r.fault_periods[0]).toMatchObject({ name: 'p1', kind: 'partition', detail: 'p1 (drop)', start_ms: 1000, end_ms: 2000, sent: 2 });
    // m1 (delay 20) and m2 (30) inside; m0 (10) and m3 (40) outside.
    expect(r.fault_periods[0]?.delay_ms).toMatchObject({ count: 2, p50: 20, max: 30 });
    expect(r.inside_faults.delay_ms).toMatchObject({ count: 2, p50: 20, max: 30 });
    expect(r.outside_faults.delay_ms).toMatchObject({ count: 2, p50: 10, max: 40 });
  });

  it('runs a period no step ended to the end of the run', () => {
    const lines = tagged([4999, 5000, 7999, 8000.5]);
    const r = run([start(5000, 'pause n2', 'pause')], lines, 8000);
    expect(r.fault_periods[0]).toMatchObject({ name: 'pause n2', start_ms: 5000, end_ms: 8000, sent: 3 });
    expect(r.outside_faults).toMatchObject({ sent: 1, delay_ms: { count: 1, max: 10 } });
  });

  it('counts a message of overlapping periods in both, and once inside faults', () => {
    // p1 [1000, 3000) and pause n2 [2000, 4000): the message at 2500 is in both.
    const lines = tagged([500, 1500, 2500, 3500, 4500]);
    const r = run([start(1000, 'p1'), start(2000, 'pause n2', 'pause'), end(3000, ['p1']), end(4000, ['pause n2'], 'resume')], lines);
    expect(r.fault_periods.map((p) => [p.name, p.sent, p.delay_ms.p50, p.delay_ms.max])).toEqual([
      ['p1', 2, 20, 30],
      ['pause n2', 2, 30, 40],
    ]);
    expect(r.inside_faults).toMatchObject({ sent: 3, delivered: 3, delay_ms: { count: 3, p50: 30, max: 40, mean: 30 } });
    expect(r.outside_faults).toMatchObject({ sent: 2, delay_ms: { count: 2, p50: 10, max: 50 } });
    expect(r.inside_faults.sent + r.outside_faults.sent).toBe(lines.length);
  });

  it('keeps two periods of a reused name apart, with the gap between them outside', () => {
    const lines = tagged([1500, 2500, 3500]);
    const r = run([start(1000, 'p1'), end(2000, ['p1']), start(3000, 'p1'), end(4000, ['p1'])], lines);
    expect(r.fault_periods.map((p) => [p.name, p.start_ms, p.end_ms, p.sent, p.delay_ms.max])).toEqual([
      ['p1', 1000, 2000, 1, 10],
      ['p1', 3000, 4000, 1, 30],
    ]);
    expect(r.outside_faults).toMatchObject({ sent: 1, delay_ms: { max: 20 } });
    expect(r.inside_faults.sent).toBe(2);
  });

  it('sorts lines that come out of order instead of missing some', () => {
    const lines = tagged([2500, 500, 1500]);
    const r = run([start(1000, 'p1'), end(2000, ['p1'])], lines);
    expect(r.fault_periods[0]).toMatchObject({ sent: 1, delay_ms: { max: 30 } });
    expect(r.outside_faults.sent).toBe(2);
    expect(lines.map((m) => m.id)).toEqual(['m0', 'm1', 'm2']); // the input stays as it was
  });
});

describe('faultPeriods: stats', () => {
  it('gives the delivery ratio and the drops by reason', () => {
    const lines = [
      msg('a', 100, 'delivered'),
      msg('b', 1100, 'delivered'),
      msg('c', 1200, 'dropped', { reason: 'partition' }),
      msg('d', 1300, 'dropped', { reason: 'partition' }),
      msg('e', 1400, 'dropped', { reason: 'loss' }),
      msg('f', 1500, 'in_flight'),
      msg('g', 2100, 'delivered'),
      msg('h', 2200, 'delivered'),
      msg('i', 2300, 'dropped', { reason: 'loss' }),
    ];
    const r = run([start(1000, 'p1'), end(2000, ['p1'])], lines);
    expect(r.fault_periods[0]).toMatchObject({ sent: 5, delivered: 1, dropped: 3, in_flight: 1, delivery_ratio: 0.2, dropped_by_reason: { partition: 2, loss: 1 } });
    expect(r.outside_faults).toMatchObject({ sent: 4, delivered: 3, dropped: 1, in_flight: 0, delivery_ratio: 0.75, dropped_by_reason: { loss: 1 } });
    // The only period: inside faults holds exactly its traffic.
    const { name, kind, detail, start_ms, end_ms, ...stats } = r.fault_periods[0]!;
    expect(r.inside_faults).toEqual(stats);
  });

  it('rounds the ratio to 0.0001 and makes it null when nothing was sent', () => {
    const lines = [msg('a', 1100), msg('b', 1200), msg('c', 1300, 'dropped')];
    const r = run([start(1000, 'p1'), end(2000, ['p1']), start(5000, 'p2'), end(6000, ['p2'])], lines);
    expect(r.fault_periods.map((p) => p.delivery_ratio)).toEqual([0.6667, null]);
    expect(r.fault_periods[1]).toMatchObject({ sent: 0, delivered: 0, dropped_by_reason: {}, latency_ms: { count: 0, p50: null } });
    expect(r.outside_faults).toMatchObject({ sent: 0, delivery_ratio: null });
  });

  it('takes latency, injected delay and overhead over the delivered messages, overhead per message', () => {
    const lines = [
      msg('a', 1100, 'delivered', { delay: 8, overhead: 2 }), // latency 10
      msg('b', 1200, 'delivered', { delay: 15, overhead: 5 }), // 20
      msg('c', 1300, 'delivered', { delay: 29, overhead: 1 }), // 30
      msg('d', 1400, 'delivered', { delay: 31, overhead: 9 }), // 40
      msg('e', 1500, 'dropped', { delay: 1000 }), // not delivered: in no percentile
      msg('f', 1600, 'in_flight', { delay: 2000 }),
    ];
    const p = run([start(1000, 'p1'), end(2000, ['p1'])], lines).fault_periods[0];
    expect(p?.latency_ms).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
    expect(p?.delay_ms).toEqual({ count: 4, p50: 15, p95: 31, p99: 31, max: 31, mean: 20.75 });
    // The percentiles of the per-message differences (1, 2, 5, 9), not p50 latency - p50 delay (5).
    expect(p?.overhead_ms).toEqual({ count: 4, p50: 2, p95: 9, p99: 9, max: 9, mean: 4.25 });
  });
});

describe('faultPeriods: a run without faults', () => {
  it('has no periods, nothing inside and everything outside', () => {
    const lines = tagged([100, 200, 300]);
    const r = run([], lines);
    expect(r.fault_periods).toEqual([]);
    expect(r.inside_faults).toMatchObject({ sent: 0, delivered: 0, delivery_ratio: null, latency_ms: { count: 0 } });
    expect(r.outside_faults).toMatchObject({ sent: 3, delivered: 3, delivery_ratio: 1, delay_ms: { count: 3, p50: 20 } });
  });

  it('copes with no messages at all', () => {
    const r = run([start(0, 'p1')], []);
    expect(r.fault_periods[0]).toMatchObject({ start_ms: 0, end_ms: 10_000, sent: 0, delivery_ratio: null });
    expect(r.outside_faults.sent).toBe(0);
  });
});
