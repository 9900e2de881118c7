/**
 * Every shell command README.md shows works as written. test/helpers/readme-commands.ts finds them
 * all; each one is either run below (in a copy of the checkout whose `runs/` is a temp directory,
 * see test/helpers/readme-shell.ts) or listed in NOT_RUN with the reason, and a command in neither
 * fails the first test. The README's sample output is checked against a real default run.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { outputShape, readmeCommands, type ReadmeCommand } from './helpers/readme-commands.js';
import { cleanWorkdir, makeWorkdir, programOutput, readJsonLines, runShell } from './helpers/readme-shell.js';
import { ROOT, waitForLogLine } from './helpers/processes.js';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const COMMANDS = readmeCommands(README);
const LONG = process.env.AGENTNET_README_LONG === '1';
const HAS_JQ = (() => {
  try {
    execFileSync('jq', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const JQ_MISSING = "jq is not installed, so the README's jq examples did not run (apt-get install jq; .ci/run installs it)";

/** README commands this test does not run, and why. */
const NOT_RUN: Record<string, string> = {
  'npm test': 'runs every test, this one included',
  'npm ci': '.ci/run does it before the tests',
  'npm install': '.ci/run runs it after npm ci and fails if it changed a file',
  'npm run typecheck': '.ci/run runs it beside the tests',
  'npm run schema': 'rewrites docs/scenario.schema.json in the checkout; scenario.test.ts checks that file is what it would write',
  'npm run cluster -- [options]': 'a synopsis, not a command',
  'npm run cluster': "the command's name; its runs are below",
  'npm run ctl': "the command's name; its uses are in the runtime-control session below",
  'npm run report': "the command's name; `npm run report -- runs/latest` runs in the main-job session below",
  'node --import tsx …': 'a fragment; the commands it stands for are in the sh block that follows',
  'node --import tsx': 'names how the image runs the sources',
  'node --import tsx packages/coordinator/src/main.ts --nodes 3 --host 0.0.0.0 --port 7000':
    'a fixed port and a wildcard bind, which tests may not use; cli.e2e runs both entry points by hand through the same variables on port 0',
  'COORDINATOR_URL=ws://127.0.0.1:7000 node --import tsx packages/node/src/main.ts': 'as the line above',
  'npm run cluster -- --nodes 5 --behavior bully --duration 4s --delay uniform:5:15 --seed 1 --settle 2s --scenario S':
    'S stands for the scenario the prose describes',
  'docker compose up --build --exit-code-from coordinator --abort-on-container-failure': 'needs a Docker engine; compose.test checks the compose file (and `docker compose config` where a Compose CLI is installed)',
  'docker compose up --build': 'needs a Docker engine, as above',
  'docker compose logs coordinator': 'needs a Docker engine, as above',
  'docker compose config': 'compose.test runs it where a Compose CLI is installed',
  'npm run bench -- --quick': 'bench.e2e runs it; as written it writes bench/results/ in the checkout',
  'npm run cluster -- --nodes 5 --behavior raft --delay uniform:5:15 --duration open --dashboard':
    'runs until its page closes it (or Ctrl-C); dashboard.e2e starts a run with --dashboard and drives it from that page in Chromium',
};

interface Outcome {
  stdout: string;
  workdir: string;
}

/** One README command to run: `run` replaces its text where the README's cannot run as is (and says why). */
interface Step {
  readme: string;
  /** Other README commands this run stands for (the same command shown twice). */
  also?: string[];
  run?: string;
  exit: number;
  jq?: true;
  check?: (o: Outcome) => void;
  /**
   * Runs up to this many times while it exits 0 where `exit` is 1: for a run whose fault needs a
   * race to go one way (the README says so beside it). Any other exit fails at once.
   */
  attempts?: number;
}

const latest = (o: Outcome, file: string) => join(o.workdir, 'runs', 'latest', file);
const outputLines = (o: Outcome) => programOutput(o.stdout).filter((l) => l !== '');
const reportOf = (o: Outcome) => JSON.parse(readFileSync(latest(o, 'report.json'), 'utf8')) as { seed: number; totals: { sent: number } };

