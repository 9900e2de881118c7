import { describe, expect, it } from 'vitest';
import type { HistoryEntry, OpF } from '@agentnet/protocol';
import { checkRegister, linearizableCheck } from './linearizable.js';
import { registerOpsByKey } from './register-ops.js';

type Outcome = 'ok' | 'fail' | 'info';
interface OpSpec {
  p: string;
  f: OpF;
  key?: number;
  /** write: value; cas: [from, to]; read: the value read (when ok). */
  v: number | null | [number, number];
  at: [number, number];
  type?: Outcome;
  final?: boolean;
}

/** A history.jsonl from operations: each an invoke and a completion, lines in time order. */
function history(...ops: OpSpec[]): HistoryEntry[] {
  const events = ops.flatMap((op, i) => [
    { i, t: op.at[0], invoke: true, op },
    { i, t: op.at[1], invoke: false, op },
  ]);
  events.sort((a, b) => a.t - b.t || Number(b.invoke) - Number(a.invoke));
  const invokeIndex = new Map<number, number>();
  return events.map((e, index): HistoryEntry => {
    const { op } = e;
    const base = { index, process: op.p, f: op.f, key: op.key ?? 0, node: 'n0', time_ms: e.t, ...(op.final ? { final: true as const } : {}) };
    if (e.invoke) {
      invokeIndex.set(e.i, index);
      return { ...base, type: 'invoke', value: op.f === 'read' ? null : op.v };
    }
    const type = op.type ?? 'ok';
    const value = op.f === 'read' ? (type === 'ok' ? op.v : null) : op.v;
    return { ...base, type, value, invoke_index: invokeIndex.get(e.i) as number, ...(type === 'ok' ? {} : { error: { code: type === 'fail' ? 22 : 0, text: type } }) };
  });
}

const check = (...ops: OpSpec[]) => linearizableCheck(history(...ops));

describe('linearizable: histories that have an order', () => {
  it('accepts sequential reads, writes and cas, and a read of a key that was never written', () => {
    const c = check(
      { p: 'c1', f: 'read', v: null, at: [0, 5] },
      { p: 'c1', f: 'write', v: 1, at: [10, 20] },
      { p: 'c2', f: 'read', v: 1, at: [30, 40] },
      { p: 'c3', f: 'cas', v: [1, 2], at: [50, 60] },
      { p: 'c1', f: 'read', v: 2, at: [70, 80] },
    );
    expect(c).toMatchObject({ name: 'linearizable', valid: true, detail: '5 operations on 1 key: every key has an order that respects real time and the register' });
  });

  it('orders concurrent operations either way', () => {
    // The read overlaps only the second write, and still sees the first: the writes overlap, so
    // the second may have taken effect before the first.
    const c = check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, { p: 'c2', f: 'write', v: 2, at: [5, 15] }, { p: 'c3', f: 'read', v: 1, at: [12, 20] });
    expect(c.valid).toBe(true);
    // Two concurrent cas: only one order lets both succeed.
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 1] }, { p: 'c2', f: 'cas', v: [2, 3], at: [5, 20] }, { p: 'c3', f: 'cas', v: [1, 2], at: [6, 18] }, { p: 'c1', f: 'read', v: 3, at: [30, 31] }).valid).toBe(true);
  });

  it('lets an info operation take effect late or never, and ignores fail operations', () => {
    const writeInfo: OpSpec = { p: 'c2', f: 'write', v: 2, at: [20, 25], type: 'info' };
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, writeInfo, { p: 'c3', f: 'read', v: 2, at: [100, 110] }).valid).toBe(true);
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, writeInfo, { p: 'c3', f: 'read', v: 1, at: [100, 110] }).valid).toBe(true);
    // It took effect after a later read saw 1, before the final read saw 2.
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, writeInfo, { p: 'c3', f: 'read', v: 1, at: [100, 110] }, { p: 'c3', f: 'read', v: 2, at: [200, 210], final: true }).valid).toBe(true);
    const casInfo: OpSpec = { p: 'c2', f: 'cas', v: [1, 5], at: [20, 25], type: 'info' };
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, casInfo, { p: 'c3', f: 'read', v: 5, at: [100, 110] }).valid).toBe(true);
    // A failed write never happened; a timed-out read saw nothing.
    expect(check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, { p: 'c2', f: 'write', v: 2, at: [20, 30], type: 'fail' }, { p: 'c3', f: 'read', v: 1, at: [40, 50] }, { p: 'c3', f: 'read', v: 9, at: [60, 70], type: 'info' }).valid).toBe(true);
  });

  it('judges each key on its own', () => {
    const c = check({ p: 'c1', f: 'write', key: 0, v: 1, at: [0, 10] }, { p: 'c2', f: 'write', key: 1, v: 2, at: [0, 10] }, { p: 'c3', f: 'read', key: 0, v: 1, at: [20, 30] }, { p: 'c3', f: 'read', key: 1, v: 2, at: [40, 50] });
    expect(c).toMatchObject({ valid: true, data: { keys: 2, ops: 4 } });
  });
});

