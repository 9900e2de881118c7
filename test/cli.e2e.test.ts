/**
 * The entry points' command lines: bad flags print the error and a pointer to --help and exit 254
 * (a run's 0, 1 and 2 are its verdict, as Jepsen's; a node process exits 2); --help exits 0; a
 * Ctrl-C during start-up; and the coordinator and nodes run by hand, configured through the
 * environment as in containers.
 */
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Report } from '@agentnet/protocol';
import { CLUSTER, COORDINATOR_MAIN, NODE_MAIN, killAll, readLogLines, spawnTs, waitForLogLine } from './helpers/processes.js';
import { OPEN_ENDED, deliveredSoFar, pollUntil, stopRun } from './helpers/run-control.js';
import { readFileSync } from 'node:fs';

const dirs: string[] = [];
afterEach(async () => {
  await killAll();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-cli-'));
  dirs.push(dir);
  return dir;
}

describe('command lines', () => {
  it.each([
    [['--nodes', '3', '--link', 'n0>n9 loss=1'], /--link names a node this run does not have \(it has n0\.\.n2\): n0>n9/],
    [['--nodes', '5', '--topology', 'regular:3'], /regular:3 needs nodes x K even; 5 x 3 = 15/],
    [['--nodes', '3', '--duration', 'open', '--nemesis', 'partition'], /--duration open cannot plan --nemesis up to the end of the run/],
  ])('refuses %j before starting anything (exit 254)', async (args, message) => {
    const run = spawnTs(CLUSTER, [...args, '--runs-dir', tempDir()]);
    const { code } = await run.exit;
    expect(code).toBe(254);
    expect(run.stderr()).toMatch(message);
  });

  it.each([
    ['cluster', CLUSTER, ['--nodes', 'five'], /nodes must be a whole number/, 254],
    ['cluster', CLUSTER, ['--frobnicate'], /Unknown option '--frobnicate'/, 254],
    ['cluster', CLUSTER, ['--delay', 'gaussian:3'], /delay "gaussian:3" is not one of/, 254],
    ['cluster', CLUSTER, ['--duration', '10'], /duration "10" is not like/, 254],
    ['cluster', CLUSTER, ['--interval', '300:100'], /interval "300:100"/, 254],
    ['cluster', CLUSTER, ['--nodes', '1'], /nodes must be between 2/, 254],
    ['cluster', CLUSTER, ['--topology', 'hypercube'], /topology "hypercube" is not one of/, 254],
    ['cluster', CLUSTER, ['--broadcast', 'gossip:0'], /broadcast "gossip:0" is not flood or gossip:F/, 254],
    ['cluster', CLUSTER, ['--checker', 'paxos'], /checker: Invalid option/, 254],
    ['coordinator', COORDINATOR_MAIN, ['--port', '99999'], /port must be between/, 254],
    ['node', NODE_MAIN, [], /a coordinator URL is required/, 2],
    ['node', NODE_MAIN, ['--coordinator', 'http://x'], /coordinator must be a ws:\/\/ URL/, 2],
  ])('%s %s %j prints the error (%s) and where the usage is, and exits %i', async (_name, script, args, message, exit) => {
    const p = spawnTs(script, args, { COORDINATOR_URL: '' });
    const { code } = await p.exit;
    expect(code).toBe(exit);
    // Two lines: the error, and a pointer to --help; not the 45 lines of usage after it.
    const lines = p.stderr().trimEnd().split('\n');
    expect(lines, p.stderr()).toHaveLength(2);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toMatch(/^run `.* --help` for the options$/);
    expect(p.stderr()).not.toMatch(/Usage: /);
    expect(p.stdout()).toBe('');
  });

  it.each([
    [['--behavior', 'raft', '--param', 'election_ms=abc'], 'error: --param election_ms=abc: expected MIN:MAX in ms with MIN < MAX'],
    [['--behavior', 'raft', '--param', 'electon_ms=1500:3000'], 'error: --param electon_ms=1500:3000: raft has no such param (its params: election_ms, heartbeat_ms, rate)'],
    [['--param', 'rate=5'], 'error: --param rate=5: chatter takes no --param'],
  ])('refuses a bad --param %j before any process starts (exit 254)', async (args, message) => {
    const dir = tempDir();
    const out = join(dir, 'run');
    const p = spawnTs(CLUSTER, ['--nodes', '3', '--out', out, ...args]);
    const { code } = await p.exit;
    expect(code, p.stderr()).toBe(254);
    expect(p.stderr()).toBe(`${message}\nrun \`npm run cluster -- --help\` for the options\n`);
    // No coordinator ran (it makes the run directory first thing), so no node did either.
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a scenario whose heal names no earlier fault, before starting anything (exit 254)', async () => {
    const dir = tempDir();
    const file = join(dir, 'heal.yaml');
    writeFileSync(file, 'timeline:\n  - { at: 1s, partition: { name: cut, preset: halves } }\n  - { at: 2s, heal: nosuchname }\n');
    const p = spawnTs(CLUSTER, ['--nodes', '3', '--scenario', file, '--out', join(dir, 'run')]);
    const { code } = await p.exit;
    expect(code, p.stderr()).toBe(254);
    expect(p.stderr()).toContain(`${file}:3 (timeline.1.heal): heal "nosuchname" names no fault an earlier step starts (faults named before it: cut)`);
    expect(existsSync(join(dir, 'run', 'coordinator.log'))).toBe(false);
  });

  it('Ctrl-C during start-up stops the run without raw JSON log lines on the terminal', async () => {
    const out = tempDir();
    const p = spawnTs(CLUSTER, ['--nodes', '5', '--out', out]);
    const log = join(out, 'coordinator.log');
    // The nodes must have started: one has registered, the others may not have yet.
    await waitForLogLine(log, (l) => l.msg === 'register');
    const nodePids = () => readLogLines(log).filter((l) => l.msg === 'register').map((l) => l.node_pid as number);
    onTestFinished(() => killAll(nodePids()));
    p.child.kill('SIGINT');
    const { code } = await p.exit;
    expect(code, p.stderr()).toBe(130);
    const jsonLines = p.stderr().split('\n').filter((l) => l.startsWith('{'));
    expect(jsonLines, p.stderr()).toEqual([]);
    expect(p.stdout()).toContain('INTERRUPTED');
  });

  it('refuses a bad scenario file before starting anything, naming its line', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'timeline:\n  - at: 1s\n    partition: { groups: [[n0], [n7]] }\n');
    const p = spawnTs(CLUSTER, ['--nodes', '3', '--scenario', file, '--out', join(dir, 'run')]);
    const { code } = await p.exit;
    expect(code).toBe(254);
    expect(p.stderr()).toContain(`${file}:3 (timeline.0.partition): unknown node n7 (this run has n0..n2)`);
  });

  it.each([CLUSTER, COORDINATOR_MAIN, NODE_MAIN])('%s --help exits 0 with the usage', async (script) => {
    const p = spawnTs(script, ['--help']);
    const { code } = await p.exit;
    expect(code).toBe(0);
    expect(p.stdout()).toMatch(/Usage: [\s\S]*--help/);
  });

  it('--pretty shows readable log lines on the terminal as well as JSON in the files', async () => {
    const out = tempDir();
    const p = spawnTs(CLUSTER, ['--nodes', '2', '--duration', '500ms', '--interval', '50:100', '--out', out, '--pretty']);
    const { code } = await p.exit;
    expect(code, p.stderr()).toBe(0);
    expect(p.stderr()).toMatch(/INFO.*: listening/);
    expect(p.stderr()).toMatch(/INFO.*: send/);
    expect(p.stdout()).toMatch(/Total messages exchanged: \d+/);
    expect(readLogLines(join(out, 'n1.log')).some((l) => l.msg === 'send')).toBe(true);
  });

  it('writes runs/<run-id>/ under --runs-dir and points runs/latest at the newest run', async () => {
    const runsDir = tempDir();
    const first = spawnTs(CLUSTER, ['--nodes', '2', '--duration', '300ms', '--runs-dir', runsDir]);
    expect((await first.exit).code, first.stderr()).toBe(0);
    const firstId = readlinkSync(join(runsDir, 'latest'));
    expect(readdirSync(join(runsDir, firstId))).toContain('report.json');
    const second = spawnTs(CLUSTER, ['--nodes', '2', '--duration', '300ms', '--runs-dir', runsDir]);
    expect((await second.exit).code, second.stderr()).toBe(0);
    const secondId = readlinkSync(join(runsDir, 'latest'));
    expect(secondId).not.toBe(firstId);
    expect(readdirSync(runsDir).sort()).toEqual([firstId, secondId, 'latest'].sort());
    expect(Report.parse(JSON.parse(readFileSync(join(runsDir, 'latest', 'report.json'), 'utf8'))).run_id).toBe(secondId);
  });

  it('runs by hand: a coordinator and nodes configured through the environment', async () => {
    const out = tempDir();
    // Open-ended: the fourth node must find the run full, not ended; the test ends it afterwards.
    const coordinator = spawnTs(COORDINATOR_MAIN, ['--nodes', '3', '--duration', OPEN_ENDED, '--interval', '50:100', '--out', out, '--json'], {
      HOST: '127.0.0.1',
      PORT: '0',
    });
    const listening = await waitForLogLine(join(out, 'coordinator.log'), (l) => l.msg === 'listening');
    const env = { COORDINATOR_URL: listening.url as string, HOST: '127.0.0.1', PORT: '0', ADVERTISE_HOST: '127.0.0.1', LOG_LEVEL: 'debug' };
    const nodes = [spawnTs(NODE_MAIN, [], env), spawnTs(NODE_MAIN, [], env), spawnTs(NODE_MAIN, [], env)];
    // A fourth node finds the run full: its registration is refused and it exits 1 instead of waiting.
    await waitForLogLine(join(out, 'coordinator.log'), (l) => l.msg === 'register' && l.registered === 3);
    const extra = spawnTs(NODE_MAIN, [], env);
    expect((await extra.exit).code).toBe(1);
    // It never got a log file, so its log lines come out on stderr.
    expect(extra.stderr()).toMatch(/"msg":"error_reply"/);
    expect(extra.stderr()).toMatch(/the run already has its 3 nodes/);
    expect(readLogLines(join(out, 'coordinator.log')).some((l) => l.msg === 'reject' && (l.err as { code?: number }).code === 1003)).toBe(true);
    await pollUntil(async () => (await deliveredSoFar(out)) > 0, 30_000, 'a delivered message');
    await stopRun(out);
    const { code } = await coordinator.exit;
    expect(code, coordinator.stderr()).toBe(0);
    for (const n of nodes) expect((await n.exit).code).toBe(0);
    const report = Report.parse(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
    expect(report.totals.delivered).toBeGreaterThan(0);
    expect(report.per_node.map((n) => n.pid).sort()).toEqual(nodes.map((n) => n.child.pid).sort());
    // LOG_LEVEL=debug reached the nodes.
    expect(readLogLines(join(out, 'n0.log')).some((l) => l.level === 'debug')).toBe(true);
  });
});
