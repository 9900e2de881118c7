/**
 * The fault timeline without processes: partitions and link faults become the fault state sent to
 * ready nodes, heals and resets end them with `ends` on their records, default names never clash
 * with names in force, and a fault that cannot be applied throws FaultError having changed nothing.
 */
import { describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { createLogger } from '@agentnet/protocol';
import { FaultTimeline, type FaultState, type TimelineNode } from './fault-timeline.js';
import { FaultError } from '../errors.js';
import { Action, ScenarioFile } from './scenario.js';

const { log } = createLogger({ role: 'coordinator', level: 'silent', pretty: false });

function timeline(leader?: string, scenario?: ScenarioFile): { t: FaultTimeline; sent: FaultState[] } {
  const sent: FaultState[] = [];
  const nodes: TimelineNode[] = ['n0', 'n1', 'n2'].map((id, i) => ({
    id,
    pid: 1_000_000 + i,
    hostname: 'elsewhere',
    ready: true,
    running: id !== 'n2',
    sendFaults: (s) => {
      if (id === 'n0') sent.push(s);
    },
    expectLoss: () => {},
  }));
  const t = new FaultTimeline(scenario, { nodes: () => nodes, elapsedMs: () => 1234, log, restart: (id) => `${id}: restarted`, leader: () => leader });
  return { t, sent };
}

const act = (json: unknown) => Action.parse(json);

describe('FaultTimeline', () => {
  it('sends the whole fault state on every change and records names and ends', () => {
    const { t, sent } = timeline();
    expect(t.apply(act({ partition: { groups: [['n0'], ['n1', 'n2']], mode: 'hold' } }))).toMatchObject({ at_ms: 1234, kind: 'partition', name: 'p1' });
    expect(t.apply(act({ link: { from: ['n0'], to: ['n1'], both: true, loss: 0.5 } }))).toMatchObject({ kind: 'link', name: 'l1' });
    expect(sent.at(-1)?.partitions.map((p) => p.name)).toEqual(['p1']);
    expect(sent.at(-1)?.links.map((l) => `${l.name}:${l.src}>${l.dest}`)).toEqual(['l1:n0>n1', 'l1:n1>n0']);
    expect(t.apply(act({ heal: 'l1' }))).toMatchObject({ kind: 'heal', ends: ['l1'] });
    expect(sent.at(-1)?.links).toEqual([]);
    expect(t.reset()).toMatchObject({ kind: 'reset', ends: ['p1'] });
    expect(sent.at(-1)).toEqual({ partitions: [], links: [], paused: [], byzantine: [] });
    expect(t.faults.map((f) => f.kind)).toEqual(['partition', 'link', 'heal', 'reset']);
  });

  it('a Byzantine node is in the fault state until healed by name; a second step for it is refused', () => {
    const { t, sent } = timeline();
    // Its data path attacks: no signal, so a node on another host (or not running here) can be one.
    expect(t.apply(act({ byzantine: 'n2=forge,tamper' }))).toMatchObject({ kind: 'byzantine', node: 'n2', name: 'byzantine n2', detail: 'n2 attacks: forge, tamper' });
    expect(sent.at(-1)?.byzantine).toEqual([{ node: 'n2', attacks: ['forge', 'tamper'] }]);
    expect(t.healable).toEqual(['byzantine n2']);
    expect(() => t.apply(act({ byzantine: { node: 'n2', attacks: ['replay'] } }))).toThrow(/n2 is already Byzantine \(forge, tamper\): heal "byzantine n2" first/);
    expect(t.apply(act({ heal: 'byzantine n2' }))).toMatchObject({ kind: 'heal', ends: ['byzantine n2'] });
    expect(sent.at(-1)?.byzantine).toEqual([]);
  });

  it('ends its faults before the settle: later steps are cancelled and recorded, new faults refused', () => {
    vi.useFakeTimers();
    try {
      const scenario = ScenarioFile.parse({
        timeline: [
          { at: '10ms', partition: { name: 'early', preset: 'halves' } },
          { at: '20ms', crash: 'n1' },
          { at: '5s', partition: { name: 'late', preset: 'halves' } },
        ],
      });
      const { t, sent } = timeline(undefined, scenario);
      t.start();
      vi.advanceTimersByTime(10);
      // n1 runs on another host in this fixture, so its crash is skipped (the next test crashes a real process).
      vi.advanceTimersByTime(10);
      expect(t.faults.map((f) => `${f.kind} ${f.detail.split(':')[0]}`)).toEqual(['partition early (drop)', 'crash skipped']);
      expect(t.endFaults()).toEqual([]);
      vi.advanceTimersByTime(10_000);
      expect(t.faults.slice(2).map((f) => [f.kind, f.detail])).toEqual([
        ['partition', "skipped: due at 5000 ms, after the run's end"],
        ['reset', 'ended early'],
      ]);
      expect(sent.at(-1)?.partitions).toEqual([]);
      expect(() => t.apply(act({ partition: { preset: 'ring' } }))).toThrow(/the run has ended its faults and is settling/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('restarts the nodes it crashed when it ends its faults, and names them', async () => {
    // A real process to crash: the timeline signals pids.
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    const exited = once(child, 'exit');
    const restarted: string[] = [];
    const nodes: TimelineNode[] = [{ id: 'n0', pid: child.pid as number, hostname: hostname(), ready: true, running: true, sendFaults: () => {}, expectLoss: () => {} }];
    const t = new FaultTimeline(undefined, { nodes: () => nodes, elapsedMs: () => 0, log, restart: (id) => (restarted.push(id), `${id}: restarted`) });
    try {
      expect(t.apply(act({ crash: 'n0' }))).toMatchObject({ kind: 'crash', node: 'n0', name: 'crash n0' });
      expect(t.endFaults()).toEqual(['n0']);
      expect(restarted).toEqual(['n0']);
      expect(t.faults.at(-1)).toMatchObject({ kind: 'reset', ends: ['crash n0'] });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('never gives a default name that a fault in force already has', () => {
    const { t } = timeline();
    t.apply(act({ partition: { name: 'p1', preset: 'halves' } }));
    expect(t.apply(act({ partition: { preset: 'ring' } })).name).toBe('p2');
    t.apply(act({ link: { name: 'l1', from: ['n0'], to: ['n1'], delay: 'constant:5' } }));
    expect(t.apply(act({ link: { from: ['n1'], to: ['n0'], delay: 'constant:5' } })).name).toBe('l2');
  });

  it('resolves the leader target when the step runs, and refuses it with no leader or no crashed leader', () => {
    expect(() => timeline().t.apply(act({ crash: 'leader' }))).toThrow(/no leader to crash: no node has recorded a leader event yet/);
    // n2 is down in this fixture: the target is resolved to it, then refused as for `crash: n2`.
    expect(() => timeline('n2').t.apply(act({ crash: 'leader' }))).toThrow(/n2 is not running/);
    expect(() => timeline('n1').t.apply(act({ restart: 'leader' }))).toThrow(/no crashed leader to restart/);
  });

  it('refuses what it cannot do, changing nothing', () => {
    const { t, sent } = timeline();
    const refused = (json: unknown, message: RegExp) => {
      expect(() => t.apply(act(json))).toThrow(FaultError);
      expect(() => t.apply(act(json))).toThrow(message);
    };
    refused({ partition: { groups: [['n0'], ['n7']] } }, /unknown node n7/);
    refused({ heal: 'nope' }, /nothing named nope to heal/);
    refused({ crash: 'n2' }, /n2 is not running/);
    refused({ pause: 'n1' }, /runs on elsewhere, not on this host/);
    refused({ resume: 'n1' }, /runs on elsewhere/);
    t.apply(act({ partition: { name: 'x', preset: 'halves' } }));
    refused({ link: { name: 'x', from: ['n0'], to: ['n1'], loss: 1 } }, /"x" already names a partition/);
    expect(t.faults.map((f) => f.kind)).toEqual(['partition']);
    expect(sent).toHaveLength(1);
  });

  it('hands a restart to the host, which starts the node again', () => {
    const { t } = timeline();
    expect(t.apply(act({ restart: 'n2' }))).toMatchObject({ kind: 'restart', detail: 'n2: restarted' });
  });
});
