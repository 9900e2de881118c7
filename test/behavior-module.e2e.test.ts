/**
 * A behaviour module kept in the user's own folder, outside the repo: examples/ping-pong.ts copied
 * there unchanged (no package.json beside it, its `import type` of '@agentnet/node' resolving to
 * nothing) runs on every node; a folder or a file of another kind is refused before anything
 * starts; a module there that does not compile fails the run at start, saying why.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { completedRun, useClusters } from './helpers/cluster.js';
import { CLUSTER, ROOT, readLogLines, spawnTs, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();

/** The user's folder: under the system's temp directory, so nothing of the repo is beside or above it. */
function userFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-user-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  expect(dir.startsWith(ROOT)).toBe(false);
  return dir;
}

describe('a behaviour module outside the repo', () => {
  it('runs examples/ping-pong.ts copied unchanged into a folder of its own', async () => {
    const path = join(userFolder(), 'pp.ts');
    copyFileSync(join(ROOT, 'examples', 'ping-pong.ts'), path);
    const run = startCluster(['--nodes', '3', '--behavior', path, '--duration', OPEN_ENDED, '--delay', 'uniform:5:15', '--seed', '31']);
    // However slow the machine: the run ends once every node has logged three answered pings.
    const pongs = (id: string) => readLogLines(join(run.dir, `${id}.log`)).filter((l) => l.msg === 'pong').length;
    await waitUntil(() => ['n0', 'n1', 'n2'].every((id) => pongs(id) >= 3), 120_000, 'three pongs on every node');
    await stopRun(run.dir);
    const { report, messages } = await completedRun(run);
    expect(report.config.behavior).toBe(path);
    for (const id of ['n0', 'n1', 'n2']) {
      const lines = readLogLines(join(run.dir, `${id}.log`));
      expect(lines.filter((l) => l.msg === 'behavior_failed'), id).toEqual([]);
      const pongs = lines.filter((l) => l.msg === 'pong');
      expect(pongs.length, id).toBeGreaterThanOrEqual(3);
      expect(pongs.every((l) => l.reply === 'pong' && typeof l.rtt_ms === 'number'), id).toBe(true);
    }
    expect(messages.filter((m) => m.status === 'delivered').length).toBeGreaterThanOrEqual(2 * 9);
  }, 180_000);

  it('refuses a folder, or a file no node could load, before starting anything', async () => {
    const folder = userFolder();
    const text = join(folder, 'notes.txt');
    writeFileSync(text, 'not a module\n');
    for (const [path, why] of [
      [folder, 'is not a file'],
      [text, 'is not a .ts, .mts, .cts, .js, .mjs, .cjs file'],
    ] as const) {
      const run = spawnTs(CLUSTER, ['--nodes', '2', '--behavior', path, '--runs-dir', folder]);
      const { code } = await run.exit;
      expect(code, run.stderr()).toBe(254);
      expect(run.stderr()).toContain(`behavior module ${path} ${why}`);
    }
  });

  it('fails the run at start when the module does not compile, with the compiler error in the node log', async () => {
    const path = join(userFolder(), 'broken.ts');
    writeFileSync(path, 'export default function pingPong(node: {) {}\n');
    const run = startCluster(['--nodes', '2', '--behavior', path, '--duration', '1s']);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(255);
    const failed = ['n0', 'n1'].flatMap((id) => readLogLines(join(run.dir, `${id}.log`))).find((l) => l.msg === 'behavior_failed');
    expect(failed?.err).toMatchObject({ message: expect.stringMatching(new RegExp(`^behaviour module ${path}: cannot be loaded: [^]*broken\\.ts`)) });
  });
});