/** The README's two jq examples, which must work on any run: a default one, one with drops. */
const JQ_EXAMPLES: Step[] = [
  {
    readme: `jq -c 'select(.msg=="drop")' runs/latest/n*.log`,
    exit: 0,
    jq: true,
    check: (o) => expect(outputLines(o).every((l) => (JSON.parse(l) as { msg: string }).msg === 'drop')).toBe(true),
  },
  {
    readme: `jq -s 'map(select(.latency_ms != null) | .latency_ms - .delay_ms) | max' runs/latest/messages.jsonl`,
    exit: 0,
    jq: true,
    check: (o) => {
      const messages = readJsonLines(latest(o, 'messages.jsonl')) as { latency_ms: number | null; delay_ms: number }[];
      const overheads = messages.filter((m) => m.latency_ms !== null).map((m) => m.latency_ms! - m.delay_ms);
      expect(Number(outputLines(o).join(''))).toBeCloseTo(Math.max(...overheads), 6);
    },
  },
];

/** The first line a `ctl` command prints has the shape the README's transcript shows. */
function likeTranscript(readme: string): (o: Outcome) => void {
  const shown = COMMANDS.find((c) => c.where === 'transcript' && c.text === readme)!.output;
  return (o) => expect(outputShape(outputLines(o)[0] ?? '')).toBe(outputShape(shown[0] ?? ''));
}

const ctl = (args: string): Step => ({ readme: `npm run ctl -- ${args}`, exit: 0, check: likeTranscript(`npm run ctl -- ${args}`) });

let defaultRunStdout: string | null = null;

