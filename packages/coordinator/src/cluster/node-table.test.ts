import { describe, expect, it } from 'vitest';
import type { Register } from '@agentnet/protocol';
import type { ControlConnection } from './control-server.js';
import { NodeStateError, NodeTable } from './node-table.js';

const conn = () => ({}) as ControlConnection;
const register = (pid: number): Register => ({ type: 'register', msg_id: 0, url: `ws://127.0.0.1:${9000 + pid}`, pid, hostname: 'h' });
const errors = { count: 1, first: { kind: 'timer_failed' as const, text: 'boom' } };

describe('the node table', () => {
  it('makes every change of a node state, and refuses one the lifecycle does not have', () => {
    const nodes = new NodeTable();
    const a = nodes.add(conn(), register(1));
    const b = nodes.add(conn(), register(2));
    expect([a.id, b.id, a.state]).toEqual(['n0', 'n1', 'registered']);
    nodes.markReady(a);
    nodes.markStopped(a, { sent: 3, received: 2, dropped: 1, in_flight: 0 }, errors);
    expect(a).toMatchObject({ state: 'stopped', counters: { sent: 3 }, behaviorErrors: errors });
    expect(() => nodes.markReady(a)).toThrow(NodeStateError);
    expect(() => nodes.markLost(a, 10, 'late')).toThrow('n0 cannot go from stopped to lost');
    nodes.markLost(b, 1234.6, 'crashed');
    expect(b).toMatchObject({ state: 'lost', lost: { at_ms: 1235, reason: 'crashed' } });
    expect(nodes.allFinished()).toBe(true);
    // A new process takes over the lost node, registered again, its errors kept.
    nodes.replaceProcess(b, conn(), register(3), 2000);
    expect(b).toMatchObject({ state: 'registered', pid: 3, incarnation: 1, lost: null });
    expect(nodes.allFinished()).toBe(false);
  });
});
