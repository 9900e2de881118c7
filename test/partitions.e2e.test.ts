/**
 * Partitions from a scenario file, end to end with real processes: a `drop` partition loses
 * exactly the cross-group traffic, a one-way partition cuts one direction only, and a `hold`
 * partition delivers everything it kept once it heals.
 */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { accountingHolds, CLOCK_MS, completedRun, faultMoment, scenarioFile, useClusters } from './helpers/cluster.js';
import { readLogLines } from './helpers/processes.js';

const startCluster = useClusters();

const group = (id: string) => (id === 'n0' || id === 'n1' ? 'a' : 'b');

describe('partitions', () => {
  it('drop loses exactly the cross-group traffic; one-way cuts one direction only', async () => {
    const file = scenarioFile(`timeline:
  - at: 0
    partition: { groups: [[n0, n1], [n2, n3]], mode: drop }
  - at: 0
    partition: { from: [n2], to: [n3], mode: drop }
`);
    const run = startCluster(['--nodes', '4', '--duration', '2s', '--interval', '20:40', '--seed', '31', '--scenario', file]);
    const { report, messages } = await completedRun(run);
    expect(report.faults.map((f) => f.kind)).toEqual(['partition', 'partition']);

    const cross = messages.filter((m) => group(m.src) !== group(m.dest));
    expect(cross.length).toBeGreaterThan(20);
    expect(cross.every((m) => m.status === 'dropped' && m.drop_reason === 'partition')).toBe(true);
    const n2n3 = messages.filter((m) => m.src === 'n2' && m.dest === 'n3');
    expect(n2n3.length).toBeGreaterThan(5);
    expect(n2n3.every((m) => m.drop_reason === 'partition')).toBe(true);
    // Inside the groups, and n3 -> n2 (the open direction), nothing is dropped.
    const inside = messages.filter((m) => group(m.src) === group(m.dest) && !(m.src === 'n2' && m.dest === 'n3'));
    expect(inside.some((m) => m.src === 'n3' && m.dest === 'n2' && m.status === 'delivered')).toBe(true);
    expect(inside.filter((m) => m.status === 'dropped')).toEqual([]);
    expect(report.totals.dropped_by_reason.partition).toBe(cross.length + n2n3.length);
  });

  it('hold keeps cross-group traffic and delivers all of it after the heal', async () => {
    const file = scenarioFile(`timeline:
  - at: 0
    partition: { name: split, groups: [[n0, n1], [n2, n3]], mode: hold }
  - at: 1s
    heal: split
`);
    const run = startCluster(['--nodes', '4', '--duration', '2s', '--interval', '20:40', '--seed', '32', '--scenario', file]);
    const { report, messages } = await completedRun(run);
    // Nothing is dropped: what a peer still held for a node that stopped first, at the end of the run,
    // stays in flight (docs/protocol.md, 5.4).
    expect(messages.filter((m) => m.status === 'dropped')).toEqual([]);
    expect(report.totals.dropped).toBe(messages.filter((m) => m.status === 'dropped').length);
    const healedAt = faultMoment(report, 'heal');
    const heldBack = messages.filter((m: MessageLine) => group(m.src) !== group(m.dest) && m.sent_at < healedAt - CLOCK_MS);
    expect(heldBack.length).toBeGreaterThan(20);
    // Every one of them arrived, and none before the heal (the moment the coordinator told the nodes).
    expect(heldBack.filter((m) => m.status !== 'delivered' || (m.received_at ?? 0) < healedAt - CLOCK_MS)).toEqual([]);
    expect(report.faults.map((f) => [f.kind, f.detail.split(':')[0]])).toEqual([['partition', 'split (hold)'], ['heal', 'split']]);
  });

  it('the nemesis strikes from the seed: faults alternate with their ends and every message is accounted', async () => {
    const run = startCluster(['--nodes', '4', '--duration', '2500ms', '--interval', '20:40', '--seed', '33', '--nemesis', 'partition,pause', '--nemesis-interval', '700ms']);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = run.report();
    expect(accountingHolds(report, run.messages())).toBe(true);
    const kinds = report.faults.map((f) => f.kind);
    expect(kinds).toHaveLength(6);
    for (let i = 0; i < kinds.length; i += 2) expect([['partition', 'heal'], ['pause', 'resume']]).toContainEqual([kinds[i], kinds[i + 1]]);
    expect(report.rerun).toContain('--nemesis partition,pause --nemesis-interval 700ms');
    expect(report.per_node.every((n) => n.status === 'ok')).toBe(true);
  });

  it('the nemesis crashes and restarts nodes and makes links lossy, each for half an interval', async () => {
    // Seed 33 draws: crash n0 at 800 ms (restart at 1200), loss on n2's links at 1600 ms (healed
    // at 2000), loss on n0's links at 2400 ms (healed at 2800).
    const run = startCluster(['--nodes', '4', '--duration', '3500ms', '--interval', '10:20', '--seed', '33', '--nemesis', 'crash,loss', '--nemesis-interval', '800ms']);
    const { report, messages } = await completedRun(run);
    expect(report.warnings).toEqual([]);
    expect(report.faults.map((f) => f.kind)).toEqual(['crash', 'restart', 'link', 'heal', 'link', 'heal']);
    const n0 = report.per_node.find((n) => n.id === 'n0');
    expect([n0?.status, n0?.incarnation]).toEqual(['ok', 1]);

    const faults = readLogLines(run.coordinatorLog).filter((l) => l.msg === 'fault');
    const timeOf = (kind: string, nth: number) => faults.filter((l) => l.kind === kind)[nth]?.time as number;
    const lossy = [
      { node: 'n2', from: timeOf('link', 0), to: timeOf('heal', 0) },
      { node: 'n0', from: timeOf('link', 1), to: timeOf('heal', 1) },
    ];
    const lost = messages.filter((m) => m.drop_reason === 'loss');
    expect(lost.length).toBeGreaterThan(5);
    // Loss only on the drawn node's links, only during its period.
    const explained = (m: (typeof messages)[number]) => lossy.some((p) => (m.src === p.node || m.dest === p.node) && m.sent_at >= p.from - 5 && m.sent_at <= p.to + 5);
    expect(lost.filter((m) => !explained(m))).toEqual([]);
  });
});
