/**
 * The broadcast checker on hand-made events: valid when every live node holds every value
 * acknowledged before the last second; invalid naming who misses what (a restart forgets, a lost
 * node's values do not count); unknown when the run did not settle or had nothing to judge; the
 * convergence time after each heal and the repair cost, digests and repaired values together,
 * against a full resend.
 */
import { describe, expect, it } from 'vitest';
import { verdictExitCode, verdictOf, type CheckInput } from './index.js';

const ev = (at: number, node: string, kind: string, data: Record<string, unknown> = {}) => ({ at, node, kind, data });
const base: Omit<CheckInput, 'events'> = { liveAtEnd: ['n0', 'n1', 'n2'], startEpochMs: 1000, faultTimes: [1400], healTimes: [2000], settled: true };

/**
 * a:1 before a partition; b:1 on n0/n1's side during it, repaired to n2 300 ms after the heal; c:1
 * too young to judge. Two digest exchanges: one with nothing to repair, one whose reply carries b:1.
 */
const healthy = [
  ev(1000, 'n0', 'boot'),
  ev(1000, 'n1', 'boot'),
  ev(1000, 'n2', 'boot'),
  ev(1100, 'n0', 'broadcast', { value: 'a:1' }),
  ev(1105, 'n1', 'hold', { value: 'a:1' }),
  ev(1106, 'n2', 'hold', { value: 'a:1' }),
  ev(1200, 'n0', 'sync', { to: 'n1', type: 'rb_sync', bytes: 40 }),
  ev(1203, 'n1', 'sync', { to: 'n0', type: 'rb_sync_ok', bytes: 52 }),
  ev(1500, 'n1', 'broadcast', { value: 'b:1' }),
  ev(1504, 'n0', 'hold', { value: 'b:1' }),
  ev(2290, 'n2', 'sync', { to: 'n1', type: 'rb_sync', bytes: 60 }),
  ev(2300, 'n1', 'sync', { to: 'n2', type: 'rb_sync_ok', bytes: 70 }),
  ev(2300, 'n1', 'repair', { to: 'n2', bytes: 7, values: 1 }),
  ev(2300, 'n2', 'hold', { value: 'b:1' }),
  ev(3900, 'n2', 'broadcast', { value: 'c:1' }),
];

const check = (events: CheckInput['events'], extra: Partial<CheckInput> = {}) => {
  const v = verdictOf('broadcast', { ...base, ...extra, events });
  const named = (name: string) => v?.checks.find((c) => c.name === name);
  return { v, holds: named('every live node holds every acknowledged value'), convergence: named('convergence after each heal'), cost: named('repair cost') };
};

