/**
 * The Raft checker on hand-made events: a clean run is valid with its measurements; a committed
 * entry changed on one node, two leaders in one term, an acknowledged write missing, a process
 * applying out of order, a node left behind after the heal are each caught; a restarted process
 * applying from index 1 again is fine; an interrupted run cannot be judged for liveness.
 */
import { describe, expect, it } from 'vitest';
import { verdictExitCode, verdictOf, type CheckInput } from './index.js';
import { LAG_MS } from './raft.js';
import { electionTimes } from './raft-measures.js';

type Ev = CheckInput['events'][number];
const ev = (at: number, node: string, kind: string, data: Record<string, unknown>): Ev => ({ at, node, kind, data });
const W = [
  { key: 'k1', value: 'a' },
  { key: 'k2', value: 'b' },
  { key: 'k1', value: 'c' },
];
const NODES = ['n0', 'n1', 'n2'];

/**
 * n0 leads term 1 from 1100 and n1 and n2 follow it; it commits entry i at 1200 + 10i, every node applies it then, and n1's
 * client gets the acknowledgement 5 ms later, 40 ms after submitting. The run ends at 3000.
 */
function cleanRun(): Ev[] {
  const events = [ev(1100, 'n0', 'leader', { term: 1 }), ev(1110, 'n1', 'follow', { term: 1, leader: 'n0' }), ev(1110, 'n2', 'follow', { term: 1, leader: 'n0' })];
  W.forEach((w, i) => {
    const index = i + 1;
    const at = 1200 + 10 * index;
    events.push(ev(at, 'n0', 'commit', { index, term: 1 }));
    for (const node of NODES) events.push(ev(at, node, 'apply', { index, term: 1, ...w }));
    events.push(ev(at + 5, 'n1', 'ack', { index, term: 1, ...w, submitted: at - 35 }));
  });
  // The leader keeps committing to the end; everyone applied it long before.
  events.push(ev(3000 - LAG_MS - 100, 'n0', 'commit', { index: 3, term: 1 }), ev(3000, 'n0', 'commit', { index: 3, term: 1 }));
  return events;
}
const base = (events: Ev[]): CheckInput => ({ events: [...events].sort((a, b) => a.at - b.at), liveAtEnd: NODES, startEpochMs: 1000, faultTimes: [], settled: true, messages: 60 });
const check = (input: CheckInput, name: string) => verdictOf('raft', input)?.checks.find((c) => c.name === name);

