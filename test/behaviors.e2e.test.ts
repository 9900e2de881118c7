/**
 * Behaviour modules with real processes: a user's module loaded from a path runs on every node
 * through the node API (rpc and handlers over shaped, journaled links); a path that does not exist
 * is refused before anything starts; a module without a factory fails the run with a clear error.
 */
import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedRun, scenarioFile, testDir, useClusters } from './helpers/cluster.js';
import { CLUSTER, readLogLines, spawnTs, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();

describe('behaviour modules', () => {
  it('runs a module from a path on every node: rpcs answered by handlers, every message journaled', async () => {
    const run = startCluster(['--nodes', '3', '--behavior', './examples/ping-pong.ts', '--duration', OPEN_ENDED, '--delay', 'uniform:5:15', '--seed', '31']);
    // However slow the machine: the run ends once every node has logged three answered pings.
    const answered = (id: string) => readLogLines(join(run.dir, `${id}.log`)).filter((l) => l.msg === 'pong').length;
    await waitUntil(() => ['n0', 'n1', 'n2'].every((id) => answered(id) >= 3), 120_000, 'three pongs on every node');
    await stopRun(run.dir);
    const { report, messages } = await completedRun(run);
    expect(report.config.behavior).toMatch(/examples\/ping-pong\.ts$/);
    expect(report.rerun).toContain('--behavior ./examples/ping-pong.ts');
    for (const id of ['n0', 'n1', 'n2']) {
      const pongs = readLogLines(join(run.dir, `${id}.log`)).filter((l) => l.msg === 'pong');
      expect(pongs.length, id).toBeGreaterThanOrEqual(3);
      expect(pongs.every((l) => l.reply === 'pong' && typeof l.rtt_ms === 'number'), id).toBe(true);
    }
    // Requests and replies are both data messages in the journal: every ping that got its pong is two delivered messages.
    expect(messages.filter((m) => m.status === 'delivered').length).toBeGreaterThanOrEqual(2 * 9);
  }, 180_000);

  it('refuses a module path that does not exist, before starting anything', async () => {
    const run = spawnTs(CLUSTER, ['--nodes', '2', '--behavior', './no/such/module.ts', '--runs-dir', testDir()]);
    const { code } = await run.exit;
    expect(code).toBe(254);
    expect(run.stderr()).toMatch(/behavior module \.\/no\/such\/module\.ts does not exist/);
  });

  it('fails the run clearly when the module exports no factory', async () => {
    const path = scenarioFile('').replace(/scenario\.yaml$/, 'broken.ts');
    writeFileSync(path, 'export const nothing = 1;\n');
    const run = startCluster(['--nodes', '2', '--behavior', path, '--duration', '1s']);
    const { code } = await run.exit;
    // No verdict: the run could not be carried out (255), which a script does not take for invalid (1).
    expect(code).toBe(255);
    expect(run.stderr()).toMatch(/lost before the run started|stopped before the run started/);
    // Whichever node fails first ends the run; the other may be stopped before its own load fails.
    const failed = ['n0', 'n1'].flatMap((id) => readLogLines(join(run.dir, `${id}.log`))).find((l) => l.msg === 'behavior_failed');
    expect(failed?.err).toMatchObject({ message: expect.stringContaining('exports no factory') });
  });

  it("passes --param to a behaviour: Raft with election timeouts sized for the default delay is valid", async () => {
    const run = startCluster(['--nodes', '5', '--behavior', 'raft', '--param', 'election_ms=1500:3000', '--param', 'heartbeat_ms=300', '--param', 'rate=5', '--duration', '5s', '--settle', '1s', '--seed', '2']);
    const { report } = await completedRun(run);
    expect(report.config.delay).toBe('uniform:50:150');
    expect(report.rerun).toContain('--param election_ms=1500:3000 --param heartbeat_ms=300 --param rate=5');
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
  });

  it("sizes Raft's timing to the network when --param does not: valid at the default delay, the derived params printed and logged", async () => {
    const run = startCluster(['--nodes', '5', '--behavior', 'raft', '--duration', '6s', '--seed', '4']);
    const { report } = await completedRun(run);
    expect(report.config.delay).toBe('uniform:50:150');
    expect(run.stderr()).toContain('raft timing for a p99 one-way delay of 149 ms: --param election_ms=1500:3000 --param heartbeat_ms=500');
    expect(readLogLines(run.coordinatorLog).find((l) => l.msg === 'behavior_params')?.params).toEqual({ election_ms: '1500:3000', heartbeat_ms: '500' });
    // A settle after faults would fit two such timeouts and a commit: 2 x 3000 + 1000 ms. This run
    // has no faults and never settles, so that settle is not announced; the config records it.
    expect(run.stderr()).not.toContain('settle 7s');
    // Derived, not given: the rerun line derives them again; the report's config says what ran.
    expect(report.rerun).not.toContain('--param');
    expect(report.config).toMatchObject({ behavior: 'raft', checker: 'raft', params: { election_ms: '1500:3000', heartbeat_ms: '500' }, settle_ms: 7000 });
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
  });
});

