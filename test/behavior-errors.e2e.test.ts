/**
 * A behaviour module whose timer throws and that sends to a node that does not exist: each node
 * counts what it caught, reports it with its final counters, and the run shows it in report.json's
 * per_node entries, under warnings and on the terminal, while the run itself still completes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Report } from '@agentnet/protocol';
import { runPids } from './helpers/cluster.js';
import { CLUSTER, killAll, readLogLines, spawnTs, waitUntil } from './helpers/processes.js';
import { OPEN_ENDED, stopRun } from './helpers/run-control.js';

const FAULTY = `
// Every tick throws; once, a send to n99, which no run of three nodes has. Both are set up at the
// start: a timer due before it would be skipped, and a slow machine may take that long to link.
export default function faulty(node) {
  return {
    start() {
      node.every(100, () => {
        throw new Error('boom');
      });
      node.after(250, () => node.send('n99', { type: 'hello' }));
    },
  };
}
`;

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  // The run's processes by the PIDs its coordinator logged, then the directories.
  for (const dir of dirs.splice(0)) {
    await killAll(runPids(dir));
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('behaviour errors', () => {
  it('are counted per node with the first one, in report.json, under warnings and on the terminal', async () => {
    const dir = tempDir('agentnet-test-');
    const module = join(tempDir('agentnet-module-'), 'faulty.ts');
    writeFileSync(module, FAULTY);
    // Without --json, so stdout is the summary a person reads.
    const run = spawnTs(CLUSTER, ['--nodes', '3', '--behavior', module, '--duration', OPEN_ENDED, '--delay', 'uniform:5:15', '--seed', '5', '--out', dir]);
    // The run ends once every node has logged the send to n99 and at least three errors in all.
    const caught = (id: string) => readLogLines(join(dir, `${id}.log`)).filter((l) => l.msg === 'timer_failed');
    const sentToStranger = (id: string) => caught(id).some((l) => String((l.err as { message?: string } | undefined)?.message).includes('n99'));
    await waitUntil(() => ['n0', 'n1', 'n2'].every((id) => sentToStranger(id) && caught(id).length >= 3), 120_000, 'the errors on every node');
    await stopRun(dir);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = Report.parse(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')));
    for (const n of report.per_node) {
      expect(n.status, n.id).toBe('ok');
      // Each error was logged once where it was caught: the throws and the send that escaped its timer.
      const logged = readLogLines(join(dir, `${n.id}.log`)).filter((l) => l.msg === 'timer_failed');
      expect(logged.some((l) => String((l.err as { message?: string } | undefined)?.message).includes('n99')), n.id).toBe(true);
      expect(n.behavior_errors, n.id).toEqual({ count: logged.length, first: { kind: 'timer_failed', text: 'Error: boom' } });
      expect(n.behavior_errors?.count, n.id).toBeGreaterThanOrEqual(3);
      const warning = `${n.id}: ${n.behavior_errors?.count} behaviour errors, first: timer_failed: Error: boom`;
      expect(report.warnings).toContain(warning);
      expect(run.stdout()).toContain(`warning: ${warning}`);
      expect(run.stdout()).toMatch(new RegExp(`^${n.id} .* ok, ${n.behavior_errors?.count} behaviour errors$`, 'm'));
    }
  }, 180_000);
});
