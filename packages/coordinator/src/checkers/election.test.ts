/** The election checker on hand-made events, and how checks combine into a verdict and an exit code. */
import { describe, expect, it } from 'vitest';
import { verdictExitCode, verdictOf, type CheckInput } from './index.js';

const ev = (at: number, node: string, kind: string, data: Record<string, unknown>) => ({ at, node, kind, data });
const base: Omit<CheckInput, 'events'> = { liveAtEnd: ['n0', 'n1', 'n2'], startEpochMs: 1000, faultTimes: [2000], settled: true };

describe('election checker', () => {
  it('is valid for one leader per epoch that everyone follows at the end', () => {
    const events = [ev(1010, 'n2', 'leader', { epoch: 2 }), ev(1012, 'n0', 'follow', { leader: 'n2', epoch: 2 }), ev(1013, 'n1', 'follow', { leader: 'n2', epoch: 2 }), ev(2300, 'n2', 'leader', { epoch: 5 }), ev(2310, 'n0', 'follow', { leader: 'n2', epoch: 5 }), ev(2311, 'n1', 'follow', { leader: 'n2', epoch: 5 })];
    const v = verdictOf('bully', { ...base, events });
    expect(v?.valid).toBe(true);
    expect(v?.checks.find((c) => c.name === 'time to elect')?.data).toMatchObject({ elect_ms: { count: 2, p50: 10, max: 300 } });
    expect(verdictExitCode(v)).toBe(0);
  });

  it('fails two leaders in one epoch, and disagreement at the end', () => {
    const events = [ev(1010, 'n1', 'leader', { epoch: 3 }), ev(1011, 'n2', 'leader', { epoch: 3 }), ev(1020, 'n0', 'follow', { leader: 'n1', epoch: 3 })];
    const v = verdictOf('bully-broken', { ...base, events });
    expect(v?.valid).toBe(false);
    expect(v?.checks.map((c) => [c.name, c.valid])).toEqual([
      ['one leader per epoch', false],
      ['leader agreed after the last heal', false],
      ['time to elect', true],
    ]);
    expect(v?.checks[0]?.detail).toBe('two or more leaders in 1 epochs: epoch 3: n1, n2');
    expect(verdictExitCode(v)).toBe(1);
  });

  it('cannot judge agreement when the run did not settle: unknown, exit 2', () => {
    const events = [ev(1010, 'n2', 'leader', { epoch: 2 })];
    const v = verdictOf('bully', { ...base, events, settled: false });
    expect(v?.valid).toBe('unknown');
    expect(verdictExitCode(v)).toBe(2);
    // A follower of a node that is not live is no agreement either.
    const dead = verdictOf('bully', { ...base, liveAtEnd: ['n0', 'n1'], events: [ev(1, 'n0', 'follow', { leader: 'n2', epoch: 2 }), ev(2, 'n1', 'follow', { leader: 'n2', epoch: 2 })] });
    expect(dead?.valid).toBe(false);
  });

  it('has no verdict for behaviours without checkers', () => {
    expect(verdictOf('chatter', { ...base, events: [] })).toBeNull();
    expect(verdictExitCode(null)).toBe(0);
  });
});
