import { describe, expect, it } from 'vitest';
import { LinkOverrideText, linkModelFor, parseCli } from '@agentnet/protocol';
import { COORDINATOR_ENV, COORDINATOR_FLAGS, CoordinatorCli, RUN_FLAGS, RUN_HELP, RunFlags, networkModel, rerunCommand, scenarioModelKeys } from './cli-options.js';

function parseRun(argv: string[]) {
  return parseCli(argv, RUN_FLAGS, RunFlags);
}

function flagsOf(argv: string[]): RunFlags {
  const res = parseRun(argv);
  if (!res.ok) throw new Error(`expected success, got error: ${res.error}`);
  return res.value;
}

function errorOf(argv: string[]): string {
  const res = parseRun(argv);
  if (res.ok) throw new Error(`expected an error for ${argv.join(' ')}`);
  return res.error;
}

/** The flags of a rerun command line, parsed back as the launcher would. */
function reparse(command: string): RunFlags {
  const prefix = 'npm run cluster -- ';
  expect(command.startsWith(prefix)).toBe(true);
  return flagsOf(command.slice(prefix.length).split(' '));
}

describe('RunFlags defaults', () => {
  it('fills every flag with the documented default', () => {
    expect(flagsOf([])).toEqual({
      nodes: 5,
      duration: 10_000,
      delay: { kind: 'uniform', min: 50, max: 150 },
      interval: { min: 1000, max: 3000 },
      'runs-dir': 'runs',
      'register-timeout': 30_000,
      'ready-timeout': 30_000,
      'log-level': 'info',
      pretty: false,
      json: false,
      quiet: false,
      dashboard: false,
      traffic: 'chatter',
      'message-size': 100,
      'peer-validation': true,
      loss: { kind: 'none' },
      duplicate: 0,
      reorder: 0,
      bandwidth: null,
      queue: 16_000_000,
      link: [],
      'nemesis-interval': 5000,
      'routing-interval': 200,
      ttl: 64,
      broadcast: { mode: 'flood', fanout: 1 },
      settle: 3000,
      param: {},
      security: 'off',
      byzantine: [],
      'api-port': 0,
    });
  });

  it('leaves seed and out unset by default', () => {
    const flags = flagsOf([]);
    expect(flags.seed).toBeUndefined();
    expect(flags.out).toBeUndefined();
  });

  it('parses every flag', () => {
    const flags = flagsOf([
      '-n', '8', '-d', '1.5s', '--seed', '123', '--delay', 'constant:20', '--interval', '500', '--out', '/tmp/x',
      '--runs-dir', 'elsewhere', '--register-timeout', '5s', '--ready-timeout', '2m', '--log-level', 'debug', '--pretty', '--json', '--quiet', '--dashboard',
      '--traffic', 'flood', '--message-size', '250', '--peer-validation', 'off',
      '--loss', 'ge:0.1:0.5:0:1', '--duplicate', '0.05', '--reorder', '0.2', '--bandwidth', '64k', '--queue', '64k', '--topology', 'ring', '--routing', 'link-state', '--routing-interval', '100ms', '--ttl', '9', '--broadcast', 'gossip:3', '--settle', '1.5s', '--param', 'election_ms=1500:3000', '--param', 'rate=5', '--behavior', 'raft',
      '--link', 'n0>n1 loss=1 delay=exponential:20', '--link', 'n1>n0 bandwidth=1m', '--api-port', '7070', '--security', 'on', '--byzantine', 'n1=forge,tamper', '--byzantine', 'n2=replay',
    ]);
    expect(flags).toEqual({
      nodes: 8,
      duration: 1500,
      seed: 123,
      delay: { kind: 'constant', ms: 20 },
      interval: { min: 500, max: 500 },
      out: '/tmp/x',
      'runs-dir': 'elsewhere',
      'register-timeout': 5000,
      'ready-timeout': 120_000,
      'log-level': 'debug',
      pretty: true,
      json: true,
      quiet: true,
      dashboard: true,
      traffic: 'flood',
      'message-size': 250,
      'peer-validation': false,
      loss: { kind: 'gilbert_elliott', p: 0.1, r: 0.5, loss_good: 0, loss_bad: 1 },
      duplicate: 0.05,
      reorder: 0.2,
      bandwidth: 64_000,
      queue: 64_000,
      topology: { kind: 'ring' },
      routing: 'link-state',
      'routing-interval': 100,
      ttl: 9,
      broadcast: { mode: 'gossip', fanout: 3 },
      settle: 1500,
      param: { election_ms: '1500:3000', rate: '5' },
      behavior: { kind: 'raft', module: null },
      link: [
        { src: 'n0', dest: 'n1', loss: { kind: 'bernoulli', p: 1 }, delay: { kind: 'exponential', mean: 20 } },
        { src: 'n1', dest: 'n0', bandwidth: 1_000_000 },
      ],
      'nemesis-interval': 5000,
      security: 'on',
      byzantine: [{ node: 'n1', attacks: ['forge', 'tamper'] }, { node: 'n2', attacks: ['replay'] }],
      'api-port': 7070,
    });
  });

  it('has a help line for every run flag', () => {
    for (const flag of Object.keys(RUN_FLAGS)) {
      expect(RUN_HELP.some((h) => h.flag.includes(`--${flag}`)), flag).toBe(true);
    }
  });
});