/** Sessions: each runs its steps in order in a fresh copy of the checkout. */
const SESSIONS: { name: string; steps: Step[]; timeoutMs: number }[] = [
  {
    name: 'the main job, and the jq examples on its run',
    timeoutMs: 120_000,
    steps: [
      {
        readme: 'npm install && npm run cluster -- --nodes 5',
        run: 'npm run cluster -- --nodes 5', // installing again under running tests: .ci/run installs first
        also: ['npm run cluster -- --nodes 5'], // the sample output's command
        exit: 0,
        check: (o) => (defaultRunStdout = o.stdout),
      },
      ...JQ_EXAMPLES,
      {
        readme: 'npm run report -- runs/latest',
        exit: 0,
        check: (o) => expect(outputLines(o).at(-1)).toMatch(/^wrote .*report\.html \(\d+ messages, [\d.]+ s\)$/),
      },
    ],
  },
  {
    name: 'a scenario, and the jq examples on its run',
    timeoutMs: 120_000,
    steps: [{ readme: 'npm run cluster -- --nodes 5 --scenario scenarios/partition-heal.yaml', exit: 0 }, ...JQ_EXAMPLES],
  },
  {
    name: '--json piped into jq',
    timeoutMs: 120_000,
    steps: [
      { readme: 'npx agentnet --nodes 3 --duration 2s --json | jq .seed', exit: 0, jq: true, check: (o) => expect(Number(outputLines(o).join(''))).toBe(reportOf(o).seed) },
      {
        readme: `npm run -s cluster -- --nodes 3 --duration 2s --json | jq '.totals.sent'`,
        exit: 0,
        jq: true,
        check: (o) => expect(Number(outputLines(o).join(''))).toBe(reportOf(o).totals.sent),
      },
    ],
  },
  {
    name: 'routing, and a run profiled',
    timeoutMs: 240_000,
    steps: [
      { readme: 'npm run cluster -- --nodes 12 --topology ring --routing distance-vector --interval 200:400 --duration 5s --seed 1', exit: 0 },
      {
        readme: 'npm run cluster -- --nodes 16 --scenario scenarios/grid-routing.yaml --interval 200:400 --duration 9s --seed 1',
        exit: 0,
        // A cut link and a crashed node: messages without a latency, which broke the overhead example.
        check: (o) => expect(readJsonLines(latest(o, 'messages.jsonl')).some((m) => m.latency_ms === null)).toBe(true),
      },
      ...JQ_EXAMPLES,
      {
        readme: 'AGENTNET_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" npm run cluster -- …',
        run: 'AGENTNET_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof" npm run cluster -- --nodes 2 --duration 1s', // … stands for any run
        exit: 0,
        // A profile from the coordinator and from each node, in the directory npm was run from.
        check: (o) => expect(readdirSync(join(o.workdir, 'prof')).filter((f) => f.endsWith('.cpuprofile')).length).toBeGreaterThanOrEqual(3),
      },
    ],
  },
  {
    name: 'behaviours and the kv workload',
    timeoutMs: 300_000,
    steps: [
      { readme: 'npm run cluster -- --nodes 5 --behavior ./examples/ping-pong.ts', exit: 0 },
      { readme: 'npm run cluster -- --nodes 5 --behavior bully --scenario scenarios/partition-heal.yaml', exit: 0 },
      { readme: 'npm run cluster -- --nodes 3 --behavior ./test/fixtures/kv-primary.ts --workload kv --rate 30 --duration 2s --delay uniform:5:15 --settle 500ms --seed 7', exit: 0 },
      { readme: 'npm run cluster -- --nodes 3 --behavior ./test/fixtures/kv-local.ts --workload kv --rate 30 --duration 2s --delay uniform:5:15 --settle 500ms --seed 7', exit: 1 },
      {
        readme: `jq -c 'select(.index == 32 or .invoke_index == 32)' runs/latest/history.jsonl`,
        exit: 0,
        jq: true,
        check: (o) => {
          const ops = outputLines(o).map((l) => JSON.parse(l) as { index: number; invoke_index?: number });
          expect(ops.length).toBeGreaterThan(0);
          expect(ops.every((op) => op.index === 32 || op.invoke_index === 32)).toBe(true);
        },
      },
      { readme: 'npm run cluster -- --nodes 5 --behavior raft --delay uniform:5:15 --workload kv --rate 50 --nemesis partition,crash-leader --nemesis-interval 1500ms --duration 10s --seed 3', exit: 0 },
      {
        readme: 'npm run cluster -- --nodes 5 --behavior raft --workload kv --security on --duration 5s --seed 4',
        exit: 0,
        check: (o) => expect(o.stdout).toMatch(/^security: on, nothing refused$/m),
      },
      {
        readme: 'jq .security runs/latest/report.json',
        exit: 0,
        jq: true,
        check: (o) => expect(JSON.parse(outputLines(o).join('\n'))).toEqual({ mode: 'on', refused: { total: 0, by_guard: {} } }),
      },
      {
        readme: 'npm run cluster -- --nodes 6 --topology ring --routing distance-vector --duplicate 0.2 --security on --duration 3s --seed 7',
        exit: 0,
        check: (o) => expect(o.stdout).toMatch(/^security: on, refused \d+ \(message: replayed \d+\)$/m),
      },
      {
        readme: 'jq .security.refused runs/latest/report.json',
        exit: 0,
        jq: true,
        check: (o) => {
          const refused = JSON.parse(outputLines(o).join('\n')) as { total: number; by_guard: { message?: { replayed?: number } } };
          // Only the network's own duplicates, discarded at their destination as replays.
          expect(refused.total).toBeGreaterThan(0);
          expect(refused.by_guard).toEqual({ message: { replayed: refused.total } });
        },
      },
      // n2 can win the stale side's election on a loaded machine (once in a loaded npm test): the README says to run it again.
      { readme: 'npm run cluster -- --nodes 5 --behavior ./test/fixtures/raft-broken.ts --checker raft --delay uniform:5:15 --seed 16 --duration 4s --settle 2s --workload kv --rate 60 --scenario scenarios/stale-majority.yaml', exit: 1, attempts: 3 },
    ],
  },
  {
    name: 'a Byzantine node, with security off and on',
    timeoutMs: 300_000,
    steps: [
      // n1 can lead the minority itself, where its forgeries cannot help it: the README says to run it again.
      {
        readme: 'npm run cluster -- --nodes 5 --behavior raft --delay uniform:5:15 --duration 5s --settle 2s --seed 16 --scenario examples/byzantine-minority.yaml --security off',
        exit: 1,
        attempts: 3,
        check: (o) => {
          // Forged acks break safety either way: two logs disagree, or a leader acknowledged writes only it stored.
          expect(o.stdout).toMatch(/^ {2}FAIL (state machine safety|acknowledged writes kept): /m);
          expect(o.stdout).toMatch(/^attacks: \d+ made \(forge \d+\), 0 rejected, [1-9]\d* delivered undetected, /m);
        },
      },
      {
        readme: 'jq .security.attacks runs/latest/report.json',
        exit: 0,
        jq: true,
        check: (o) => {
          const attacks = JSON.parse(outputLines(o).join('\n')) as { made: { forge: number }; delivered_undetected: { forge?: number }; rejected: object };
          expect(attacks.made.forge).toBeGreaterThan(0);
          expect(attacks.delivered_undetected.forge).toBeGreaterThan(0);
          expect(attacks.rejected).toEqual({});
        },
      },
      {
        readme: 'npm run cluster -- --nodes 5 --behavior raft --delay uniform:5:15 --duration 5s --settle 2s --seed 16 --scenario examples/byzantine-minority.yaml --security on',
        exit: 0,
        check: (o) => expect(o.stdout).toMatch(/^attacks: \d+ made \(forge \d+\), [1-9]\d* rejected, 0 delivered undetected, /m),
      },
      {
        readme: 'jq .security.attacks.delivered_undetected runs/latest/report.json',
        exit: 0,
        jq: true,
        check: (o) => expect(JSON.parse(outputLines(o).join('\n'))).toEqual({}),
      },
      {
        readme: 'npm run cluster -- --nodes 4 --duration 3s --seed 3 --scenario examples/impersonate-lost-node.yaml --security off',
        exit: 0,
        check: (o) => expect(o.stdout).toMatch(/^attacks: \d+ made \(impersonate 4, downgrade 3\), /m),
      },
      {
        readme: "jq -c '.security.attacks | {made, delivered_undetected}' runs/latest/report.json",
        exit: 0,
        jq: true,
        check: (o) => {
          const a = JSON.parse(outputLines(o).join('\n')) as { made: object; delivered_undetected: { impersonate?: number; downgrade?: number } };
          expect(a.made).toEqual({ impersonate: 4, downgrade: 3 });
          // At least n0's place at the coordinator (lost since 500 ms) and a plain link read by n1 or n2.
          expect(a.delivered_undetected.impersonate).toBeGreaterThan(0);
          expect(a.delivered_undetected.downgrade).toBeGreaterThan(0);
        },
      },
      {
        readme: 'npm run cluster -- --nodes 4 --duration 3s --seed 3 --scenario examples/impersonate-lost-node.yaml --security on',
        exit: 0,
        check: (o) => expect(o.stdout).toMatch(/^attacks: \d+ made \(impersonate 4, downgrade \d+\), [1-9]\d* rejected, 0 delivered undetected, /m),
      },
      {
        readme: "jq -c '.security.attacks | {rejected, delivered_undetected}' runs/latest/report.json",
        exit: 0,
        jq: true,
        check: (o) => {
          const a = JSON.parse(outputLines(o).join('\n')) as { rejected: { impersonate?: Record<string, number> }; delivered_undetected: object };
          expect(a.delivered_undetected).toEqual({});
          expect(a.rejected.impersonate?.no_ticket).toBe(1);
        },
      },
    ],
  },
];

