/**
 * The kv client workload with real processes: clients in the coordinator send Maelstrom lin-kv
 * operations to any node over client links, and the history is judged. A store with one primary
 * (test/fixtures/kv-primary.ts) is linearizable, with every operation completed and every message
 * accounted for; a store where every node keeps its own map (kv-local.ts) is caught (exit 1), and
 * the operation the checker names is in history.jsonl; a crashed and restarted node turns the
 * operations sent to it into fail or info, and the clients link to its new process.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HistoryEntry, type MessageLine } from '@agentnet/protocol';
import { accountingHolds, scenarioFile, testDir, useClusters, type ClusterRun } from './helpers/cluster.js';
import { CLUSTER, readLogLines, spawnTs, waitForLogLine } from './helpers/processes.js';
import { OPEN_ENDED, deliveredSoFar, pollUntil, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();
const FAST = ['--nodes', '3', '--delay', 'uniform:5:15', '--settle', '500ms', '--seed', '7'];

async function workloadRun(behavior: string, extra: string[], until?: (run: ClusterRun) => Promise<void>) {
  const run = startCluster([...FAST, '--behavior', behavior, '--workload', 'kv', '--rate', '40', ...extra]);
  // An open-ended run ends when the test has seen what it needs, not when a clock says.
  if (until) {
    await until(run);
    await stopRun(run.dir);
  }
  const { code } = await run.exit;
  const report = run.report();
  const messages = run.messages();
  const history = readFileSync(join(run.dir, 'history.jsonl'), 'utf8').trim().split('\n').map((l) => HistoryEntry.parse(JSON.parse(l)));
  return { run, code, report, messages, history };
}

/** Every invoke has exactly one completion, after it and by the same process; returns the completions. */
function completions(history: HistoryEntry[]): HistoryEntry[] {
  const done = history.filter((e) => e.type !== 'invoke');
  expect(done).toHaveLength(history.length / 2);
  for (const e of history) expect(e.index).toBe(history.indexOf(e));
  for (const c of done) {
    const invoke = history[c.invoke_index as number];
    expect(invoke).toMatchObject({ type: 'invoke', process: c.process, f: c.f, key: c.key, node: c.node });
    expect(c.time_ms).toBeGreaterThanOrEqual(invoke?.time_ms as number);
  }
  expect(new Set(done.map((c) => c.invoke_index)).size).toBe(done.length);
  return done;
}

/** Each client request in the journal belongs to one operation, and clients sent nothing else. */
function requestsMatch(run: ClusterRun, done: HistoryEntry[], messages: MessageLine[]): void {
  const requests = messages.filter((m) => /^c\d+$/.test(m.src));
  expect(requests.map((m) => m.id).sort()).toEqual(done.flatMap((c) => (c.msg ? [c.msg] : [])).sort());
  expect(run.report().workload?.clients.reduce((n, c) => n + c.sent, 0)).toBe(requests.length);
}