describe('RunFlags rejects bad values, naming the flag', () => {
  it.each([
    [['--nodes', '1'], 'nodes'],
    [['--nodes', 'many'], 'nodes'],
    [['--nodes', '10001'], 'nodes'],
    [['--duration', '10'], 'duration'],
    [['--seed', 'abc'], 'seed'],
    [['--api-port', '70000'], 'api-port'],
    [['--security', 'maybe'], 'security'],
    [['--seed=-1'], 'seed'],
    [['--delay', 'uniform:150:50'], 'delay'],
    [['--delay', 'gaussian:10'], 'delay'],
    [['--interval', '3000:1000'], 'interval'],
    [['--interval', '0'], 'interval'],
    [['--register-timeout', 'soon'], 'register-timeout'],
    [['--ready-timeout', '0s'], 'ready-timeout'],
    [['--log-level', 'loud'], 'log-level'],
    [['--byzantine', 'n1'], 'byzantine.0'],
    [['--byzantine', 'n1=sneak'], 'byzantine.0'],
  ])('%j', (argv, flag) => {
    const message = errorOf(argv);
    expect(message.startsWith(`${flag}: `), message).toBe(true);
  });

  it('gives the value checks\' own messages', () => {
    expect(errorOf(['--nodes', '1'])).toBe('nodes: nodes must be between 2 and 10000');
    expect(errorOf(['--delay', 'uniform:150:50'])).toBe('delay: delay "uniform:150:50": MIN must not exceed MAX');
    expect(errorOf(['--seed', 'abc'])).toBe('seed: seed must be a non-negative integer');
    expect(errorOf(['--byzantine', 'n1=forge,sneak'])).toBe('byzantine.0: unknown attack sneak in "n1=forge,sneak" (attacks: forge, replay, tamper, impersonate, downgrade)');
  });

  it('rejects flags that are not run flags', () => {
    expect(errorOf(['--port', '7000'])).toContain('--port');
  });
});

describe('rerunCommand', () => {
  it('spells out the decisions of a run', () => {
    expect(rerunCommand(flagsOf([]), 99)).toBe(
      'npm run cluster -- --nodes 5 --duration 10s --seed 99 --delay uniform:50:150 --interval 1000:3000',
    );
  });

  it.each([
    [[]],
    [['--nodes', '12', '--duration', '1.5s', '--delay', 'constant:0', '--interval', '250']],
    [['-n', '3', '-d', '2m', '--delay', 'uniform:0.5:7.25', '--interval', '10:20', '--seed', '7']],
    [['--duration', '500ms', '--delay', 'uniform:30:30', '--interval', '0.5:1.5']],
    [['--duration', '90s', '--nodes', '10000']],
    [['--duration', '1.0005s']],
  ])('re-parses to the same decisions: %j', (argv) => {
    const flags = flagsOf(argv);
    const seed = flags.seed ?? 4242;
    const again = reparse(rerunCommand(flags, seed));
    expect(again.seed).toBe(seed);
    expect({ nodes: again.nodes, duration: again.duration, delay: again.delay, interval: again.interval }).toEqual({
      nodes: flags.nodes,
      duration: flags.duration,
      delay: flags.delay,
      interval: flags.interval,
    });
    // And the command is a fixed point.
    expect(rerunCommand(again, seed)).toBe(rerunCommand(flags, seed));
  });

  it('prints the duration in the largest whole unit', () => {
    expect(rerunCommand(flagsOf(['--duration', '2m']), 1)).toContain('--duration 2m ');
    expect(rerunCommand(flagsOf(['--duration', '1.5s']), 1)).toContain('--duration 1500ms ');
    expect(rerunCommand(flagsOf(['--duration', '120000ms']), 1)).toContain('--duration 2m ');
  });

  it('uses the given seed, not the flag', () => {
    expect(rerunCommand(flagsOf(['--seed', '1']), 2)).toContain('--seed 2');
  });

  it('carries --interval only for the behaviours that send at it: chatter and broadcast', () => {
    expect(rerunCommand(flagsOf(['--interval', '50:100']), 1)).toContain('--interval 50:100');
    expect(rerunCommand(flagsOf(['--traffic', 'broadcast', '--interval', '50:100']), 1)).toContain('--interval 50:100');
    for (const behavior of ['raft', 'bully', 'reliable-broadcast', 'flood', './examples/ping-pong.ts']) {
      expect(rerunCommand(flagsOf(['--behavior', behavior, '--interval', '50:100']), 1), behavior).not.toContain('--interval');
    }
    expect(rerunCommand(flagsOf(['--traffic', 'flood']), 1)).not.toContain('--interval');
  });
});