/** The every-scenario loop (~6 minutes) and the full benchmark (~8): only with AGENTNET_README_LONG=1. */
const LONG_STEPS: Step[] = [
  {
    readme: COMMANDS.find((c) => c.text.startsWith('for b in bully raft reliable-broadcast'))?.text ?? 'the every-scenario loop',
    exit: 0,
    // The loop itself always ends 0; a failed run shows as its echo.
    check: (o) => expect(o.stdout.split('\n').filter((l) => /: exit \d+$/.test(l))).toEqual([]),
  },
  { readme: 'npm run bench', run: 'npm run bench -- --out bench-result.json', exit: 0 }, // as written it writes bench/results/ in the checkout
];

/** The runtime-control transcript: an open-ended run, driven and ended by `npm run ctl` from a second shell. */
const CONTROL_RUN = 'npm run cluster -- --nodes 5 --duration 10m --interval 200:400 --seed 42';
const CONTROL_STEPS: Step[] = [
  ctl('partition n0,n1 / n2,n3,n4 --mode hold --name split'),
  ctl(`link 'n3>n4' loss=0.5 delay=constant:100 --both`),
  ctl('links --src n3'),
  ctl('crash n2'),
  ctl('heal split'),
  ctl('state'),
  ctl('reset'),
  ctl('end'),
];

let workdir: string | null = null;
afterEach(async () => {
  if (workdir !== null) await cleanWorkdir(workdir);
  workdir = null;
});

async function runSteps(steps: Step[]): Promise<void> {
  const dir = (workdir = makeWorkdir());
  for (const step of steps) {
    if (step.jq && !HAS_JQ) continue;
    let run = runShell(step.run ?? step.readme, dir);
    let { code } = await run.exit;
    for (let attempt = 1; code === 0 && step.exit === 1 && attempt < (step.attempts ?? 1); attempt++) {
      run = runShell(step.run ?? step.readme, dir);
      ({ code } = await run.exit);
    }
    expect(code, `${step.readme}\n${run.stdout()}\n${run.stderr()}`).toBe(step.exit);
    step.check?.({ stdout: run.stdout(), workdir: dir });
  }
}