describe('linearizable: histories that have none', () => {
  it('catches a stale read and names the key and the operations', () => {
    const c = check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, { p: 'c2', f: 'write', v: 2, at: [20, 30] }, { p: 'c3', f: 'read', v: 1, at: [40, 50] });
    expect(c.valid).toBe(false);
    expect(c.detail).toBe('1 of 1 key not linearizable: key 0: no order explains c3 read 1 (history 4, 40-50 ms): after c1 write 1 (history 0, 0-10 ms), c2 write 2 (history 2, 20-30 ms), the key holds 2');
  });

  it('catches an acknowledged write that the final read does not find', () => {
    const c = check({ p: 'c1', f: 'write', key: 3, v: 7, at: [0, 10] }, { p: 'c2', f: 'read', key: 3, v: null, at: [500, 510], final: true });
    expect(c.valid).toBe(false);
    expect(c.detail).toMatch(/^1 of 1 key not linearizable: key 3: no order explains c2 read nothing \(final read\) \(history 2, 500-510 ms\): after c1 write 7/);
  });

  it('catches a cas that succeeded from a value the key never held', () => {
    const c = check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, { p: 'c2', f: 'cas', v: [4, 5], at: [20, 30] });
    expect(c.valid).toBe(false);
    expect(c.detail).toContain('no order explains c2 cas 4->5 (history 2, 20-30 ms): after c1 write 1 (history 0, 0-10 ms), the key holds 1');
  });

  it('catches reads that see two concurrent writes in opposite orders', () => {
    const c = check(
      { p: 'c1', f: 'write', v: 1, at: [0, 100] },
      { p: 'c2', f: 'write', v: 2, at: [0, 100] },
      { p: 'c3', f: 'read', v: 1, at: [10, 20] },
      { p: 'c4', f: 'read', v: 2, at: [30, 40] },
      { p: 'c3', f: 'read', v: 1, at: [50, 60] },
    );
    expect(c.valid).toBe(false);
    expect(c.detail).toBe(
      '1 of 1 key not linearizable: key 0: no order explains c3 read 1 (history 6, 50-60 ms): after c1 write 1 (history 0, 0-100 ms), c3 read 1 (history 2, 10-20 ms), c2 write 2 (history 1, 0-100 ms), c4 read 2 (history 4, 30-40 ms), the key holds 2',
    );
  });

  it('lists the concurrent operations that could not be placed either', () => {
    const c = check({ p: 'c1', f: 'write', v: 1, at: [0, 10] }, { p: 'c2', f: 'cas', v: [5, 6], at: [15, 40] }, { p: 'c3', f: 'read', v: 2, at: [20, 30] });
    expect(c.valid).toBe(false);
    expect(c.detail).toMatch(/no order explains c3 read 2 \(history 3, 20-30 ms\): after c1 write 1 .*, the key holds 1; concurrent and not placeable: c2 cas 5->6 \(history 2, 15-40 ms\)$/);
  });

  it('reports every bad key in data and the first in the detail', () => {
    const c = check(
      { p: 'c1', f: 'write', key: 0, v: 1, at: [0, 10] },
      { p: 'c2', f: 'read', key: 0, v: 2, at: [20, 30] },
      { p: 'c1', f: 'write', key: 1, v: 3, at: [0, 10] },
      { p: 'c2', f: 'read', key: 1, v: 4, at: [40, 50] },
      { p: 'c3', f: 'write', key: 2, v: 5, at: [0, 10] },
    );
    expect(c.valid).toBe(false);
    expect(c.detail).toMatch(/^2 of 3 keys not linearizable: key 0: .* \(and 1 more key, in data.violations\)$/);
    expect((c.data?.violations as string[])[1]).toMatch(/^key 1: no order explains c2 read 4/);
  });
});

describe('linearizable: the search budget', () => {
  it('is unknown, not valid, when the search runs out of steps', () => {
    // Many concurrent writes, then reads that need a particular order of them.
    const ops: OpSpec[] = [];
    for (let i = 1; i <= 12; i++) ops.push({ p: `c${i}`, f: 'write', v: i, at: [0, 100] });
    for (let i = 12; i >= 1; i--) ops.push({ p: 'c13', f: 'read', v: i, at: [10 + (12 - i) * 2, 11 + (12 - i) * 2] });
    const [group] = [...registerOpsByKey(history(...ops)).values()];
    expect(checkRegister(group?.ops ?? [], 10)).toMatchObject({ valid: 'unknown' });
    expect(checkRegister(group?.ops ?? []).valid).toBe(true);
    expect(linearizableCheck(history(...ops), 10)).toMatchObject({ valid: 'unknown', detail: expect.stringMatching(/^the search gave up after 10 steps on key 0/) });
  });
});
