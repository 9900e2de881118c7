/**
 * Bully leader election under faults, judged by the election checker from the nodes' own events:
 * the correct algorithm is valid without faults, through a three-way partition, its heal and a
 * leader crash (the run heals, restarts and settles before judging), and through a minority /
 * majority partition and a crash and restart of whichever node leads; the broken variant, which reuses epoch
 * numbers, elects two leaders for one epoch and the checker says so (exit 1, as Maelstrom).
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { accountingHolds, scenarioFile, useClusters } from './helpers/cluster.js';

const startCluster = useClusters();

const SCENARIO = `timeline:
  - { at: 800ms, partition: { name: three, groups: [[n0, n1], [n2, n3], [n4]] } }
  - { at: 2000ms, heal: three }
  - { at: 2500ms, crash: n4 }
`;

const MAJORITY_AND_LEADER = `timeline:
  - { at: 800ms, partition: { name: split, groups: [[n3, n4], [n0, n1, n2]] } }
  - { at: 1600ms, heal: split }
  - { at: 2000ms, crash: leader }
  - { at: 2600ms, restart: leader }
`;

/** The broken Bully is a test fixture, loaded as a module and judged by the election checker. */
const BROKEN = ['./test/fixtures/bully-broken.ts', '--checker', 'election'];

async function election(behavior: string | string[], scenario: string | null = SCENARIO) {
  const faults = scenario === null ? [] : ['--scenario', scenarioFile(scenario)];
  const run = startCluster(['--nodes', '5', '--behavior', ...[behavior].flat(), '--duration', '3500ms', '--delay', 'uniform:5:15', '--settle', '2s', '--seed', '51', ...faults]);
  const { code } = await run.exit;
  const report = run.report();
  expect(accountingHolds(report, run.messages())).toBe(true);
  const events = readFileSync(join(run.dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number; node: string; kind: string; data: { epoch: number } });
  return { code, report, events, stderr: run.stderr() };
}

describe('bully election', () => {
  it('is valid through a partition, its heal and a leader crash, and agrees on the highest node', async () => {
    const { code, report, events, stderr } = await election('bully');
    expect(code, stderr).toBe(0);
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
    // The partition made several sides elect; the checker saw them all.
    expect(new Set(events.filter((e) => e.kind === 'leader').map((e) => e.node)).size).toBeGreaterThanOrEqual(3);
    // The run ended healed: the crashed leader came back and, being highest, leads again.
    expect(report.faults.map((f) => f.kind)).toEqual(['partition', 'heal', 'crash', 'reset']);
    expect(report.verdict?.checks.find((c) => c.name === 'leader agreed after the last heal')?.detail).toBe('every live node follows n4');
    // Time to elect after the leader's crash: from the crash to the first leadership of an epoch
    // above every one led before it, worked out here from the events themselves.
    const crash = report.faults.find((f) => f.kind === 'crash');
    const crashAt = Date.parse(report.started_at) + (crash?.at_ms ?? 0);
    const leaderships = events.filter((e) => e.kind === 'leader');
    const topEpoch = Math.max(...leaderships.filter((e) => e.at < crashAt).map((e) => e.data.epoch));
    const next = leaderships.find((e) => e.at >= crashAt && e.data.epoch > topEpoch);
    const timing = report.verdict?.checks.find((c) => c.name === 'time to elect')?.data as { elect_samples_ms: number[] };
    expect(next).toBeDefined();
    expect(timing.elect_samples_ms).toContain((next?.at ?? 0) - crashAt);
  });

  it('is valid without faults: n4 leads and everyone follows it', async () => {
    const { code, report, events, stderr } = await election('bully', null);
    expect(code, stderr).toBe(0);
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
    expect(report.faults).toEqual([]);
    expect(new Set(events.filter((e) => e.kind === 'leader').map((e) => e.node))).toEqual(new Set(['n4']));
  });

  it('is valid through a minority / majority partition and a crash and restart of the leader', async () => {
    const { code, report, events, stderr } = await election('bully', MAJORITY_AND_LEADER);
    expect(code, stderr).toBe(0);
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
    // Both sides elected: the minority its highest, n4, and the majority n2.
    expect(events.some((e) => e.kind === 'leader' && e.node === 'n2')).toBe(true);
    // After the heal n4 led again, so the leader crash struck n4, and n3 took over until it came back.
    expect(report.faults.filter((f) => f.kind === 'crash').map((f) => f.name)).toEqual(['crash n4']);
    expect(events.some((e) => e.kind === 'leader' && e.node === 'n3')).toBe(true);
    expect(report.verdict?.checks.find((c) => c.name === 'leader agreed after the last heal')?.detail).toBe('every live node follows n4');
  });

  it('catches the broken variant electing two leaders in one epoch', async () => {
    const { code, report } = await election(BROKEN);
    expect(code).toBe(1);
    expect(report.verdict?.valid).toBe(false);
    const check = report.verdict?.checks.find((c) => c.name === 'one leader per epoch');
    expect(check?.valid).toBe(false);
    expect(check?.detail).toMatch(/two or more leaders in \d+ epochs: epoch \d+: n\d, n\d/);
  });
});
