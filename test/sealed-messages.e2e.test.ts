/**
 * End-to-end seals with `--security on`, with real processes: routed messages open at their
 * destination only, the network model's duplicates are discarded there as replays (and still
 * counted as duplicates), reordering costs nothing, and a restarted node's new keys reach every
 * node, so its new process's messages open everywhere. The accounting stays exact throughout.
 */
import { describe, expect, it } from 'vitest';
import { accountingHolds, completedRun, scenarioFile, useClusters } from './helpers/cluster.js';
import { readLogLines, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, deliveredSoFar, pollUntil, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();

describe('end-to-end seals', () => {
  it('opens routed messages at their destination once: network duplicates are discarded as replays', async () => {
    const run = startCluster([
      '--nodes', '6', '--topology', 'ring', '--routing', 'distance-vector', '--security', 'on',
      '--duplicate', '0.3', '--reorder', '0.3', '--delay', 'exponential:5', '--duration', '3s', '--interval', '10:20', '--seed', '7',
    ]);
    const { report, messages } = await completedRun(run);
    expect(report.security.mode).toBe('on');
    expect(accountingHolds(report, messages)).toBe(true);
    const routed = messages.filter((m) => m.status === 'delivered' && (m.hops ?? 0) > 1);
    expect(routed.length).toBeGreaterThan(20);
    // Nothing failed to open: no message was refused or sealed for a process that was gone.
    expect(messages.filter((m) => m.drop_reason === 'rejected' || m.drop_reason === 'crash')).toEqual([]);
    // Every second copy the network made was discarded at the destination, as a replay.
    expect(report.totals.duplicated).toBeGreaterThan(20);
    expect(report.security.refused.by_guard.message).toEqual({ replayed: report.totals.duplicated });
    expect(report.per_node.every((n) => n.status === 'ok')).toBe(true);
  });

  it("hands a restarted node's new key to every node: its new process's messages open everywhere, and none is refused", async () => {
    const file = scenarioFile(`timeline:
  - at: 800ms
    restart: n1
`);
    // Open-ended: the new process takes as long to start as the machine needs (a fixed 3 s run once
    // ended before it sent anything on a loaded machine); the run ends once it has traffic both ways.
    const run = startCluster(['--nodes', '4', '--security', 'on', '--duration', OPEN_ENDED, '--interval', '10:20', '--seed', '8', '--scenario', file]);
    await waitUntil(() => readLogLines(run.coordinatorLog).some((l) => l.msg === 'ready' && l.node_id === 'n1' && l.incarnation === 1), 120_000, 'n1 back after its restart');
    const [toN1, fromN1] = [await deliveredSoFar(run.dir, 'dest=n1'), await deliveredSoFar(run.dir, 'src=n1')];
    await pollUntil(async () => (await deliveredSoFar(run.dir, 'dest=n1')) >= toN1 + 30 && (await deliveredSoFar(run.dir, 'src=n1')) >= fromN1 + 30, 60_000, 'traffic to and from the new n1');
    await stopRun(run.dir);
    const { report, messages } = await completedRun(run);
    expect(accountingHolds(report, messages)).toBe(true);
    expect(report.per_node.find((n) => n.id === 'n1')?.restarts).toHaveLength(1);
    const fromNew = messages.filter((m) => m.id.startsWith('n1.1-'));
    expect(fromNew.filter((m) => m.status === 'delivered').length).toBeGreaterThan(20);
    const newFrom = Math.min(...fromNew.map((m) => m.sent_at));
    const toNew = messages.filter((m) => m.dest === 'n1' && m.sent_at > newFrom && m.status === 'delivered');
    expect(toNew.length).toBeGreaterThan(20);
    // No message was refused: a message sealed for n1's crashed process is no forgery.
    expect(messages.filter((m) => m.drop_reason === 'rejected')).toEqual([]);
    expect(report.security.refused.total).toBe(0);
  });
});
