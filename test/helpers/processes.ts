/**
 * Process helpers for end-to-end tests: spawn with process.execPath and tsx, collect output, wait
 * for exit or for a log line (with a timeout, never a fixed sleep), and check that PIDs are gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readLogLines } from '../../scripts/log-lines.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TSX = import.meta.resolve('tsx');
export const CLUSTER = `${ROOT}scripts/cluster.ts`;
export const COORDINATOR_MAIN = `${ROOT}packages/coordinator/src/main.ts`;
export const NODE_MAIN = `${ROOT}packages/node/src/main.ts`;
export const CTL = `${ROOT}scripts/ctl.ts`;

export interface Spawned {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const spawned = new Set<ChildProcess>();

export function spawnTs(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  return spawnCommand(process.execPath, ['--import', TSX, script, ...args], env);
}

/** Like spawnTs, for any executable (e.g. the `agentnet` bin npm links into node_modules/.bin). */
export function spawnCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Spawned {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  spawned.add(child);
  return captured(child, () => spawned.delete(child));
}

/** Collects a child's stdout and stderr and its end; `onClose` runs once it has closed. */
export function captured(child: ChildProcess, onClose: () => void): Spawned {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      onClose();
      resolve({ code, signal });
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exit };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie has exited and waits for its parent to reap it.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls `check` until it holds or `timeoutMs` passes; throws with `what` on timeout. */
export async function waitUntil<T>(check: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { readLogLines };

/** Waits until the JSON log at `path` has a line matching `match`; returns it. */
export function waitForLogLine(
  path: string,
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs = 30_000,
): Promise<Record<string, unknown>> {
  return waitUntil(() => readLogLines(path).find(match), timeoutMs, `a matching line in ${path}`);
}

/** Kills every process a test spawned (and the PIDs given) and waits for them to go. */
export async function killAll(pids: number[] = []): Promise<void> {
  for (const child of spawned) child.kill('SIGKILL');
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await waitUntil(() => spawned.size === 0 && pids.every((p) => !isAlive(p)), 10_000, 'spawned processes to exit');
}