describe('--param', () => {
  it("takes a built-in's own params, and anything for a module", () => {
    expect(flagsOf(['--behavior', 'raft', '--param', 'election_ms=300:600', '--param', 'heartbeat_ms=100', '--param', 'rate=5']).param).toEqual({ election_ms: '300:600', heartbeat_ms: '100', rate: '5' });
    expect(flagsOf(['--behavior', './examples/ping-pong.ts', '--param', 'anything=at all']).param).toEqual({ anything: 'at all' });
  });

  it.each([
    [['--behavior', 'raft', '--param', 'election_ms=abc'], '--param election_ms=abc: expected MIN:MAX in ms with MIN < MAX'],
    [['--behavior', 'raft', '--param', 'election_ms=300:300'], '--param election_ms=300:300: expected MIN:MAX in ms with MIN < MAX'],
    [['--behavior', 'raft', '--param', 'heartbeat_ms=0'], '--param heartbeat_ms=0: expected a whole number above 0'],
    [['--behavior', 'raft', '--param', 'rate=fast'], '--param rate=fast: expected a whole number above 0'],
    [['--behavior', 'raft', '--param', 'election=300:600'], '--param election=300:600: raft has no such param (its params: election_ms, heartbeat_ms, rate)'],
    [['--param', 'rate=5'], '--param rate=5: chatter takes no --param'],
    [['--behavior', 'bully', '--param', 'election_ms=300:600'], '--param election_ms=300:600: bully takes no --param'],
  ])('refuses %j before anything starts, naming the param', (argv, message) => {
    expect(errorOf(argv)).toBe(message);
  });
});

describe('workload flags', () => {
  it('takes --workload kv with a behaviour on the node API, and --rate, --concurrency, --keys with it', () => {
    expect(flagsOf(['--workload', 'kv', '--behavior', './kv.ts', '--rate', '2.5', '--concurrency', '4', '--keys', '3'])).toMatchObject({ workload: 'kv', rate: 2.5, concurrency: 4, keys: 3 });
    // Unset: the settings pick their defaults (concurrency: the number of nodes).
    const unset = flagsOf(['--workload', 'kv', '--behavior', 'raft']);
    expect([unset.workload, unset.rate, unset.concurrency, unset.keys]).toEqual(['kv', undefined, undefined, undefined]);
  });

  it.each([
    [['--workload', 'kv'], 'workload: --workload kv needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); chatter does not'],
    [['--workload', 'kv', '--traffic', 'broadcast'], 'workload: --workload kv needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); broadcast does not'],
    [['--workload', 'kv', '--behavior', 'flood'], 'workload: --workload kv needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); flood does not'],
    [['--workload', 'kv', '--behavior', 'bully'], 'workload: --workload kv needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); bully does not'],
    [['--workload', 'lin-kv', '--behavior', 'raft'], 'workload: workload "lin-kv" is not kv (the only workload so far)'],
    [['--rate', '5'], 'rate: --rate goes only with --workload kv'],
    [['--concurrency', '2', '--keys', '3'], 'concurrency: --concurrency, --keys go only with --workload kv'],
    [['--workload', 'kv', '--behavior', 'raft', '--rate', '0'], 'rate: rate must be above 0 and at most 10000 operations per second'],
    [['--workload', 'kv', '--behavior', 'raft', '--rate', 'fast'], 'rate: rate must be a number of operations per second'],
    [['--workload', 'kv', '--behavior', 'raft', '--concurrency', '0'], 'concurrency: concurrency must be between 1 and 1000'],
    [['--workload', 'kv', '--behavior', 'raft', '--keys', '1001'], 'keys: keys must be between 1 and 1000'],
  ])('refuses %j', (argv, message) => {
    expect(errorOf(argv)).toBe(message);
  });

  it('spells the workload out in the rerun line, which parses back to the same settings', () => {
    const flags = flagsOf(['--nodes', '4', '--workload', 'kv', '--behavior', 'raft', '--rate', '20']);
    const command = rerunCommand(flags, 3);
    expect(command).toContain('--behavior raft --workload kv --rate 20 --concurrency 4 --keys 5');
    expect(rerunCommand(reparse(command), 3)).toBe(command);
    expect(rerunCommand(flagsOf([]), 3)).not.toContain('--workload');
  });
});

