/**
 * The leader's side of a client write on the in-memory network (fake timers): a client that
 * retries a write after its timeout gets the entry already appended for it, not a second copy,
 * whether the first is still pending or already applied.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RaftNetwork } from '../../fixtures/raft-network.js';

async function until(cond: () => boolean, maxMs: number, what: string): Promise<void> {
  for (let t = 0; t < maxMs; t += 10) {
    if (cond()) return;
    await vi.advanceTimersByTimeAsync(10);
  }
  expect(cond(), `${what} within ${maxMs} ms`).toBe(true);
}

describe('Raft key-value writes', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('appends a retried write once and answers both tries with its index', async () => {
    const net = new RaftNetwork(3);
    await until(() => net.leaders().length === 1, 1000, 'a leader');
    const l = net.leaders()[0] as string;
    const f = net.ids.find((id) => id !== l) as string;
    // The followers are cut off, so the first try cannot commit before the client gives up on it.
    net.partition([l], net.ids.filter((id) => id !== l));
    const first = net.server(l).kv.propose('k1', 'n1.0.7');
    await vi.advanceTimersByTimeAsync(100);
    const retry = net.server(l).kv.propose('k1', 'n1.0.7');
    const other = net.server(l).kv.propose('k1', 'n1.0.8');
    expect(net.server(l).state.log.lastIndex).toBe(2);
    net.heal();
    await until(() => net.server(f).state.lastApplied === 2, 1000, 'both writes applied on a follower');
    await expect(first).resolves.toMatchObject({ type: 'raft_write_ok', index: 1 });
    await expect(retry).resolves.toMatchObject({ type: 'raft_write_ok', index: 1 });
    await expect(other).resolves.toMatchObject({ type: 'raft_write_ok', index: 2 });
    // A retry that arrives after the write was applied (its answer was late) gets the same index.
    await expect(net.server(l).kv.propose('k1', 'n1.0.7')).resolves.toMatchObject({ type: 'raft_write_ok', index: 1 });
    expect(net.server(l).state.log.lastIndex).toBe(2);
  });
});
