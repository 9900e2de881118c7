/**
 * A run refused before it starts (a missing module, a flag that names a node the run lacks, a
 * topology that cannot be built, a bad flag) exits 254 and leaves nothing behind: no run directory
 * under --runs-dir, no --out directory.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { testDir } from './helpers/cluster.js';
import { CLUSTER, killAll, spawnTs } from './helpers/processes.js';

afterEach(() => killAll());

const REFUSED: Array<[string, string[], RegExp]> = [
  ['a behaviour module that does not exist', ['--nodes', '3', '--behavior', '/nonexistent.ts'], /behavior module \/nonexistent\.ts does not exist/],
  ['a link to a node the run does not have', ['--nodes', '3', '--link', 'n0>n9 loss=1'], /--link names a node this run does not have/],
  ['a topology that cannot be built', ['--nodes', '5', '--topology', 'regular:3'], /regular:3 needs nodes x K even/],
  ['a workload the behaviour cannot answer', ['--nodes', '2', '--workload', 'kv'], /--workload kv needs a behaviour that answers client operations/],
  ['a bad flag', ['--nodes', 'five'], /nodes must be a whole number/],
];

describe('a refused run', () => {
  it.each(REFUSED)('(%s) leaves no directory under --runs-dir', async (_why, args, message) => {
    const runsDir = join(testDir(), 'runs');
    const run = spawnTs(CLUSTER, [...args, '--runs-dir', runsDir]);
    const { code } = await run.exit;
    expect(code).toBe(254);
    expect(run.stderr()).toMatch(message);
    expect(existsSync(runsDir), `${runsDir} was made for a run that never started`).toBe(false);
  });

  // The refusals the coordinator makes; the last two are the flags' own, refused by the launcher.
  it.each(REFUSED.slice(0, 3))('(%s) does not make its --out directory', async (_why, args, message) => {
    const out = join(testDir(), 'run');
    const run = spawnTs(CLUSTER, [...args, '--out', out]);
    const { code } = await run.exit;
    expect(code).toBe(254);
    expect(run.stderr()).toMatch(message);
    expect(existsSync(out), `${out} was made for a run that never started`).toBe(false);
  });
});
