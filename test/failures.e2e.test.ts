/**
 * Failures with real processes: a node killed mid-run, Ctrl-C (SIGINT) on the launcher, and a
 * coordinator whose nodes never come.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD_BATCH_INTERVAL_MS } from '@agentnet/protocol';
import { accountingHolds, useClusters } from './helpers/cluster.js';
import { COORDINATOR_MAIN, isAlive, readLogLines, spawnTs, waitForLogLine, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();

describe('failures', () => {
  it('a node killed with SIGKILL mid-run is reported lost and the run still completes', async () => {
    // Open-ended: the kill comes when n2 has shipped records, and the run ends once the others saw it gone.
    const run = startCluster(['--nodes', '5', '--duration', OPEN_ENDED, '--interval', '30:80', '--delay', 'uniform:10:30', '--seed', '3']);
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    // Let n2 receive for longer than a few record batches (200 ms each), so some were shipped.
    const first = await waitForLogLine(join(run.dir, 'n2.log'), (l) => l.msg === 'recv');
    await waitForLogLine(join(run.dir, 'n2.log'), (l) => l.msg === 'recv' && (l.time as number) > (first.time as number) + 3 * RECORD_BATCH_INTERVAL_MS);
    const victim = readLogLines(run.coordinatorLog).find((l) => l.msg === 'register' && l.node_id === 'n2')?.node_pid as number;
    process.kill(victim, 'SIGKILL');
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'lost' && l.node_id === 'n2', 10_000);
    // Every other node has tried to send to the dead n2 (and logged the drop) before the run ends.
    const senderLogs = ['n0', 'n1', 'n3', 'n4'].map((id) => join(run.dir, `${id}.log`));
    await waitUntil(() => senderLogs.every((path) => readLogLines(path).some((l) => l.msg === 'drop' && l.dest === 'n2')), 30_000, 'drops to n2 by every other node');
    await stopRun(run.dir);

    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = run.report();
    const messages = run.messages();
    expect(accountingHolds(report, messages)).toBe(true);
    const n2 = report.per_node.find((n) => n.id === 'n2');
    expect(n2?.status).toBe('lost');
    expect(n2?.reported).toBeNull();
    expect(n2?.lost?.reason).toMatch(/control connection closed/);
    // What n2 reported before it died is kept: it had sent and received messages.
    expect(n2?.sent).toBeGreaterThan(0);
    expect(n2?.received).toBeGreaterThan(0);
    expect(report.per_node.filter((n) => n.status === 'ok')).toHaveLength(4);
    // Messages the others sent to n2 after its death were dropped with a reason, not lost silently.
    const toN2AfterDeath = messages.filter((m) => m.dest === 'n2' && m.status !== 'delivered');
    expect(toN2AfterDeath.length).toBeGreaterThan(0);
    expect(toN2AfterDeath.every((m) => m.status === 'dropped' && (m.drop_reason === 'link_down' || m.drop_reason === 'crash'))).toBe(true);
    expect(report.totals.dropped).toBeGreaterThan(0);
    expect(report.warnings.some((w) => w.includes('n2 was lost'))).toBe(true);
    const senders = ['n0', 'n1', 'n3', 'n4'].map((id) => readLogLines(join(run.dir, `${id}.log`)));
    expect(senders.some((lines) => lines.some((l) => l.msg === 'drop' && l.dest === 'n2'))).toBe(true);
    expect(run.pids().filter(isAlive)).toEqual([]);
  });

  it('SIGINT on the launcher stops every process, flushes logs and writes a partial report', async () => {
    const run = startCluster(['--nodes', '5', '--duration', '60s', '--interval', '30:80', '--seed', '5']);
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    await waitForLogLine(join(run.dir, 'n4.log'), (l) => l.msg === 'recv');
    const pids = run.pids();
    expect(pids).toHaveLength(6);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    expect(code).toBe(130);
    const report = run.report();
    expect(report.interrupted).toBe(true);
    expect(report.elapsed_ms).toBeLessThan(30_000);
    expect(report.totals.delivered).toBeGreaterThan(0);
    expect(accountingHolds(report, run.messages())).toBe(true);
    expect(report.per_node.every((n) => n.status === 'ok')).toBe(true);
    // Every node flushed its log to the end.
    for (const id of ['n0', 'n1', 'n2', 'n3', 'n4']) {
      expect(readLogLines(join(run.dir, `${id}.log`)).at(-1)?.msg).toBe('exit');
    }
    expect(readLogLines(run.coordinatorLog).at(-1)?.msg).toBe('exit');
    // No orphans.
    await waitUntil(() => pids.every((p) => !isAlive(p)), 5_000, 'all processes to be gone');
  });

  it('one Ctrl-C delivered twice (terminal and npm) still stops in order with a report', async () => {
    const run = startCluster(['--nodes', '3', '--duration', '60s', '--interval', '30:80', '--seed', '6']);
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const pids = run.pids();
    run.child.kill('SIGINT');
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    expect(code).toBe(130);
    expect(run.stderr()).not.toMatch(/killing every process/);
    expect(run.report().interrupted).toBe(true);
    expect(accountingHolds(run.report(), run.messages())).toBe(true);
    await waitUntil(() => pids.every((p) => !isAlive(p)), 5_000, 'all processes to be gone');
  });

  it('a launcher killed with SIGKILL leaves no cluster behind: the coordinator stops the run', async () => {
    const run = startCluster(['--nodes', '3', '--duration', '10m', '--interval', '30:80', '--seed', '8']);
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'start');
    const pids = run.pids();
    run.child.kill('SIGKILL');
    await run.exit;
    await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'launcher_lost', 10_000);
    await waitUntil(() => pids.every((p) => !isAlive(p)), 15_000, 'the orphaned cluster to stop');
    expect(run.report().interrupted).toBe(true);
  });

  it('a coordinator whose nodes never register fails with a clear error naming how many arrived', async () => {
    const out = mkdtempSync(join(tmpdir(), 'agentnet-noreg-'));
    onTestFinished(() => rmSync(out, { recursive: true, force: true }));
    const coordinator = spawnTs(COORDINATOR_MAIN, ['--nodes', '3', '--register-timeout', '500ms', '--out', out]);
    const { code } = await coordinator.exit;
    expect(code).toBe(255);
    expect(coordinator.stderr()).toMatch(/only 0 of 3 nodes registered within 500 ms/);
    expect(existsSync(join(out, 'report.json'))).toBe(false);
    expect(readLogLines(join(out, 'coordinator.log')).some((l) => l.msg === 'setup_failed')).toBe(true);
  });
});