describe('kv workload', () => {
  it('is linearizable on a store with one primary: every operation completed, every message accounted for', async () => {
    const { run, code, report, messages, history } = await workloadRun('./test/fixtures/kv-primary.ts', ['--duration', '2s']);
    expect(code, run.stderr()).toBe(0);
    expect(report.verdict?.checks.map((c) => [c.name, c.valid])).toEqual([
      ['linearizable', true],
      ['final reads', true],
    ]);
    expect(accountingHolds(report, messages)).toBe(true);
    // The nodes' own counters (client requests and replies included) agree with the journal.
    expect(report.warnings).toEqual([]);
    expect(report.totals.in_flight).toBe(0);
    const done = completions(history);
    requestsMatch(run, done, messages);
    const w = report.workload;
    expect(w).toMatchObject({ kind: 'kv', rate: 40, concurrency: 3, keys: 5, op_timeout_ms: 1000, history: 'history.jsonl' });
    const during = done.filter((c) => !c.final);
    const ops = w?.ops ?? { read: { ok: 0 }, write: { ok: 0 }, cas: { ok: 0 } };
    expect(during.filter((c) => c.type === 'ok')).toHaveLength(ops.read.ok + ops.write.ok + ops.cas.ok);
    expect(ops.read.ok + ops.write.ok).toBeGreaterThan(20);
    expect(w?.ok_latency_ms.count).toBe(during.filter((c) => c.type === 'ok').length);
    expect(w?.final_reads.map((f) => [f.key, f.ok])).toEqual([0, 1, 2, 3, 4].map((k) => [k, true]));
    // Operations went to every node, and only through client links: the network saw the proxying.
    expect(new Set(done.map((c) => c.node))).toEqual(new Set(['n0', 'n1', 'n2']));
    expect(report.rerun).toContain('--behavior ./test/fixtures/kv-primary.ts --workload kv --rate 40 --concurrency 3 --keys 5 --settle 500ms');
    const log = readLogLines(run.coordinatorLog);
    expect(log.find((l) => l.msg === 'workload_start')).toMatchObject({ kind: 'kv', rate: 40, clients: 3, keys: 5 });
    expect(log.filter((l) => l.msg === 'final_read')).toHaveLength(5);
  });

  it('catches a store whose nodes keep their own maps (exit 1), naming operations found in history.jsonl', async () => {
    const { run, code, report, messages, history } = await workloadRun('./test/fixtures/kv-local.ts', ['--duration', '1500ms']);
    expect(code, run.stderr()).toBe(1);
    expect(accountingHolds(report, messages)).toBe(true);
    completions(history);
    const check = report.verdict?.checks.find((c) => c.name === 'linearizable');
    expect(check?.valid).toBe(false);
    const m = /^\d+ of 5 keys not linearizable: key (\d+): no order explains (c\d+) (read|cas) \S+ (?:\(final read\) )?\(history (\d+), /.exec(check?.detail ?? '');
    expect(m, check?.detail).not.toBeNull();
    const [, key, process, f, index] = m as RegExpExecArray;
    expect(history[Number(index)]).toMatchObject({ type: 'invoke', key: Number(key), process, f });
  });

  it('turns operations on a crashed node into fail or info, and links to its new process after the restart', async () => {
    const scenario = scenarioFile('timeline:\n  - { at: 600ms, crash: n2 }\n  - { at: 1200ms, restart: n2 }\n');
    // Until a client has linked to n2's new process and n2 has answered a few requests after that.
    const answeredAfterRestart = async (run: ClusterRun) => {
      const linked = await waitForLogLine(run.coordinatorLog, (l) => l.msg === 'client_connect' && l.node_id === 'n2' && readLogLines(run.coordinatorLog).some((r) => r.msg === 'rejoin' && r.node_id === 'n2' && (r.time as number) < (l.time as number)), 120_000);
      const before = await deliveredSoFar(run.dir, 'src=n2');
      await pollUntil(async () => (await deliveredSoFar(run.dir, 'src=n2')) >= before + 5, 60_000, `n2's new process to answer after ${JSON.stringify(linked.time)}`);
    };
    const { run, code, report, messages, history } = await workloadRun('./test/fixtures/kv-primary.ts', ['--duration', OPEN_ENDED, '--scenario', scenario], answeredAfterRestart);
    expect(code, run.stderr()).toBe(0);
    expect(report.verdict?.valid, JSON.stringify(report.verdict)).toBe(true);
    expect(accountingHolds(report, messages)).toBe(true);
    const done = completions(history);
    requestsMatch(run, done, messages);
    const startedAt = Date.parse(report.started_at);
    const crashAt = startedAt + (report.faults.find((f) => f.kind === 'crash')?.at_ms as number);
    const log = readLogLines(run.coordinatorLog);
    const rejoined = log.find((l) => l.msg === 'rejoin' && l.node_id === 'n2')?.time as number;
    expect(rejoined).toBeGreaterThan(crashAt);
    // Nothing sent to n2 while it was down completed ok: it failed (n2 not running) or is unknown.
    const invokedAt = (c: HistoryEntry) => startedAt + (history[c.invoke_index as number]?.time_ms as number);
    const whileDown = done.filter((c) => c.node === 'n2' && invokedAt(c) > crashAt + 50 && invokedAt(c) < rejoined);
    expect(whileDown.length).toBeGreaterThan(0);
    expect(whileDown.map((c) => c.type).filter((t) => t === 'ok')).toEqual([]);
    // Some client linked to the new process and got answers from it.
    expect(log.some((l) => l.msg === 'client_connect' && l.node_id === 'n2' && (l.time as number) > rejoined)).toBe(true);
    expect(done.some((c) => c.node === 'n2' && c.type === 'ok' && invokedAt(c) > rejoined)).toBe(true);
  });

  it('refuses --workload with a behaviour that cannot answer clients, before starting anything', async () => {
    const run = spawnTs(CLUSTER, ['--nodes', '2', '--workload', 'kv', '--runs-dir', testDir()]);
    expect((await run.exit).code).toBe(254);
    expect(run.stderr()).toMatch(/--workload kv needs a behaviour that answers client operations .*; chatter does not/);
  });
});
