/** The election checker on hand-made events, and how checks combine into a verdict and an exit code. */
import { describe, expect, it } from 'vitest';
import { verdictExitCode, verdictOf, type CheckInput } from './index.js';

const ev = (at: number, node: string, kind: string, data: Record<string, unknown>) => ({ at, node, kind, data });
const base: Omit<CheckInput, 'events'> = { liveAtEnd: ['n0', 'n1', 'n2'], startEpochMs: 1000, faultTimes: [2000], settled: true };

describe('election checker', () => {
  it('is valid for one leader per epoch that everyone follows at the end', () => {
    const events = [ev(1010, 'n2', 'leader', { epoch: 2 }), ev(1012, 'n0', 'follow', { leader: 'n2', epoch: 2 }), ev(1013, 'n1', 'follow', { leader: 'n2', epoch: 2 }), ev(2300, 'n2', 'leader', { epoch: 5 }), ev(2310, 'n0', 'follow', { leader: 'n2', epoch: 5 }), ev(2311, 'n1', 'follow', { leader: 'n2', epoch: 5 })];
    const v = verdictOf('election', { ...base, events });
    expect(v?.valid).toBe(true);
    expect(v?.checks.find((c) => c.name === 'time to elect')?.data).toMatchObject({ elect_ms: { count: 2, p50: 10, max: 300 } });
    expect(verdictExitCode(v)).toBe(0);
  });

  it('fails two leaders in one epoch, and disagreement at the end', () => {
    const events = [ev(1010, 'n1', 'leader', { epoch: 3 }), ev(1011, 'n2', 'leader', { epoch: 3 }), ev(1020, 'n0', 'follow', { leader: 'n1', epoch: 3 })];
    const v = verdictOf('election', { ...base, events });
    expect(v?.valid).toBe(false);
    expect(v?.checks.map((c) => [c.name, c.valid])).toEqual([
      ['one leader per epoch', false],
      ['leader agreed after the last heal', false],
      ['time to elect', true],
    ]);
    expect(v?.checks[0]?.detail).toBe('two or more leaders in 1 epoch: epoch 3: n1, n2');
    expect(verdictExitCode(v)).toBe(1);
  });

  it('says "no samples" for a run without elections, and counts in the singular for one', () => {
    const none = verdictOf('election', { ...base, events: [] });
    expect(none?.checks.find((c) => c.name === 'time to elect')?.detail).toBe('0 elections after the start and leader-losing faults: no samples');
    const one = verdictOf('election', { ...base, faultTimes: [], events: [ev(1010, 'n2', 'leader', { epoch: 2 })] });
    expect(one?.checks[0]?.detail).toBe('1 leadership over 1 epoch, never two leaders in one');
    expect(one?.checks.find((c) => c.name === 'time to elect')?.detail).toBe('1 election after the start and leader-losing faults: p50 10 ms, p99 10 ms, max 10 ms');
  });

  it('cannot judge agreement when the run did not settle: unknown, exit 2', () => {
    const events = [ev(1010, 'n2', 'leader', { epoch: 2 })];
    const v = verdictOf('election', { ...base, events, settled: false });
    expect(v?.valid).toBe('unknown');
    expect(verdictExitCode(v)).toBe(2);
    // A follower of a node that is not live is no agreement either.
    const dead = verdictOf('election', { ...base, liveAtEnd: ['n0', 'n1'], events: [ev(1, 'n0', 'follow', { leader: 'n2', epoch: 2 }), ev(2, 'n1', 'follow', { leader: 'n2', epoch: 2 })] });
    expect(dead?.valid).toBe(false);
  });

  it('counts a view only from the node\'s current process: a restarted leader must lead again', () => {
    const before = [ev(1010, 'n2', 'leader', { epoch: 2 }), ev(1012, 'n0', 'follow', { leader: 'n2', epoch: 2 }), ev(1013, 'n1', 'follow', { leader: 'n2', epoch: 2 })];
    // n2 crashed at 2000 and the end-of-run reset restarted it (a reset is not among the faults):
    // the others' follows of its earlier process name a live node, but n2 never led again.
    const crashed = { ...base, faults: [{ at: 2000, kind: 'crash' as const, node: 'n2' }] };
    const agreement = (events: ReturnType<typeof ev>[]) => verdictOf('election', { ...crashed, events })?.checks.find((c) => c.name === 'leader agreed after the last heal');
    expect(agreement(before)).toMatchObject({ valid: false, detail: 'live nodes disagree: n0 -> n2, n1 -> n2, n2 -> none since its restart' });
    expect(agreement([...before, ev(2600, 'n2', 'follow', { leader: 'n1', epoch: 4 })])?.valid).toBe(false);
    // Once its new process leads and the others follow that, they agree.
    const again = [...before, ev(2600, 'n2', 'leader', { epoch: 5 }), ev(2610, 'n0', 'follow', { leader: 'n2', epoch: 5 }), ev(2611, 'n1', 'follow', { leader: 'n2', epoch: 5 })];
    expect(agreement(again)).toMatchObject({ valid: true, detail: 'every live node follows n2' });
    // A leader that every live node names must itself have led: a follow of itself is no election.
    expect(agreement([...before, ev(2600, 'n2', 'follow', { leader: 'n2', epoch: 2 })])).toMatchObject({ valid: false, detail: 'every live node names n2, but it did not become leader in its current process' });
    // A restart of the running leader (no crash first) cuts its views the same way.
    const restartedWhileRunning = verdictOf('election', { ...base, faults: [{ at: 2000, kind: 'restart' as const, node: 'n2' }], events: before });
    expect(restartedWhileRunning?.checks.find((c) => c.name === 'leader agreed after the last heal')).toMatchObject({ valid: false, detail: 'live nodes disagree: n0 -> n2, n1 -> n2, n2 -> none since its restart' });
  });

  it('times elections from the start and from each fault that cost the leader, as Raft does', () => {
    const events = [
      ev(1010, 'n2', 'leader', { epoch: 2 }),
      // n2 crashed at 3000: n1 won epoch 4 at 3400; n2, restarted at 3600, led its stale epoch 2
      // (lower: no new leadership) before it heard of 4 and took epoch 5.
      ev(3400, 'n1', 'leader', { epoch: 4 }),
      ev(3700, 'n2', 'leader', { epoch: 2 }),
      ev(3900, 'n2', 'leader', { epoch: 5 }),
      ev(3910, 'n0', 'follow', { leader: 'n2', epoch: 5 }),
      ev(3911, 'n1', 'follow', { leader: 'n2', epoch: 5 }),
    ];
    const faults = [
      // A partition of the two followers, healed before any new leader: it cost no leader.
      { at: 2000, kind: 'partition' as const },
      { at: 2500, kind: 'heal' as const },
      { at: 3000, kind: 'crash' as const, node: 'n2' },
      { at: 3600, kind: 'restart' as const },
    ];
    const timing = (f: CheckInput['faults'], evs = events) => verdictOf('election', { ...base, faultTimes: (f ?? []).map((x) => x.at), faults: f, events: evs })?.checks.find((c) => c.name === 'time to elect');
    const t = timing(faults);
    // The start's 10 ms, then the crash of the leader n2 to n1's epoch 4: neither the partition,
    // the heal nor the restart counts, and n2's epoch 2 after its restart is no new leadership.
    expect(t?.data).toMatchObject({ elect_samples_ms: [10, 400], elect_ms: { count: 2, max: 400 } });
    expect(t?.detail).toBe('2 elections after the start and leader-losing faults: p50 10 ms, p99 400 ms, max 400 ms');
    // A crash of a follower costs no leader, even with a leader to come.
    expect(timing([{ at: 3000, kind: 'crash' as const, node: 'n0' }])?.data).toMatchObject({ elect_samples_ms: [10] });
    // Raft's rule for a partition: it counts when a new leader came before the next fault (one that
    // cut the leader off, so a side elected its own).
    const split = [ev(1010, 'n2', 'leader', { epoch: 2 }), ev(2450, 'n1', 'leader', { epoch: 4 })];
    expect(timing(faults.slice(0, 2), split)?.data).toMatchObject({ elect_samples_ms: [10, 450] });
  });

  it('has no verdict for behaviours without checkers', () => {
    expect(verdictOf(null, { ...base, events: [] })).toBeNull();
    expect(verdictExitCode(null)).toBe(0);
  });
});
