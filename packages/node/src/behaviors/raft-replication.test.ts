/**
 * Raft replication's flow of AppendEntries on the in-memory network (fake timers): a follower far
 * behind gets the following full batches without waiting for a round trip per batch, and a
 * follower that keeps up has one AppendEntries on its way at a time, so entries written meanwhile
 * travel together (pipelining every write would multiply the messages per write).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Incoming } from '../api/behavior.js';
import { RaftNetwork } from '../../fixtures/raft-network.js';
import { RAFT_TIMING } from './raft-state.js';

async function until(cond: () => boolean, maxMs: number, what: string): Promise<void> {
  for (let t = 0; t < maxMs; t += 5) {
    if (cond()) return;
    await vi.advanceTimersByTimeAsync(5);
  }
  expect(cond(), `${what} within ${maxMs} ms`).toBe(true);
}

/**
 * The most AppendEntries from `leader` to `follower` that were on their way at once (sent, not yet
 * answered), over `messages` in the order they were sent, and the entries they carried in all.
 */
function flow(messages: Incoming[], leader: string, follower: string): { maxOutstanding: number; entries: number; appends: number } {
  let outstanding = 0;
  let maxOutstanding = 0;
  let entries = 0;
  let appends = 0;
  for (const m of messages) {
    if (m.src === leader && m.dest === follower && m.body.type === 'raft_append') {
      outstanding++;
      appends++;
      entries += (m.body.entries as unknown[]).length;
      maxOutstanding = Math.max(maxOutstanding, outstanding);
    } else if (m.src === follower && m.dest === leader && m.body.type === 'raft_append_result') {
      outstanding = Math.max(0, outstanding - 1);
    }
  }
  return { maxOutstanding, entries, appends };
}

describe('Raft replication flow', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends a follower far behind the following full batches at once, and it catches up in a few round trips', async () => {
    // Heartbeats of 20 ms over round trips of 2-10 ms: one batch per round trip takes ~10 round
    // trips for 10 batches, more than three heartbeat intervals.
    const net = new RaftNetwork(3, { timing: { heartbeatMs: 20, electionMinMs: 100, electionMaxMs: 200 } });
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const [m, f] = net.ids.filter((id) => id !== l) as [string, string];
    net.partition([f], [l, m]);
    const total = 10 * RAFT_TIMING.maxBatch;
    for (let i = 1; i <= total; i++) void net.server(l).kv.propose(`k${i % 10}`, `v${i}`);
    await until(() => net.server(m).state.log.lastIndex === total && net.server(l).state.commitIndex === total, 2000, 'the majority committing every write');
    expect(net.server(f).state.log.lastIndex).toBe(0);
    net.heal();
    const healedAt = Date.now();
    const from = net.messages.length;
    await until(() => net.server(f).state.log.lastIndex === total, 1000, 'the follower catching up');
    const tookMs = Date.now() - healedAt;
    const after = flow(net.messages.slice(from), l, f);
    // Several batches on their way at once (one at a time before), never more than the window
    // and the one AppendEntries that starts over after an overdue interval.
    expect(after.maxOutstanding).toBeGreaterThanOrEqual(4);
    expect(after.maxOutstanding).toBeLessThanOrEqual(RAFT_TIMING.maxInflight + 1);
    // Within three heartbeats of the heal: the first (probe) finds where the follower is, and the
    // rest of the log follows in a pipeline, not one batch per round trip.
    expect(tookMs).toBeLessThanOrEqual(3 * 20);
    // Pipelining sends each entry about once: not whole windows again at every heartbeat.
    expect(after.entries).toBeLessThanOrEqual(total + 3 * RAFT_TIMING.maxBatch);
    await until(() => net.server(f).state.lastApplied === total, 200, 'the follower applying every entry');
    expect(net.conflicts()).toEqual([]);
  });

  it('keeps one AppendEntries on its way to a follower that keeps up, so writes meanwhile travel together', async () => {
    const net = new RaftNetwork(5, { workload: true });
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const from = net.messages.length;
    await vi.advanceTimersByTimeAsync(2000);
    expect(net.leaders()).toEqual([l]);
    const committed = net.server(l).state.commitIndex;
    // 5 nodes writing 20 per second each: about 200 writes in these 2 s.
    expect(committed).toBeGreaterThan(150);
    for (const f of net.ids.filter((id) => id !== l)) {
      const { maxOutstanding, appends } = flow(net.messages.slice(from), l, f);
      expect(maxOutstanding, f).toBe(1);
      // Fewer AppendEntries than writes: writes arriving while one is on its way share the next.
      expect(appends, f).toBeLessThan(committed);
    }
  });
});