describe('README.md commands', () => {
  it('every command is run below or excluded with a reason, and every listed command is in the README', () => {
    const listed = new Set([
      ...Object.keys(NOT_RUN),
      ...[...SESSIONS.flatMap((s) => s.steps), ...LONG_STEPS, ...CONTROL_STEPS].flatMap((s) => [s.readme, ...(s.also ?? [])]),
      CONTROL_RUN,
    ]);
    const shown = new Set(COMMANDS.map((c) => c.text));
    const unknown = COMMANDS.filter((c: ReadmeCommand) => !listed.has(c.text)).map((c) => `README.md:${c.line}: ${c.text}`);
    expect(unknown, 'commands in README.md that test/readme.e2e.test.ts neither runs nor excludes').toEqual([]);
    expect([...listed].filter((t) => !shown.has(t)), 'commands this test lists that README.md no longer shows').toEqual([]);
  });

  it('the extraction refuses what it cannot place, so no command escapes it', () => {
    expect(() => readmeCommands('```powershell\nnpm test\n```\n')).toThrow(/language this test does not know/);
    expect(() => readmeCommands('```\nnpm run cluster\n```\n')).toThrow(/without a "\$ " prompt/);
    expect(() => readmeCommands('```sh\nfor f in *; do\n  echo $f\n```\n')).toThrow(/never ends/);
    const found = readmeCommands('Run `jq . x` or\n`npm run\ncluster`.\n```sh\nnpm test   # all\n```\n```\n$ npm run ctl -- state\nrun x\n```\n');
    expect(found.map((c) => [c.text, c.line, c.output])).toEqual([
      ['jq . x', 1, []],
      ['npm run cluster', 2, []],
      ['npm test', 5, []],
      ['npm run ctl -- state', 8, ['run x']],
    ]);
  });

  it('jq is installed (the README shows jq examples)', (ctx) => {
    if (HAS_JQ) return;
    // CI installs it (.ci/run), so there a missing jq is a failure, not a skip.
    if (process.env.CI) throw new Error(JQ_MISSING);
    ctx.skip(JQ_MISSING);
  });

  for (const session of SESSIONS) it(session.name, () => runSteps(session.steps), session.timeoutMs);

  it('runtime control: npm run ctl drives a running cluster and ends it', async () => {
    const dir = (workdir = makeWorkdir());
    const cluster = runShell(CONTROL_RUN, dir);
    await waitForLogLine(join(dir, 'runs', 'latest', 'coordinator.log'), (l) => l.msg === 'start', 60_000);
    for (const step of CONTROL_STEPS) {
      const run = runShell(step.readme, dir);
      const { code } = await run.exit;
      expect(code, `${step.readme}\n${run.stdout()}\n${run.stderr()}`).toBe(step.exit);
      step.check?.({ stdout: run.stdout(), workdir: dir });
    }
    // `ctl end` ended the open-ended run: it exits as a finished run does, with its report.
    const { code } = await cluster.exit;
    expect(code, cluster.stderr()).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'runs', 'latest', 'report.json'), 'utf8')) as { interrupted: boolean; stopped_by: string };
    expect(report).toMatchObject({ interrupted: false, stopped_by: 'api' });
  }, 240_000);

  it('the long ones: the every-scenario loop and npm run bench', async (ctx) => {
    if (!LONG) ctx.skip('the every-scenario loop (~6 min) and npm run bench (~8 min) run only with AGENTNET_README_LONG=1');
    await runSteps(LONG_STEPS);
  }, 1_200_000);

  it('the sample output has the lines of a real default run, in the same order', () => {
    expect(defaultRunStdout, 'the main-job session ran the default command').not.toBeNull();
    const section = README.split('\n').indexOf('## Sample output') + 1;
    const shown = COMMANDS.find((c) => c.where === 'transcript' && c.line > section);
    expect(shown?.text).toBe('npm run cluster -- --nodes 5');
    const actual = programOutput(defaultRunStdout!).map(outputShape);
    while (actual.at(-1) === '') actual.pop();
    expect(actual).toEqual(shown!.output.map(outputShape));
  });
});
