/**
 * The progress line: on a terminal (a pseudo-terminal from util-linux's `script`), one line redrawn
 * in place while the run runs (elapsed / duration, nodes, messages so far and per second, faults in
 * force), erased before the report; none with --quiet, and none when stdout is no terminal.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLUSTER, TSX, killAll, spawnCommand, waitUntil } from './helpers/processes.js';
import { runPids, testDir, useClusters, completedRun } from './helpers/cluster.js';
import { OPEN_ENDED, applyFault, stopRun } from './helpers/run-control.js';

const startCluster = useClusters();
const HAS_SCRIPT = spawnSync('script', ['--version']).status === 0;
if (!HAS_SCRIPT) process.stderr.write('progress.e2e: skipped the terminal tests: util-linux `script` is missing (apt-get install bsdutils)\n');
const CLEAR = '\r\u001b[2K';

/** The launcher on a pseudo-terminal: everything it draws comes back on `script`'s stdout. */
function onTerminal(args: string[]) {
  const dir = testDir();
  const quote = (a: string) => `'${a.replaceAll("'", `'\\''`)}'`;
  const command = [process.execPath, '--import', TSX, CLUSTER, '--out', dir, ...args].map(quote).join(' ');
  const run = spawnCommand('script', ['-qfec', command, '/dev/null']);
  onTestFinished(() => killAll(runPids(dir)));
  return { dir, run };
}

describe.skipIf(!HAS_SCRIPT)('the progress line on a terminal', () => {
  it('redraws one line while the run runs, names the faults in force, and is erased before the report', async () => {
    const { dir, run } = onTerminal(['--nodes', '3', '--duration', OPEN_ENDED, '--interval', '20:40', '--seed', '3']);
    const running = /(\d+\.\d) s \/ 600\.0 s {2}nodes 3\/3 registered, 3 ready {2}sent (\d+) delivered (\d+) dropped (\d+) {2}(\d+) msg\/s {2}faults: none/;
    await waitUntil(() => running.test(run.stdout()), 60_000, 'a progress line of the running run');
    await applyFault(dir, { partition: { name: 'cut', groups: [['n0'], ['n1', 'n2']] } });
    await waitUntil(() => /faults: cut/.test(run.stdout()), 60_000, 'the partition on the progress line');
    await stopRun(dir);
    expect((await run.exit).code, run.stderr()).toBe(0);
    const out = run.stdout();
    // Each redraw starts by erasing the line; the report comes after the last erase, on a clean line.
    expect(out.split(CLEAR).length).toBeGreaterThan(3);
    expect(out.slice(out.lastIndexOf(CLEAR) + CLEAR.length)).toMatch(/^\s*Total messages exchanged: \d+/);
    const counts = [...out.matchAll(new RegExp(running.source, 'g'))].map((m) => Number(m[3]));
    expect(counts.length).toBeGreaterThan(0);
    // Counts only grow.
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
  }, 180_000);

  it('draws nothing with --quiet', async () => {
    const { run } = onTerminal(['--nodes', '3', '--duration', '1s', '--interval', '50:100', '--seed', '3', '--quiet']);
    expect((await run.exit).code, run.stderr()).toBe(0);
    expect(run.stdout()).toMatch(/Total messages exchanged: \d+/);
    expect(run.stdout()).not.toContain(CLEAR);
  });
});

describe('the progress line off a terminal', () => {
  it('draws nothing when stdout is a pipe', async () => {
    const run = startCluster(['--nodes', '3', '--duration', '1s', '--interval', '50:100', '--seed', '3']);
    await completedRun(run);
    expect(run.stdout()).not.toContain('\u001b[');
  });
});
