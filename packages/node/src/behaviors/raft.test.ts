/**
 * Raft servers on an in-memory network with fake timers: one leader that replicates the client
 * workload in one order everywhere; a leader cut into a minority keeps its writes uncommitted and
 * loses them to the majority's leader on heal; a new leader commits an entry of an earlier term
 * only with one of its own (figure 8); a restarted process keeps its term, vote and log from
 * stable storage; and the broken variant lets a stale server win and change committed entries.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode } from '@agentnet/protocol';
import { RaftNetwork } from '../../fixtures/raft-network.js';

/** Advances time in small steps until `cond` holds; fails after `maxMs`. */
async function until(cond: () => boolean, maxMs: number, what: string): Promise<void> {
  for (let t = 0; t < maxMs; t += 10) {
    if (cond()) return;
    await vi.advanceTimersByTimeAsync(10);
  }
  expect(cond(), `${what} within ${maxMs} ms`).toBe(true);
}

const leaderEvents = (net: RaftNetwork) => net.events.filter((e) => e.kind === 'leader');

/** Terms that more than one node led. */
function doubleLeaders(net: RaftNetwork): number[] {
  const byTerm = new Map<number, Set<string>>();
  for (const e of leaderEvents(net)) {
    const term = Number(e.data.term);
    byTerm.set(term, (byTerm.get(term) ?? new Set()).add(e.node));
  }
  return [...byTerm].filter(([, nodes]) => nodes.size > 1).map(([t]) => t);
}

