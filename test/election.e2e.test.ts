/**
 * Bully leader election under faults, judged by the election checker from the nodes' own events:
 * the correct algorithm stays valid through a three-way partition, its heal and a leader crash
 * (the run heals, restarts and settles before judging); the broken variant, which reuses epoch
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

async function election(behavior: string) {
  const run = startCluster(['--nodes', '5', '--behavior', behavior, '--duration', '3500ms', '--delay', 'uniform:5:15', '--settle', '2s', '--seed', '51', '--scenario', scenarioFile(SCENARIO)]);
  const { code } = await run.exit;
  const report = run.report();
  expect(accountingHolds(report, run.messages())).toBe(true);
  const events = readFileSync(join(run.dir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { node: string; kind: string; data: { epoch: number } });
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
  });

  it('catches the broken variant electing two leaders in one epoch', async () => {
    const { code, report } = await election('bully-broken');
    expect(code).toBe(1);
    expect(report.verdict?.valid).toBe(false);
    const check = report.verdict?.checks.find((c) => c.name === 'one leader per epoch');
    expect(check?.valid).toBe(false);
    expect(check?.detail).toMatch(/two or more leaders in \d+ epochs: epoch \d+: n\d, n\d/);
  });
});
