import { describe, expect, it } from 'vitest';
import { parseCli } from '@agentnet/protocol';
import { RUN_FLAGS, RunFlags } from '../plan/cli-options.js';
import { finalReadNode, finalReader, plannedOp } from './kv-generator.js';
import { medianDelay, opTimeoutMs, workloadSettings } from './settings.js';

const NODES = ['n0', 'n1', 'n2'];
const SETTINGS = { rate: 10, concurrency: 3, keys: 5 };
const ops = (seed: number, index: number, n = 50) => Array.from({ length: n }, (_, k) => plannedOp(seed, SETTINGS, NODES, index, k));

describe('the kv workload generator', () => {
  it('makes the same decisions for the same seed, client and operation, whatever else was drawn', () => {
    expect(ops(7, 2)).toEqual(ops(7, 2));
    // Drawing another client's operations first changes nothing.
    ops(7, 1);
    expect(plannedOp(7, SETTINGS, NODES, 2, 30)).toEqual(ops(7, 2)[30]);
    expect(ops(8, 2)).not.toEqual(ops(7, 2));
    expect(ops(7, 3)).not.toEqual(ops(7, 2));
  });

  it('spreads the operations over the kinds, keys and nodes, at the rate over all clients', () => {
    const all = [1, 2, 3].flatMap((i) => ops(11, i, 400));
    expect(new Set(all.map((o) => o.f))).toEqual(new Set(['read', 'write', 'cas']));
    expect(new Set(all.map((o) => o.key))).toEqual(new Set([0, 1, 2, 3, 4]));
    expect(new Set(all.map((o) => o.node))).toEqual(new Set(NODES));
    for (const f of ['read', 'write', 'cas']) expect(all.filter((o) => o.f === f).length / all.length).toBeCloseTo(1 / 3, 1);
    // 3 clients at 10 operations per second together: each waits 300 ms on average, at most 600.
    const mean = all.reduce((n, o) => n + o.waitMs, 0) / all.length;
    expect(mean).toBeGreaterThan(270);
    expect(mean).toBeLessThan(330);
    expect(Math.max(...all.map((o) => o.waitMs))).toBeLessThan(600);
  });

  it('writes values that are unique in the run', () => {
    const values = [1, 2, 3].flatMap((i) => ops(5, i, 100).map((o) => o.value));
    expect(new Set(values).size).toBe(values.length);
    expect(Math.min(...values)).toBe(1);
  });

  it('deals the final reads out to the clients and draws their nodes from the seed', () => {
    expect([0, 1, 2, 3, 4].map((k) => finalReader(k, 3))).toEqual([1, 2, 3, 1, 2]);
    expect(finalReadNode(7, NODES, 2, 0)).toBe(finalReadNode(7, NODES, 2, 0));
    const tries = Array.from({ length: 30 }, (_, a) => finalReadNode(7, NODES, 2, a));
    expect(new Set(tries)).toEqual(new Set(NODES));
  });
});

describe('workload settings', () => {
  it('waits ten median delays for a reply, and never less than a second', () => {
    expect(medianDelay({ kind: 'uniform', min: 50, max: 150 })).toBeCloseTo(100, 6);
    expect(opTimeoutMs({ kind: 'uniform', min: 50, max: 150 })).toBe(1000);
    expect(opTimeoutMs({ kind: 'constant', ms: 300 })).toBe(3000);
    expect(opTimeoutMs({ kind: 'exponential', mean: 200 })).toBe(Math.ceil(10 * 200 * Math.LN2));
    expect(opTimeoutMs({ kind: 'uniform', min: 5, max: 15 })).toBe(1000);
  });

  it('takes its defaults: 10 operations per second, as many clients as nodes, 5 keys', () => {
    const cli = parseCli(['--nodes', '4', '--workload', 'kv', '--behavior', 'raft', '--settle', '2s'], RUN_FLAGS, RunFlags);
    if (!cli.ok) throw new Error(cli.error);
    expect(workloadSettings(cli.value, { kind: 'constant', ms: 10 })).toEqual({ kind: 'kv', rate: 10, concurrency: 4, keys: 5, opTimeoutMs: 1000, finalReadsMs: 2000 });
    const none = parseCli([], RUN_FLAGS, RunFlags);
    if (!none.ok) throw new Error(none.error);
    expect(workloadSettings(none.value, { kind: 'constant', ms: 10 })).toBeNull();
  });
});
