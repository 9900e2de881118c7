/**
 * Piping a run's output: a reader that goes away (`| head -c 1`, `| true`) is no crash (the run
 * finishes quietly, writes its files and exits with its own code), and the `agentnet` bin prints
 * only what agentnet prints, so `npx agentnet --json | jq` reads nothing but the report.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Report } from '@agentnet/protocol';
import { runPids, testDir } from './helpers/cluster.js';
import { CLUSTER, ROOT, killAll, readLogLines, spawnCommand, spawnTs, type Spawned } from './helpers/processes.js';

/** Where npm links the bin of packages/coordinator, as `npx agentnet` finds it. */
const BIN = join(ROOT, 'node_modules', '.bin', 'agentnet');
const RUN = ['--nodes', '2', '--duration', '1s', '--interval', '50:100'];

const outs: string[] = [];
afterEach(async () => {
  await killAll(outs.splice(0).flatMap(runPids));
});

function outDir(): string {
  const dir = testDir();
  outs.push(dir);
  return dir;
}

/** The run ended as a run, not as a crash: its own exit code, no stack, its files written. */
async function finishedQuietly(run: Spawned, out: string): Promise<void> {
  const { code } = await run.exit;
  expect(run.stderr()).not.toMatch(/crashed|EPIPE|\n\s+at /);
  expect(code, run.stderr()).toBe(0);
  expect(Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).run_id).toBe('run');
  expect(readLogLines(join(out, 'coordinator.log')).some((l) => l.msg === 'output_closed' && l.stream === 'stdout')).toBe(true);
}

describe('piped output', () => {
  it('--json into a reader that is gone before anything is written: the run finishes and exits 0', async () => {
    const out = join(outDir(), 'run');
    const run = spawnTs(CLUSTER, [...RUN, '--json', '--out', out]);
    // The reader end closes before the launcher has even started: every write to stdout fails.
    run.child.stdout?.destroy();
    await finishedQuietly(run, out);
  });

  it('the table into a reader that exits after the first bytes: the run finishes and exits 0', async () => {
    const out = join(outDir(), 'run');
    // Long enough that the reader is gone well before the report: the first line comes at start-up.
    const run = spawnTs(CLUSTER, [...RUN, '--duration', '2s', '--out', out]);
    const first = await new Promise<string>((resolve) => run.child.stdout?.once('data', (d: Buffer) => resolve(d.toString())));
    run.child.stdout?.destroy();
    expect(first).toMatch(/^agentnet run run: seed \d+/);
    await finishedQuietly(run, out);
  });

  it('`agentnet` from node_modules/.bin prints only report.json on stdout with --json', async () => {
    expect(existsSync(BIN), `${BIN} is missing: npm install links it from packages/coordinator's bin`).toBe(true);
    const out = join(outDir(), 'run');
    // The link is run as npx runs it: through its #! line, with this Node first on PATH.
    const run = spawnCommand(BIN, [...RUN, '--json', '--out', out], { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` });
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = Report.parse(JSON.parse(run.stdout()));
    expect(report.run_id).toBe('run');
    expect(report).toEqual(Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))));
  });
});
