/**
 * Runs README commands exactly as written, through bash, in a working directory that looks like the
 * checkout: every top-level entry is a symlink to the real one except `runs/`, which is the
 * directory's own. So `npm run cluster` writes `runs/<run-id>` and `runs/latest` there (the
 * launcher resolves them against the directory npm was run from), `runs/latest/…` in a jq
 * command means that run, and the checkout's own `runs/` is never touched.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captured, isAlive, readLogLines, ROOT, waitUntil, type Spawned } from './processes.js';

/** What the working directory leaves out: the runs, and what is not the project's. */
const NOT_LINKED = new Set(['runs', '.git', 'prof']);

export function makeWorkdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-readme-'));
  for (const entry of readdirSync(ROOT)) if (!NOT_LINKED.has(entry)) symlinkSync(join(ROOT, entry), join(dir, entry));
  mkdirSync(join(dir, 'runs'));
  return dir;
}

export type ShellRun = Spawned;

const running = new Set<ChildProcess>();

/**
 * Starts `bash -c command` in `cwd`, in a process group of its own (bash, npm, the launcher) so
 * that teardown and a Ctrl-C reach all of them, as a terminal's would.
 */
export function runShell(command: string, cwd: string): ShellRun {
  const child = spawn('bash', ['-c', command], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  return captured(child, () => running.delete(child));
}

/** What a program printed, without the `> script` lines npm puts before it. */
export function programOutput(stdout: string): string[] {
  const lines = stdout.split('\n');
  let start = 0;
  while (start < lines.length && (lines[start] === '' || lines[start]!.startsWith('> '))) start++;
  return lines.slice(start);
}

/**
 * PIDs of the coordinators and nodes of every run under `workdir/runs`: the launcher starts them
 * in process groups of their own, so killing the shell's group does not reach them.
 */
function clusterPids(workdir: string): number[] {
  const runs = join(workdir, 'runs');
  if (!existsSync(runs)) return [];
  const pids: number[] = [];
  for (const run of readdirSync(runs)) {
    if (run === 'latest') continue;
    for (const line of readLogLines(join(runs, run, 'coordinator.log'))) {
      if (line.msg === 'listening' && typeof line.pid === 'number') pids.push(line.pid);
      if (typeof line.node_pid === 'number') pids.push(line.node_pid);
    }
  }
  return pids;
}

/** Kills every shell this file started (by process group) and every cluster process of `workdir`, then removes it. */
export async function cleanWorkdir(workdir: string): Promise<void> {
  const groups = [...running].map((c) => c.pid).filter((p): p is number => p !== undefined);
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // The group has already gone.
    }
  }
  const pids = clusterPids(workdir);
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await waitUntil(() => running.size === 0 && pids.every((p) => !isAlive(p)), 10_000, 'README commands to exit');
  rmSync(workdir, { recursive: true, force: true });
}

export function readJsonLines(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