describe('--checker', () => {
  it('names a built-in checker for a module, kept in the rerun line with a --settle that is not the default; the broken variants are no built-ins', () => {
    const flags = flagsOf(['--behavior', './test/fixtures/raft-broken.ts', '--checker', 'raft']);
    expect(flags.checker).toBe('raft');
    const command = rerunCommand(flags, 3);
    expect(command).toContain('--behavior ./test/fixtures/raft-broken.ts --checker raft');
    expect(rerunCommand(reparse(command), 3)).toBe(command);
    expect(rerunCommand(flagsOf(['--settle', '2s']), 3)).toContain('--settle 2s');
    expect(rerunCommand(flagsOf([]), 3)).not.toContain('--settle');
    // Given at its default, it stays: without it a Raft run could settle longer.
    expect(rerunCommand(flagsOf(['--settle', '3s']), 3, new Set(), new Set(['settle']))).toMatch(/--settle 3s$/);
    expect(errorOf(['--checker', 'paxos'])).toMatch(/^checker: Invalid option: expected one of "election"\|"raft"\|"broadcast"/);
    expect(errorOf(['--behavior', 'raft-broken'])).toMatch(/^behavior: behavior "raft-broken" is neither a built-in \(chatter, flood, broadcast, bully, raft, reliable-broadcast\)/);
  });
});

describe('networkModel', () => {
  const scenario = {
    network: { delay: { kind: 'constant' as const, ms: 5 }, loss: { kind: 'bernoulli' as const, p: 0.2 } },
    links: ['n0>n1 loss=1'].map((t) => LinkOverrideText.parse(t)),
    timeline: [],
  };

  it('takes the scenario file\'s model where the command line gave no flag, and its links before --link', () => {
    const cli = parseCli(['--delay', 'constant:9', '--link', 'n0>n1 loss=0'], RUN_FLAGS, RunFlags);
    if (!cli.ok) throw new Error(cli.error);
    const model = networkModel(cli.value, scenario, cli.given);
    expect(model.default.delay).toEqual({ kind: 'constant', ms: 9 });
    expect(model.default.loss).toEqual({ kind: 'bernoulli', p: 0.2 });
    expect(linkModelFor(model, 'n0', 'n1').loss).toEqual({ kind: 'none' });
    expect(scenarioModelKeys(scenario, cli.given)).toEqual(['loss']);
    expect(rerunCommand(cli.value, 1, new Set(scenarioModelKeys(scenario, cli.given)))).toContain('--delay constant:9');
    expect(rerunCommand(cli.value, 1, new Set(['delay']))).not.toContain('--delay');
  });
});

describe('CoordinatorCli', () => {
  it('adds host and port with defaults and env fallback', () => {
    const res = parseCli([], COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, {});
    expect(res).toMatchObject({ ok: true, value: { host: '127.0.0.1', port: 0, nodes: 5 } });
    const env = parseCli(['--port', '7001'], COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, { HOST: '0.0.0.0', PORT: '7000' });
    expect(env).toMatchObject({ ok: true, value: { host: '0.0.0.0', port: 7001 } });
  });

  it('rejects a bad port, naming it', () => {
    const res = parseCli(['--port', '99999'], COORDINATOR_FLAGS, CoordinatorCli, COORDINATOR_ENV, {});
    expect(res).toEqual({ ok: false, error: 'port: port must be between 0 and 65535' });
  });
});