describe('broadcast checker', () => {
  it('is valid when every live node holds every value, and measures convergence and repair', () => {
    const { v, holds, convergence, cost } = check(healthy);
    expect(v?.valid).toBe(true);
    expect(verdictExitCode(v)).toBe(0);
    expect(holds?.detail).toBe('all 3 live nodes hold all 2 values acknowledged until 1000 ms before the end (1 later ones still spreading, not judged)');
    expect(convergence?.detail).toBe('heal at 1.00 s: 300 ms (2 values)');
    expect(convergence?.data).toMatchObject({ convergence: [{ heal_at_ms: 1000, values: 2, ms: 300 }], convergence_ms: { count: 1, max: 300 } });
    // Every digest message counts, also the exchange that repaired nothing: 40 + 52 + 60 + 70 bytes,
    // plus 7 of values; 222 bytes over 3 nodes and the 2.9 s to the last event is 26 per node per
    // second. From the heal (2000) to convergence (2300): the second exchange, 130 bytes, and the 7
    // of values. A full resend: each of 3 nodes gets ["a:1","b:1"] (13 bytes).
    expect(cost?.data).toEqual({
      repair_bytes: 229,
      digest_bytes: 222,
      digest_bytes_per_node_s: 26,
      repaired_value_bytes: 7,
      syncs: 4,
      repairs: 1,
      repaired_values: 1,
      values: 3,
      full_resend_bytes: 39,
      per_heal: [{ heal_at_ms: 1000, digest_bytes: 130, value_bytes: 7, full_resend_bytes: 39 }],
    });
    expect(cost?.detail).toBe(
      '229 bytes of anti-entropy: 222 of digests in 4 messages (26 bytes per node per second, paid with or without faults) and 7 of values in 1 repair carrying 1 value; ' +
        'from the heal at 1.00 s to convergence 130 bytes of digests and 7 of values, where resending every value known then to every live node would take 39',
    );
  });

  it('counts digest rounds that repaired nothing in the repair bytes', () => {
    const quiet = healthy.filter((e) => e.kind !== 'repair');
    expect(check(quiet).cost?.data).toMatchObject({ repair_bytes: 222, digest_bytes: 222, repaired_value_bytes: 0, repairs: 0 });
    const none = healthy.filter((e) => e.kind !== 'sync');
    expect(check(none).cost?.data).toMatchObject({ repair_bytes: 7, digest_bytes: 0, repaired_value_bytes: 7, syncs: 0 });
  });

  it('fails a live node that misses a value, naming it, and does not count the node as converged', () => {
    const events = healthy.filter((e) => !(e.node === 'n2' && e.data.value === 'b:1'));
    const { v, holds, convergence } = check(events);
    expect(v?.valid).toBe(false);
    expect(verdictExitCode(v)).toBe(1);
    expect(holds?.detail).toBe('1 of 3 live nodes miss some of the 2 acknowledged values: n2 misses 1 (b:1)');
    expect(holds?.data).toMatchObject({ missing: { n2: 1 } });
    expect(convergence?.valid).toBe(true);
    expect(convergence?.detail).toBe('heal at 1.00 s: not converged by the end (2 values)');
  });

  it('lists a few missing values per node', () => {
    const many = Array.from({ length: 6 }, (_, i) => ev(1200 + i, 'n0', 'broadcast', { value: `z:${i + 1}` }));
    const { holds } = check([...healthy, ...many].sort((a, b) => a.at - b.at));
    expect(holds?.detail).toBe('2 of 3 live nodes miss some of the 8 acknowledged values: n1 misses 6 (z:1, z:2, z:3, ...); n2 misses 6 (z:1, z:2, z:3, ...)');
  });

  it('forgets what a node held before it restarted, and ignores nodes lost at the end', () => {
    const restarted = [...healthy, ev(3000, 'n2', 'boot'), ev(3050, 'n2', 'hold', { value: 'a:1' })].sort((a, b) => a.at - b.at);
    expect(check(restarted).holds?.detail).toBe('1 of 3 live nodes miss some of the 2 acknowledged values: n2 misses 1 (b:1)');
    // n3 was lost: its value is no acknowledged value, and it need not hold anything.
    const lost = [...healthy, ev(1200, 'n3', 'broadcast', { value: 'd:1' })].sort((a, b) => a.at - b.at);
    expect(check(lost).v?.valid).toBe(true);
    expect(check(lost, { liveAtEnd: ['n0', 'n1', 'n2', 'n3'] }).holds?.detail).toMatch(/^4 of 4 live nodes miss/);
  });

  it('cannot judge a run that did not settle, nor one with nothing acknowledged in time: unknown, exit 2', () => {
    const unsettled = check(healthy, { settled: false });
    expect(unsettled.v?.valid).toBe('unknown');
    expect(verdictExitCode(unsettled.v)).toBe(2);
    const young = check([ev(1000, 'n0', 'boot'), ev(1500, 'n0', 'broadcast', { value: 'a:1' })]);
    expect(young.v?.valid).toBe('unknown');
    expect(young.holds?.detail).toBe('no value was acknowledged before the last 1000 ms of the run: nothing to judge');
  });

  it('measures no convergence without heals, and judges the broken variant the same way', () => {
    const { convergence, cost } = check(healthy, { healTimes: [] });
    expect(convergence?.detail).toBe('no heal in this run');
    expect(cost?.data).toMatchObject({ full_resend_bytes: 0 });
    const broken = verdictOf('broadcast', { ...base, events: healthy.filter((e) => e.kind !== 'repair' && e.kind !== 'sync' && !(e.node === 'n2' && e.data.value === 'b:1')) });
    expect(broken?.valid).toBe(false);
  });
});
