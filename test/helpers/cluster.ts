/**
 * Runs `scripts/cluster.ts` as a user would (with --json and --out in a temp dir) and reads back
 * what it wrote.
 */
import { afterEach, expect, onTestFinished } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageLine, Report } from '@agentnet/protocol';
import { CLUSTER, COORDINATOR_MAIN, killAll, readLogLines, spawnTs, type Spawned } from './processes.js';

export interface ClusterRun extends Spawned {
  dir: string;
  coordinatorLog: string;
  report: () => Report;
  messages: () => MessageLine[];
  /** PIDs of the coordinator and node processes, from the coordinator's log. */
  pids: () => number[];
  cleanup: () => void;
}

export function startCluster(args: string[]): ClusterRun {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-test-'));
  return runIn(dir, spawnTs(CLUSTER, ['--out', dir, '--json', ...args]));
}

/**
 * A coordinator started by hand with `--security on` and a fresh secret (as in containers: no
 * launcher starts its nodes); the test starts the nodes with `secretHex`. Every process the test
 * spawned is killed, and the directory removed, when the test ends.
 */
export function startByHand(args: string[]): ClusterRun & { secretHex: string } {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-test-'));
  const secretHex = randomBytes(32).toString('hex');
  const run = runIn(dir, spawnTs(COORDINATOR_MAIN, ['--out', dir, '--host', '127.0.0.1', '--port', '0', ...args], { AGENTNET_SECRET: secretHex }));
  onTestFinished(async () => {
    await killAll(run.pids());
    run.cleanup();
  });
  return { ...run, secretHex };
}

function runIn(dir: string, run: Spawned): ClusterRun {
  const coordinatorLog = join(dir, 'coordinator.log');
  return {
    ...run,
    dir,
    coordinatorLog,
    report: () => Report.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))),
    messages: () =>
      readFileSync(join(dir, 'messages.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => MessageLine.parse(JSON.parse(l))),
    pids: () => runPids(dir),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** PIDs of a run's coordinator and node processes, from the coordinator's log in its directory. */
export function runPids(dir: string): number[] {
  const lines = readLogLines(join(dir, 'coordinator.log'));
  const coordinator = lines.find((l) => l.msg === 'listening')?.pid as number | undefined;
  const nodes = lines.filter((l) => l.msg === 'register' || l.msg === 'rejoin').map((l) => l.node_pid as number);
  return coordinator === undefined ? nodes : [coordinator, ...nodes];
}

/**
 * Registers an afterEach that kills every cluster process a test started (launcher, coordinator
 * and nodes, even after a SIGKILLed launcher) and removes its directory; returns `startCluster`.
 */
export function useClusters(): (args: string[]) => ClusterRun {
  const runs: ClusterRun[] = [];
  afterEach(async (ctx) => {
    // AGENTNET_KEEP_FAILED=1 keeps a failed test's run directories to read afterwards.
    const keep = process.env.AGENTNET_KEEP_FAILED === '1' && ctx.task.result?.state === 'fail';
    for (const run of runs.splice(0)) {
      await killAll(run.pids());
      if (keep) process.stderr.write(`kept the failed test's run directory: ${run.dir}\n`);
      else run.cleanup();
    }
  });
  return (args) => {
    const run = startCluster(args);
    runs.push(run);
    return run;
  };
}

/**
 * The accounting identity every report must satisfy, checked from both the report and the journal.
 * A workload's clients send messages too: theirs count in the totals and in no node's `sent`.
 */
export function accountingHolds(report: Report, messages: MessageLine[]): boolean {
  const t = report.totals;
  const byStatus = (s: string) => messages.filter((m) => m.status === s).length;
  const clientSent = (report.workload?.clients ?? []).reduce((n, c) => n + c.sent, 0);
  const perNodeSent = report.per_node.reduce((n, p) => n + p.sent, 0) + clientSent;
  return (
    t.sent === t.delivered + t.dropped + t.in_flight &&
    t.sent === messages.length &&
    t.delivered === byStatus('delivered') &&
    t.dropped === byStatus('dropped') &&
    t.in_flight === byStatus('in_flight') &&
    perNodeSent === t.sent
  );
}

/**
 * A temporary directory for one test, removed when the test ends. A run a test starts without
 * --out gets `--runs-dir testDir()`, so that nothing lands in the repo's runs/.
 */
export function testDir(prefix = 'agentnet-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes a scenario file for one test (removed when the test ends) and returns its path. */
export function scenarioFile(text: string): string {
  const path = join(testDir('agentnet-scenario-'), 'scenario.yaml');
  writeFileSync(path, text);
  return path;
}

/** Waits for a run that must complete: exit 0, and the accounting identity holds. */
export async function completedRun(run: ClusterRun): Promise<{ report: Report; messages: MessageLine[] }> {
  const { code } = await run.exit;
  expect(code, run.stderr()).toBe(0);
  const report = run.report();
  const messages = run.messages();
  expect(accountingHolds(report, messages)).toBe(true);
  return { report, messages };
}

/**
 * How far apart two processes' clocks on this host can read: the nodes stamp messages from
 * performance.timeOrigin, the coordinator from its own start. Bounds that compare a node's times
 * with a fault's moment allow this much.
 */
export const CLOCK_MS = 20;

/**
 * The moment (epoch ms) of the nth fault of a kind, as report.json records it: taken before the
 * coordinator signalled or told the nodes, so nothing the fault ended can have happened before it
 * on any node (within CLOCK_MS). The coordinator's log line comes after, by however long a busy
 * machine takes to write it.
 */
export function faultMoment(report: Report, kind: string, nth = 0): number {
  const fault = report.faults.filter((f) => f.kind === kind)[nth];
  if (!fault) throw new Error(`no ${kind} fault #${nth} in the report: ${report.faults.map((f) => f.kind).join(', ')}`);
  return Date.parse(report.started_at) + fault.at_ms;
}
