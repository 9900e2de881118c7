/**
 * Runs `scripts/cluster.ts` the way a user does (same launcher, same journal and logs) into a
 * temporary directory, and reads back what the bench needs: the report, the messages, how long the
 * cluster took to be ready, and the memory of its processes while it runs.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageLine, Report } from '@agentnet/protocol';
import { readLogLines } from '../log-lines.js';

const CLUSTER = fileURLToPath(new URL('../cluster.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface ProcessMemory {
  pid: number;
  rss_mb: number;
  pss_mb: number | null;
}

/** RSS and PSS (the process's fair share of pages shared with others) from /proc. */
export function memoryOf(pid: number): ProcessMemory | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
    let pss: number | null = null;
    try {
      pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? NaN) / 1024;
    } catch {
      pss = null;
    }
    return { pid, rss_mb: rss / 1024, pss_mb: pss };
  } catch {
    return undefined;
  }
}


export interface ClusterResult {
  code: number | null;
  /** The run's directory (removed by cleanup). */
  dir: string;
  report: Report | undefined;
  messages: () => MessageLine[];
  /** From launching the launcher to the coordinator's `start` (every node linked to all peers). */
  ready_ms: number | null;
  wall_ms: number;
  stderr: string;
  cleanup: () => void;
}

export interface ClusterOptions {
  /** Called once the run has started, with the PIDs of coordinator and nodes; may take its time. */
  whileRunning?: (pids: { coordinator: number; nodes: number[] }) => Promise<void>;
  /** Interrupt (SIGINT) the run as soon as `whileRunning` returns. */
  interruptAfter?: boolean;
  timeoutMs: number;
}

export async function runCluster(args: string[], options: ClusterOptions): Promise<ClusterResult> {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-bench-'));
  const launchedAt = performance.now();
  const child = spawn(process.execPath, ['--import', TSX, CLUSTER, '--out', dir, '--json', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  const log = join(dir, 'coordinator.log');
  let readyMs: number | null = null;
  let done = false;
  void exited.then(() => (done = true));
  // Watch the coordinator's log for `start`: poll, since the file is written by another process.
  while (!done) {
    const start = readLogLines(log).find((l) => l.msg === 'start');
    if (start) {
      readyMs = performance.now() - launchedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  if (readyMs !== null && options.whileRunning) {
    const lines = readLogLines(log);
    const coordinator = Number(lines.find((l) => l.msg === 'listening')?.pid);
    const nodes = lines.filter((l) => l.msg === 'register').map((l) => Number(l.node_pid));
    await options.whileRunning({ coordinator, nodes });
    if (options.interruptAfter) child.kill('SIGINT');
  }
  const code = await exited;
  clearTimeout(timer);
  const reportPath = join(dir, 'report.json');
  return {
    code,
    dir,
    report: existsSync(reportPath) ? Report.parse(JSON.parse(readFileSync(reportPath, 'utf8'))) : undefined,
    messages: () =>
      readFileSync(join(dir, 'messages.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as MessageLine),
    ready_ms: readyMs === null ? null : Math.round(readyMs),
    wall_ms: Math.round(performance.now() - launchedAt),
    stderr,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Delivered messages per second over [first send + warmup, last send]. */
export function deliveredRate(messages: MessageLine[], warmupMs: number): { msgs_per_s: number; window_ms: number; delivered: number } {
  let first = Infinity;
  let last = -Infinity;
  for (const m of messages) {
    if (m.sent_at < first) first = m.sent_at;
    if (m.sent_at > last) last = m.sent_at;
  }
  const from = first + warmupMs;
  let n = 0;
  for (const m of messages) if (m.received_at !== null && m.received_at >= from && m.received_at <= last) n++;
  const windowMs = last - from;
  return { msgs_per_s: windowMs > 0 ? Math.round((n / windowMs) * 1000) : 0, window_ms: Math.round(windowMs), delivered: n };
}
