/**
 * The run plan's refusal of a behaviour that sends to every node on a graph that cannot carry it:
 * Raft and Bully need a full mesh or routing; behaviours that talk to neighbours need neither.
 */
import { describe, expect, it } from 'vitest';
import { makeGraph } from './graph.js';
import { BehaviorError, checkReach } from './run-plan.js';

const ids = ['n0', 'n1', 'n2', 'n3'];
const ring = makeGraph(ids, [['n0', 'n1'], ['n1', 'n2'], ['n2', 'n3'], ['n3', 'n0']]);
const mesh = makeGraph(ids, ids.flatMap((a, i) => ids.slice(i + 1).map((b) => [a, b] as const)));
const routing = { protocol: 'link-state' as const, interval_ms: 200, ttl: 64 };

describe('checkReach', () => {
  it('refuses raft and bully on a ring without routing, naming the remedy', () => {
    for (const kind of ['raft', 'bully'] as const) {
      expect(() => checkReach(kind, ring, 'ring', null)).toThrow(BehaviorError);
      expect(() => checkReach(kind, ring, 'ring', null)).toThrow(`--behavior ${kind} sends to every node, but the topology ring links each node to its neighbours only: add --routing`);
    }
  });

  it('accepts them on a full mesh or with routing, and neighbour-only behaviours anywhere', () => {
    expect(() => checkReach('raft', mesh, 'mesh', null)).not.toThrow();
    expect(() => checkReach('raft', ring, 'ring', routing)).not.toThrow();
    expect(() => checkReach('reliable-broadcast', ring, 'ring', null)).not.toThrow();
    expect(() => checkReach('module', ring, 'ring', null)).not.toThrow();
  });
});