describe('Raft on an in-memory network', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('elects one leader and applies the workload in the same order on every node', async () => {
    const net = new RaftNetwork(5, { workload: true });
    await vi.advanceTimersByTimeAsync(3000);
    expect(net.leaders()).toHaveLength(1);
    expect(doubleLeaders(net)).toEqual([]);
    const leader = net.server(net.leaders()[0] as string);
    const acks = net.events.filter((e) => e.kind === 'ack');
    // 5 nodes at 20 writes/s for ~2.7 s after the first election: most are acknowledged by now.
    expect(acks.length).toBeGreaterThan(200);
    for (const a of acks) expect(leader.state.log.entry(Number(a.data.index))).toMatchObject({ key: a.data.key, value: a.data.value });
    expect(net.conflicts()).toEqual([]);
    // Followers learn the commit index with the next AppendEntries: within a heartbeat or two.
    const target = leader.state.commitIndex;
    await vi.advanceTimersByTimeAsync(150);
    for (const applied of net.applied().values()) expect(applied.size).toBeGreaterThanOrEqual(target);
  });

  it("keeps a minority leader's writes uncommitted and replaces them with the majority's after the heal", async () => {
    const net = new RaftNetwork(5);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const old = net.leaders()[0] as string;
    const oldTerm = net.server(old).state.currentTerm;
    const minority = [old, net.ids.find((id) => id !== old) as string];
    net.partition(minority, net.ids.filter((id) => !minority.includes(id)));
    const lost = net.server(old).kv.propose('k1', 'lost');
    const lostResult = expect(lost).rejects.toMatchObject({ code: ErrorCode.abort });
    await until(() => net.leaders().some((id) => !minority.includes(id)), 1000, 'a majority leader');
    const fresh = net.leaders().find((id) => !minority.includes(id)) as string;
    expect(net.server(fresh).state.currentTerm).toBeGreaterThan(oldTerm);
    const kept = net.server(fresh).kv.propose('k1', 'kept');
    await vi.advanceTimersByTimeAsync(200);
    await expect(kept).resolves.toMatchObject({ type: 'raft_write_ok', index: 1 });
    // The old leader appended its write at index 1 too, but could never commit it.
    expect(net.server(old).state.log.entry(1)).toMatchObject({ value: 'lost' });
    expect(net.server(old).state.commitIndex).toBe(0);
    net.heal();
    await vi.advanceTimersByTimeAsync(500);
    await lostResult;
    for (const id of net.ids) expect(net.server(id).kv.data.get('k1'), id).toBe('kept');
    expect(net.conflicts()).toEqual([]);
    expect(doubleLeaders(net)).toEqual([]);
  });

  it("commits an earlier term's entry only through an entry of the leader's own term (figure 8)", async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const [m, f] = net.ids.filter((id) => id !== l) as [string, string];
    // The leader appends a write nobody else gets; the other two elect a leader of a later term.
    net.partition([l], [m, f]);
    void net.server(l).kv.propose('k0', 'old-term');
    await until(() => net.leaders().includes(m) || net.leaders().includes(f), 1000, 'a leader of the other two');
    // That leader dies; the first one comes back and, with the longer log, wins f's (or m's) vote.
    const other = net.leaders().find((id) => id !== l) as string;
    const follower = other === m ? f : m;
    net.crash(other);
    net.heal();
    await until(() => net.server(l).state.role === 'leader' && net.server(follower).state.log.lastIndex === 1, 2000, 'the first leader back with its entry replicated');
    const term = net.server(l).state.currentTerm;
    expect(net.server(l).state.log.termAt(1)).toBeLessThan(term);
    // Stored on two of three, but of an earlier term: not committed, not applied.
    await vi.advanceTimersByTimeAsync(300);
    expect(net.server(l).state.commitIndex).toBe(0);
    expect(net.events.filter((e) => e.kind === 'commit' || e.kind === 'apply')).toEqual([]);
    // An entry of the current term commits, and the earlier one with it.
    const now = net.server(l).kv.propose('k0', 'new-term');
    await vi.advanceTimersByTimeAsync(100);
    await expect(now).resolves.toMatchObject({ index: 2, term });
    expect(net.events.filter((e) => e.kind === 'commit').map((e) => e.data)).toEqual([{ index: 2, term }]);
    expect(net.applied().get(l)).toEqual(
      new Map([
        [1, `${net.server(l).state.log.termAt(1)}:k0=old-term`],
        [2, `${term}:k0=new-term`],
      ]),
    );
  });

  it('keeps the term, the vote and the log across a restart, so the restarted node still guards committed entries', async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const [a, stale] = net.ids.filter((id) => id !== l) as [string, string];
    // Commit writes on the leader and `a` alone.
    net.partition([l, a], [stale]);
    const writes = [1, 2, 3].map((i) => net.server(l).kv.propose(`k${i}`, `v${i}`));
    await vi.advanceTimersByTimeAsync(100);
    for (const w of writes) await expect(w).resolves.toMatchObject({ type: 'raft_write_ok' });
    const before = { term: net.server(a).state.currentTerm, vote: net.server(a).state.votedFor };
    // `a` restarts: its new process has what the old one stored, before any message reaches it.
    net.restart(a);
    expect(net.server(a).state.currentTerm).toBe(before.term);
    expect(net.server(a).state.votedFor).toBe(before.vote);
    expect(net.server(a).state.log.lastIndex).toBe(3);
    expect(net.server(a).state.commitIndex).toBe(0);
    // The leader is cut off. `stale` (empty log) cannot win `a`'s vote; `a` can win `stale`'s.
    net.heal();
    net.partition([l], [a, stale]);
    await until(() => net.leaders().includes(a), 2000, 'the restarted node leading the majority side');
    expect(net.leaders()).not.toContain(stale);
    const fresh = net.server(a).kv.propose('k4', 'v4');
    await vi.advanceTimersByTimeAsync(200);
    await expect(fresh).resolves.toMatchObject({ type: 'raft_write_ok', index: 4 });
    net.heal();
    await until(() => net.ids.every((id) => net.server(id).state.lastApplied === 4), 2000, 'every node applying 4 entries');
    for (const id of net.ids) expect(net.server(id).kv.data, id).toEqual(new Map([['k1', 'v1'], ['k2', 'v2'], ['k3', 'v3'], ['k4', 'v4']]));
    expect(net.conflicts()).toEqual([]);
    expect(doubleLeaders(net)).toEqual([]);
  });

  it('does not vote twice in a term across a restart', async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const voter = net.ids.find((id) => id !== l && net.server(id).state.votedFor === l);
    expect(voter, 'a follower that voted for the leader').toBeDefined();
    const term = net.server(l).state.currentTerm;
    net.restart(voter as string);
    const other = net.ids.find((id) => id !== l && id !== voter) as string;
    // Another candidate of the same term, with a log no shorter, asks the restarted voter.
    net.inject(other, voter as string, { type: 'raft_request_vote', term, last_index: 100, last_term: term });
    const answer = net.messages.findLast((m) => m.src === voter && m.dest === other && m.body.type === 'raft_vote');
    expect(answer?.body).toMatchObject({ term, granted: false });
    // The stored vote is what refused it: in the next term, where it has not voted, it grants.
    net.inject(other, voter as string, { type: 'raft_request_vote', term: term + 1, last_index: 100, last_term: term });
    expect(net.messages.findLast((m) => m.src === voter && m.dest === other && m.body.type === 'raft_vote')?.body).toMatchObject({ term: term + 1, granted: true });
  });

  it('gives a restarted follower only what it missed: its stored log is kept', async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const term = net.server(l).state.currentTerm;
    const f = net.ids.find((id) => id !== l) as string;
    for (let i = 1; i <= 5; i++) void net.server(l).kv.propose('k', `v${i}`);
    await until(() => net.server(f).state.lastApplied === 5, 500, 'the follower applying 5 entries');
    net.restart(f);
    expect(net.server(f).state.log.lastIndex).toBe(5);
    const sentBefore = net.sent;
    void net.server(l).kv.propose('k', 'v6');
    // The state machine is rebuilt from the stored log once the commit index is learned again.
    await until(() => net.server(f).state.lastApplied === 6, 1000, 'the restarted follower applying 6 entries');
    expect(net.server(l).state.currentTerm).toBe(term);
    expect(net.server(f).kv.data.get('k')).toBe('v6');
    expect(net.conflicts()).toEqual([]);
    // Heartbeats and one round of the new entry, not a replay from the first entry.
    expect(net.sent - sentBefore).toBeLessThan(20);
  });

  it('serves read, write and cas from a client through the log, proxied by followers to the leader', async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const f = net.ids.find((id) => id !== l) as string;
    let msgId = 0;
    /** Sends a client op to `node` and returns the answer it sent back to c1. */
    const ask = async (node: string, body: Record<string, unknown>) => {
      const id = ++msgId;
      net.inject('c1', node, { ...body, type: String(body.type), msg_id: id });
      await until(() => net.messages.some((m) => m.dest === 'c1' && m.body.in_reply_to === id), 1500, `an answer to ${String(body.type)}`);
      return net.messages.find((m) => m.dest === 'c1' && m.body.in_reply_to === id)?.body;
    };
    expect(await ask(f, { type: 'read', key: 1 })).toMatchObject({ type: 'error', code: ErrorCode.key_does_not_exist });
    expect(await ask(f, { type: 'write', key: 1, value: 10 })).toMatchObject({ type: 'write_ok' });
    expect(await ask(l, { type: 'read', key: 1 })).toMatchObject({ type: 'read_ok', value: 10 });
    expect(await ask(f, { type: 'cas', key: 1, from: 3, to: 4 })).toMatchObject({ type: 'error', code: ErrorCode.precondition_failed, text: 'key 1 is 10, not 3' });
    expect(await ask(l, { type: 'cas', key: 1, from: 10, to: { a: [1] } })).toMatchObject({ type: 'cas_ok' });
    expect(await ask(f, { type: 'read', key: 1 })).toMatchObject({ type: 'read_ok', value: { a: [1] } });
    expect(await ask(f, { type: 'write', value: 1 })).toMatchObject({ type: 'error', code: ErrorCode.malformed_request });
    // The follower proxied: its answers came from the leader, whose log holds every operation.
    expect(net.server(l).state.log.from(1, 10).map((e) => e.op ?? 'write')).toEqual(['read', 'write', 'read', 'cas', 'cas', 'read']);
    // Cut off from the leader, a follower that still names it answers with the timeout code.
    net.partition([f], net.ids.filter((id) => id !== f));
    expect(await ask(f, { type: 'read', key: 1 })).toMatchObject({ type: 'error', code: ErrorCode.timeout });
    // A proxied request to a node that does not lead is refused, never forwarded again.
    expect(await ask(f, { type: 'read', key: 1, proxied: true })).toMatchObject({ type: 'error', code: ErrorCode.temporarily_unavailable });
  });

  it.each([
    [false, 'keeps'],
    [true, 'loses'],
  ])('broken=%s %s committed entries when a stale minority rejoins with a higher term', async (broken) => {
    const net = new RaftNetwork(5, { workload: true, broken });
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const minority = net.ids.filter((id) => id !== l).slice(0, 2);
    net.partition(minority, net.ids.filter((id) => !minority.includes(id)));
    await vi.advanceTimersByTimeAsync(1500);
    net.heal();
    await vi.advanceTimersByTimeAsync(1500);
    expect(doubleLeaders(net)).toEqual([]);
    if (broken) expect(net.conflicts().length).toBeGreaterThan(0);
    else expect(net.conflicts()).toEqual([]);
  });
});
