/**
 * The run plan's refusal of a behaviour that sends to every node on a graph that cannot carry it:
 * Raft and Bully need a full mesh or routing; behaviours that talk to neighbours need neither.
 * And Raft's timing sized to the network's delay when --param does not set it.
 */
import { describe, expect, it } from 'vitest';
import { makeGraph } from '../topology/graph.js';
import { DelaySpecText, type NetworkModel } from '@agentnet/protocol';
import { BehaviorError, behaviorParams, checkReach, runBehavior, settleFor, settleNotice } from './run-plan.js';
import { RunFlags } from './cli-options.js';

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

describe('behaviorParams', () => {
  const network = (delay: string, linkDelay?: string): NetworkModel => ({
    default: { delay: DelaySpecText.parse(delay), loss: { kind: 'none' }, duplicate: 0, reorder: 0, bandwidth: null },
    links: linkDelay === undefined ? [] : [{ src: 'n0', dest: 'n1', delay: DelaySpecText.parse(linkDelay) }],
  } as unknown as NetworkModel);

  it("keeps the paper's 150-300 ms where the delay is the paper's, and scales with the p99 delay above it", () => {
    expect(behaviorParams('raft', 'raft', {}, network('uniform:5:15'))).toEqual({ params: {}, derived: null });
    const slow = behaviorParams('raft', 'raft', {}, network('uniform:50:150'));
    expect(slow.params).toEqual({ election_ms: '1500:3000', heartbeat_ms: '500' });
    expect(slow.derived).toBe('raft timing for a p99 one-way delay of 149 ms: --param election_ms=1500:3000 --param heartbeat_ms=500');
    // The slowest link model decides: one slow override is enough. A module judged as Raft gets them too.
    expect(behaviorParams('module', 'raft', {}, network('constant:5', 'constant:40')).params).toEqual({ election_ms: '400:800', heartbeat_ms: '133' });
  });

  it('leaves what --param sets, and other behaviours, alone', () => {
    expect(behaviorParams('raft', 'raft', { election_ms: '300:600' }, network('uniform:50:150'))).toEqual({ params: { election_ms: '300:600' }, derived: null });
    expect(behaviorParams('raft', 'raft', { heartbeat_ms: '100', rate: '5' }, network('uniform:50:150')).params).toEqual({ election_ms: '1500:3000', heartbeat_ms: '100', rate: '5' });
    expect(behaviorParams('bully', 'election', {}, network('uniform:50:150'))).toEqual({ params: {}, derived: null });
    expect(behaviorParams('module', null, {}, network('uniform:50:150'))).toEqual({ params: {}, derived: null });
  });
});

describe('settleFor', () => {
  it("lengthens the default settle for Raft's long timeouts: two of them and the checker's commit window", () => {
    expect(settleFor('raft', { election_ms: '1500:3000' }, 3000, false)).toBe(7000);
    // The paper's timeouts fit in the default.
    expect(settleFor('raft', {}, 3000, false)).toBe(3000);
    expect(settleFor('raft', { election_ms: '150:300' }, 3000, false)).toBe(3000);
  });

  it('keeps a --settle the command line gave, and the default for other checkers', () => {
    expect(settleFor('raft', { election_ms: '1500:3000' }, 2000, true)).toBe(2000);
    expect(settleFor('election', { election_ms: '1500:3000' }, 3000, false)).toBe(3000);
  });
});

describe('settleNotice', () => {
  it('tells of the longer settle only for a run that will settle: with faults planned or a workload', () => {
    expect(settleNotice(7000, 3000, true, false)).toBe("settle 7s after the faults, for Raft's election timeouts (--settle sets it)");
    expect(settleNotice(7000, 3000, false, true)).toBe("settle 7s before the final reads, for Raft's election timeouts (--settle sets it)");
    // No faults and no workload: the run never settles, so there is nothing to tell.
    expect(settleNotice(7000, 3000, false, false)).toBeNull();
    expect(settleNotice(3000, 3000, true, true)).toBeNull();
  });
});

describe('runBehavior', () => {
  const flags = (extra: Record<string, unknown>) => RunFlags.parse(extra);

  it("takes a built-in's own checker, and --checker for a module", () => {
    expect(runBehavior(flags({ behavior: 'raft' }), '/').checker).toBe('raft');
    expect(runBehavior(flags({ behavior: 'raft', checker: 'raft' }), '/').checker).toBe('raft');
    expect(runBehavior(flags({}), '/').checker).toBeNull();
    expect(runBehavior(flags({ behavior: './examples/ping-pong.ts', checker: 'election' }), process.cwd())).toMatchObject({ kind: 'module', checker: 'election' });
  });

  it("refuses another checker for a built-in, which records only its own checker's events", () => {
    expect(() => runBehavior(flags({ behavior: 'raft', checker: 'election' }), '/')).toThrow('--checker election judges a behaviour module; raft is judged by raft');
    expect(() => runBehavior(flags({ checker: 'broadcast' }), '/')).toThrow('--checker broadcast judges a behaviour module; chatter has no checker');
  });

  it('refuses, before any node starts, a module path no node could load: a folder, or a file of another kind', () => {
    const root = new URL('../../../..', import.meta.url).pathname;
    expect(() => runBehavior(flags({ behavior: './examples' }), root)).toThrow(`behavior module ./examples is not a file (looked at ${root}examples)`);
    expect(() => runBehavior(flags({ behavior: './README.md' }), root)).toThrow('behavior module ./README.md is not a .ts, .mts, .cts, .js, .mjs, .cjs file');
    expect(runBehavior(flags({ behavior: './examples/ping-pong.ts' }), root)).toMatchObject({ kind: 'module', module: `${root}examples/ping-pong.ts` });
  });
});