describe('raft checker', () => {
  it('is valid for one leader and the same applied log everywhere, with its measurements', () => {
    const v = verdictOf('raft', base(cleanRun()));
    expect(v?.checks.map((c) => [c.name, c.valid])).toEqual([
      ['one leader per term', true],
      ['state machine safety', true],
      ['acknowledged writes kept', true],
      ['leader and caught-up logs after the last heal', true],
      ['raft measurements', true],
    ]);
    expect(verdictExitCode(v ?? null)).toBe(0);
    expect(v?.checks[4]?.data).toMatchObject({
      elections: 1,
      elect_ms: { count: 1, p50: 100 },
      writes_acknowledged: 3,
      entries_committed: 3,
      messages_per_committed_write: 20,
      write_latency_ms: { count: 3, p50: 40, p99: 40 },
    });
    expect(v?.checks[0]?.detail).toBe('1 leader over 1 term, never two in one');
    expect(v?.checks[4]?.detail).toContain('1 election won (1 term)');
  });

  it('says "no samples" rather than a dash with a unit when nothing was measured', () => {
    const measures = check(base([]), 'raft measurements');
    expect(measures?.detail).toBe(
      '0 elections won (0 terms); time to elect after the start and leader-losing faults: no samples; 0 writes acknowledged, 0 entries committed; write latency: no samples; messages per committed write: nothing committed',
    );
    expect(measures?.detail).not.toMatch(/- ms/);
  });

  it('fails a committed entry changed on one node, and the acknowledged write it held', () => {
    const events = cleanRun().map((e) => (e.kind === 'apply' && e.node === 'n2' && e.data.index === 2 ? ev(e.at, 'n2', 'apply', { ...e.data, value: 'other' }) : e));
    const v = verdictOf('raft', base(events));
    expect(v?.valid).toBe(false);
    expect(verdictExitCode(v ?? null)).toBe(1);
    const safety = v?.checks.find((c) => c.name === 'state machine safety');
    expect(safety?.valid).toBe(false);
    expect(safety?.detail).toBe('committed entries lost or changed: index 2: n0 applied t1 k2=b, n2 later t1 k2=other');
    // The longest log is the first node's (all are as long): n0 still has the write, so the ack stands.
    expect(check(base(events), 'acknowledged writes kept')?.valid).toBe(true);
  });

  it('fails an acknowledged write the longest log does not hold at its index', () => {
    const events = [...cleanRun(), ev(1300, 'n2', 'ack', { index: 3, term: 1, key: 'k9', value: 'z', submitted: 1250 }), ev(1301, 'n1', 'ack', { index: 7, term: 1, key: 'k1', value: 'y', submitted: 1250 })];
    const c = check(base(events), 'acknowledged writes kept');
    expect(c?.valid).toBe(false);
    expect(c?.detail).toBe('2 of 5 acknowledged writes are not in the longest applied log (n0): k9=z acknowledged at index 3 to n2, but t1 k1=c is there; k1=y acknowledged at index 7 to n1, past the end');
  });

  it('fails two leaders in one term, and a commit whose entry was applied with another term', () => {
    const events = [...cleanRun(), ev(1150, 'n2', 'leader', { term: 1 }), ev(1400, 'n2', 'commit', { index: 2, term: 4 })];
    expect(check(base(events), 'one leader per term')).toMatchObject({ valid: false, detail: 'two or more leaders in 1 term: term 1: n0, n2' });
    expect(check(base(events), 'state machine safety')?.detail).toContain('n2 committed index 2 at term 4, but t1 k2=b was applied there');
  });

  it('accepts a restarted process applying from index 1 again, and fails one applying out of order', () => {
    const again = W.map((w, i) => ev(2000 + i, 'n2', 'apply', { index: i + 1, term: 1, ...w }));
    expect(verdictOf('raft', base([...cleanRun(), ...again]))?.valid).toBe(true);
    const skipped = ev(2100, 'n1', 'apply', { index: 5, term: 1, key: 'k1', value: 'q' });
    const c = check(base([...cleanRun(), skipped]), 'state machine safety');
    expect(c?.valid).toBe(false);
    expect(c?.detail).toContain('n1 applied index 5 out of order');
  });

  it("expects a commit applied everywhere after three one-way trips at the run's p99 latency, plus a second", () => {
    // Entry 4 is committed at 1600 and n1, far from the leader, has not applied it by the end (3000).
    const w = { key: 'k2', value: 'd' };
    const late = [...cleanRun(), ev(1600, 'n0', 'commit', { index: 4, term: 1 }), ev(1600, 'n0', 'apply', { index: 4, term: 1, ...w }), ev(1600, 'n2', 'apply', { index: 4, term: 1, ...w })];
    const name = 'leader and caught-up logs after the last heal';
    // One hop's worth of latency: 1400 ms later n1 should have it.
    expect(check({ ...base(late), latencyP99Ms: 100 }, name)).toMatchObject({ valid: false, detail: 'live nodes behind index 4: n1 at 3' });
    // Messages that take 200 ms end to end: a commit needs up to 1600 ms to reach every follower.
    expect(check({ ...base(late), latencyP99Ms: 200 }, name)).toMatchObject({ valid: true });
    expect(check({ ...base(late), latencyP99Ms: 200 }, name)?.detail).toContain('up to 3, the commit index 1600 ms before the end');
  });

  it('judges liveness only after a settled run: a node behind or a leader that stopped committing fails', () => {
    expect(check({ ...base(cleanRun()), settled: false }, 'leader and caught-up logs after the last heal')?.valid).toBe('unknown');
    const behind = cleanRun().filter((e) => !(e.kind === 'apply' && e.node === 'n1' && e.data.index === 3));
    expect(check(base(behind), 'leader and caught-up logs after the last heal')).toMatchObject({ valid: false, detail: 'live nodes behind index 3: n1 at 2' });
    const quiet = cleanRun().filter((e) => e.at < 2500);
    expect(check({ ...base(quiet), events: [...base(quiet).events, ev(3000, 'n1', 'ack', { index: 1, term: 1, ...W[0], submitted: 2990 })] }, 'leader and caught-up logs after the last heal')?.detail).toBe(
      `the last leader n0 (term 1) committed nothing in the last ${LAG_MS} ms before the stop`,
    );
    // A cluster that stalled long before the stop: its last events are its last commits, but the
    // stop time shows the silence.
    const lastCommitAt = Math.max(...cleanRun().filter((e) => e.kind === 'commit').map((e) => e.at));
    expect(check({ ...base(cleanRun()), stopEpochMs: lastCommitAt + 60_000 }, 'leader and caught-up logs after the last heal')).toMatchObject({
      valid: false,
      detail: `the last leader n0 (term 1) committed nothing in the last ${LAG_MS} ms before the stop`,
    });
    expect(check({ ...base(cleanRun()), liveAtEnd: ['n1', 'n2'] }, 'leader and caught-up logs after the last heal')?.detail).toBe('the last leader n0 (term 1) is not live');
    // A live node whose last word names another leader (or none) does not agree.
    const astray = [...cleanRun().filter((e) => !(e.kind === 'follow' && e.node === 'n2')), ev(2000, 'n1', 'follow', { term: 1, leader: 'n3' })];
    expect(check(base(astray), 'leader and caught-up logs after the last heal')?.detail).toBe('live nodes not following n0: n1 -> n3, n2 -> none');
  });

  it('times elections from the start and from each fault that cost the leader', () => {
    const leaders = [
      { node: 'n0', at: 1200, term: 1 },
      { node: 'n3', at: 5300, term: 4 },
    ];
    // The partition at 3000 cost nothing before the next fault at 5000, which did: 300 ms.
    expect(electionTimes(1000, [{ at: 5000, kind: 'heal' as const }, { at: 3000, kind: 'partition' as const }], leaders)).toEqual([200, 300]);
    expect(electionTimes(1000, [], [])).toEqual([]);
    // A crash of the leader n0 counts, however long the election: a restart meanwhile cuts nothing short.
    const crash = [
      { at: 3000, kind: 'crash' as const, node: 'n0' },
      { at: 3500, kind: 'restart' as const },
    ];
    expect(electionTimes(1000, crash, [...leaders.slice(0, 1), { node: 'n3', at: 3700, term: 4 }])).toEqual([200, 700]);
    // A crash of a follower costs no leader, even if some leader comes later.
    expect(electionTimes(1000, [{ at: 3000, kind: 'crash' as const, node: 'n2' }], leaders)).toEqual([200]);
    // Nor does a Byzantine leader: its process runs on.
    expect(electionTimes(1000, [{ at: 3000, kind: 'byzantine' as const, node: 'n0' }], [...leaders.slice(0, 1), { node: 'n3', at: 3700, term: 4 }])).toEqual([200]);
  });
});
