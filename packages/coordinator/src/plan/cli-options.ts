/**
 * The run's options, as flags. The coordinator's entry point and the cluster launcher share this
 * table, so `npm run cluster` and a coordinator started by hand (or in a container) take the same
 * flags with the same checks.
 */
import { z } from 'zod';
import { NEMESIS_KINDS, NemesisText } from '../faults/nemesis.js';
import { scenarioLinks, type ScenarioFile } from '../faults/scenario.js';
import { TOPOLOGY_FORMS, TopologyText, formatTopology } from '../topology/topology.js';
import { CheckerName } from '../checkers/index.js';
import { workloadFlags } from '../workload/settings.js';
import {
  behaviorModuleLoader,
  DEFAULT_DELAY,
  DEFAULT_DURATION,
  DEFAULT_INTERVAL,
  DEFAULT_NODES,
  DEFAULT_READY_TIMEOUT_MS,
  DEFAULT_SETTLE_MS,
  DEFAULT_REGISTER_TIMEOUT_MS,
  DEFAULT_RUNS_DIR,
  DelaySpecText,
  DurationText,
  IntervalSpecText,
  LogLevelText,
  PortText,
  SeedText,
  TrafficKind,
  BandwidthText,
  DEFAULT_LINK_QUEUE,
  DEFAULT_ROUTING_INTERVAL_MS,
  DEFAULT_TTL,
  DEFAULT_WORKLOAD_KEYS,
  DEFAULT_WORKLOAD_RATE,
  RoutingProtocolName,
  QueueText,
  DELAY_FORMS,
  LinkOverrideText,
  LossText,
  ProbabilityText,
  describeLinkModel,
  formatLoss,
  type NetworkModel,
  formatDelaySpec,
  formatDuration,
  formatIntervalSpec,
  intText,
  parseBehaviorParams,
  type FlagHelp,
  type FlagSpec,
} from '@agentnet/protocol';

/** `flood` or `gossip:F` (`--broadcast`). */
export const BroadcastText = z.string().transform((text, ctx): { mode: 'flood' | 'gossip'; fanout: number } => {
  if (text === 'flood') return { mode: 'flood', fanout: 1 };
  const m = /^gossip:(\d+)$/.exec(text);
  if (m && Number(m[1]) >= 1 && Number(m[1]) <= 1000) return { mode: 'gossip', fanout: Number(m[1]) };
  ctx.addIssue({ code: 'custom', message: `broadcast "${text}" is not flood or gossip:F (F from 1 to 1000)` });
  return z.NEVER;
});

export function formatBroadcast(b: { mode: 'flood' | 'gossip'; fanout: number }): string {
  return b.mode === 'flood' ? 'flood' : `gossip:${b.fanout}`;
}

/** A built-in behaviour by name, or a module by path (anything with a slash or a module's ending, .ts, .mjs, ...). */
export const BehaviorText = z.string().transform((text, ctx): { kind: TrafficKind; module: string | null } => {
  if (/[\\/]/.test(text) || behaviorModuleLoader(text) !== null) return { kind: 'module', module: text };
  const builtin = TrafficKind.exclude(['module']).safeParse(text);
  if (builtin.success) return { kind: builtin.data, module: null };
  ctx.addIssue({ code: 'custom', message: `behavior "${text}" is neither a built-in (${TrafficKind.exclude(['module']).options.join(', ')}) nor a module path like ./my-algorithm.ts` });
  return z.NEVER;
});

/** Flags that describe the run itself (the launcher passes them on to the coordinator). */
export const RUN_FLAGS: FlagSpec = {
  nodes: { type: 'string', short: 'n' },
  duration: { type: 'string', short: 'd' },
  seed: { type: 'string' },
  delay: { type: 'string' },
  interval: { type: 'string' },
  loss: { type: 'string' },
  duplicate: { type: 'string' },
  reorder: { type: 'string' },
  bandwidth: { type: 'string' },
  queue: { type: 'string' },
  link: { type: 'string', multiple: true },
  scenario: { type: 'string' },
  nemesis: { type: 'string' },
  'nemesis-interval': { type: 'string' },
  traffic: { type: 'string' },
  behavior: { type: 'string' },
  checker: { type: 'string' },
  settle: { type: 'string' },
  param: { type: 'string', multiple: true },
  broadcast: { type: 'string' },
  'message-size': { type: 'string' },
  'peer-validation': { type: 'string' },
  out: { type: 'string' },
  'runs-dir': { type: 'string' },
  'register-timeout': { type: 'string' },
  'ready-timeout': { type: 'string' },
  'log-level': { type: 'string' },
  pretty: { type: 'boolean' },
  json: { type: 'boolean' },
  'api-port': { type: 'string' },
  topology: { type: 'string' },
  routing: { type: 'string' },
  'routing-interval': { type: 'string' },
  ttl: { type: 'string' },
  workload: { type: 'string' },
  rate: { type: 'string' },
  concurrency: { type: 'string' },
  keys: { type: 'string' },
};

export const RUN_HELP: FlagHelp[] = [
  { flag: '-n, --nodes N', help: `number of node processes (default ${DEFAULT_NODES})` },
  { flag: '-d, --duration T', help: `how long traffic runs: 500ms, 10s, 2m (default ${DEFAULT_DURATION})` },
  { flag: '--seed S', help: 'run seed, a non-negative integer (default: random; always printed)' },
  { flag: '--delay SPEC', help: `injected delay per message, ms: ${DELAY_FORMS.join(', ')} (default ${DEFAULT_DELAY})` },
  { flag: '--loss P|ge:P:R:LG:LB', help: 'message loss: independent with probability P, or Gilbert-Elliott bursts (default 0)' },
  { flag: '--duplicate P', help: 'probability that a message is delivered twice (default 0)' },
  { flag: '--reorder P', help: 'probability that a message may overtake the one before it on its link (default 0)' },
  { flag: '--bandwidth B', help: 'bytes per second per link: 125000, 64k, 10m (default: no limit)' },
  { flag: '--queue B', help: `bytes a link may queue at its sender before new messages drop as overflow: 64k, 16m, none (default ${DEFAULT_LINK_QUEUE})` },
  { flag: '--link "SRC>DEST k=v ..."', help: 'override one direction of one link (delay, loss, duplicate, reorder, bandwidth, queue); repeatable' },
  { flag: '--interval MIN:MAX', help: `ms between two sends of one node (default ${DEFAULT_INTERVAL})` },
  { flag: '--scenario FILE', help: 'a YAML or JSON network model and timeline of faults; see docs/scenario.schema.json' },
  { flag: '--nemesis KINDS', help: `random faults drawn from the seed: ${NEMESIS_KINDS.join(',')} (one per interval, ended half an interval later)` },
  { flag: '--nemesis-interval T', help: 'how often the nemesis strikes (default 5s)' },
  { flag: '--behavior NAME|PATH', help: 'what every node runs: a built-in (chatter, flood, broadcast; bully, raft, reliable-broadcast, with their checkers) or a behaviour module, ./path/to/module.ts (see docs/writing-a-behavior.md) (default chatter)' },
  { flag: '--checker NAME', help: "judge the run with a built-in checker: election, raft or broadcast (default: a built-in behaviour's own; a module's events must be the ones the checker reads, see docs/writing-a-behavior.md)" },
  { flag: '--param KEY=VALUE', help: "a behaviour's own setting, repeatable (raft: election_ms=MIN:MAX, heartbeat_ms=N, rate=N)" },
  { flag: '--settle T', help: 'for behaviours with checkers: after a run with faults, heal everything and let it settle this long before judging; with --workload always, then the final reads may take as long again (default 3s; for Raft with election timeouts past 1 s, two of them plus 1 s)' },
  { flag: '--traffic KIND', help: 'chatter (the notebook agent), flood (every link as fast as it goes) or broadcast (every node broadcasts values) (default chatter)' },
  { flag: '--broadcast MODE', help: 'with --traffic broadcast: flood (duplicate suppression) or gossip:F (push to F random neighbours) (default flood)' },
  { flag: '--message-size N', help: 'characters of text per message (default: chatter text; flood 100)' },
  { flag: '--peer-validation on|off', help: 'check every peer message against its schema (default on; off only to measure its cost)' },
  { flag: '--out DIR', help: 'write the run into DIR instead of runs/<run-id>' },
  { flag: '--runs-dir DIR', help: `where runs/<run-id> and runs/latest live (default ${DEFAULT_RUNS_DIR})` },
  { flag: '--register-timeout T', help: `how long to wait for all nodes to register (default ${DEFAULT_REGISTER_TIMEOUT_MS / 1000}s)` },
  { flag: '--ready-timeout T', help: `how long to wait for all nodes to link to their peers (default ${DEFAULT_READY_TIMEOUT_MS / 1000}s)` },
  { flag: '--log-level L', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  { flag: '--pretty', help: 'also print readable logs on stderr' },
  { flag: '--json', help: 'print report.json on stdout instead of the table' },
  { flag: '--topology T', help: `who links to whom: ${TOPOLOGY_FORMS.join(', ')} (default mesh)` },
  { flag: '--routing P', help: 'multi-hop routing: distance-vector or link-state (default: none, messages go to neighbours only)' },
  { flag: '--routing-interval T', help: `period of routing updates / hellos (default ${DEFAULT_ROUTING_INTERVAL_MS}ms)` },
  { flag: '--ttl N', help: `hops a routed message may take (default ${DEFAULT_TTL})` },
  { flag: '--workload kv', help: "external clients read, write and cas keys on any node (Maelstrom's lin-kv), checked for linearizability; needs a behaviour that serves them (default: none)" },
  { flag: '--rate R', help: `with --workload: operations per second over all clients (default ${DEFAULT_WORKLOAD_RATE})` },
  { flag: '--concurrency C', help: 'with --workload: clients, each with one operation at a time (default: the number of nodes)' },
  { flag: '--keys K', help: `with --workload: how many keys the clients use (default ${DEFAULT_WORKLOAD_KEYS})` },
  { flag: '--api-port N', help: 'port of the control API (HTTP on 127.0.0.1 only; npm run ctl), 0 = any free port (default 0)' },
];

/** The built-in behaviours without handlers for client operations: all but Raft (a module may have them). */
const NO_KV_SERVICE: ReadonlySet<string> = new Set(['chatter', 'flood', 'broadcast', 'bully', 'reliable-broadcast']);

export const RunFlags = z.object({
  nodes: intText('nodes', 2, 10_000).prefault(String(DEFAULT_NODES)),
  duration: DurationText.prefault(DEFAULT_DURATION),
  seed: SeedText.optional(),
  delay: DelaySpecText.prefault(DEFAULT_DELAY),
  interval: IntervalSpecText.prefault(DEFAULT_INTERVAL),
  loss: LossText.prefault('0'),
  duplicate: ProbabilityText.prefault('0'),
  reorder: ProbabilityText.prefault('0'),
  bandwidth: BandwidthText.prefault('none'),
  queue: QueueText.prefault(DEFAULT_LINK_QUEUE),
  link: z.array(LinkOverrideText).default([]),
  scenario: z.string().optional(),
  nemesis: NemesisText.optional(),
  'nemesis-interval': DurationText.prefault('5s'),
  traffic: TrafficKind.exclude(['module']).default('chatter'),
  behavior: BehaviorText.optional(),
  checker: CheckerName.optional(),
  settle: DurationText.prefault(`${DEFAULT_SETTLE_MS}ms`),
  param: z
    .array(z.string().regex(/^[A-Za-z_][\w.-]*=.*$/, 'a param is KEY=VALUE'))
    .default([])
    .transform((pairs) => Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]))),
  broadcast: BroadcastText.prefault('flood'),
  'message-size': intText('message-size', 1, 65_536).prefault('100'),
  'peer-validation': z.enum(['on', 'off']).default('on').transform((v) => v === 'on'),
  out: z.string().optional(),
  'runs-dir': z.string().default(DEFAULT_RUNS_DIR),
  'register-timeout': DurationText.prefault(`${DEFAULT_REGISTER_TIMEOUT_MS}ms`),
  'ready-timeout': DurationText.prefault(`${DEFAULT_READY_TIMEOUT_MS}ms`),
  'log-level': LogLevelText.default('info'),
  pretty: z.boolean().default(false),
  json: z.boolean().default(false),
  'api-port': PortText.default(0),
  topology: TopologyText.optional(),
  routing: RoutingProtocolName.optional(),
  'routing-interval': DurationText.prefault(`${DEFAULT_ROUTING_INTERVAL_MS}ms`).refine((ms) => ms >= 10 && ms <= 60_000, 'routing-interval must be between 10ms and 60s'),
  ttl: intText('ttl', 1, 10_000).prefault(String(DEFAULT_TTL)),
  workload: z.enum(['kv'], { error: (issue) => `workload "${String(issue.input)}" is not kv (the only workload so far)` }).optional(),
  rate: z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'rate must be a number of operations per second')
    .transform(Number)
    .refine((r) => r > 0 && r <= 10_000, 'rate must be above 0 and at most 10000 operations per second')
    .optional(),
  concurrency: intText('concurrency', 1, 1000).optional(),
  keys: intText('keys', 1, 1000).optional(),
}).superRefine((flags, ctx) => {
  const workloadOnly = (['rate', 'concurrency', 'keys'] as const).filter((k) => flags[k] !== undefined);
  if (flags.workload === undefined && workloadOnly.length > 0) {
    ctx.addIssue({ code: 'custom', path: [workloadOnly[0] as string], message: `--${workloadOnly.join(', --')} ${workloadOnly.length === 1 ? 'goes' : 'go'} only with --workload kv` });
  }
  const behavior = flags.behavior?.kind ?? flags.traffic;
  if (flags.workload !== undefined && NO_KV_SERVICE.has(behavior)) {
    ctx.addIssue({ code: 'custom', path: ['workload'], message: `--workload ${flags.workload} needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); ${behavior} does not` });
  }
  // A built-in's params are checked here, before any process starts, with the schema the node reads
  // them through; a module's params are its own.
  const params = behavior === 'module' ? null : parseBehaviorParams(behavior, flags.param);
  if (params && !params.ok) ctx.addIssue({ code: 'custom', path: [], message: params.error });
});
export type RunFlags = z.infer<typeof RunFlags>;


/** The coordinator entry point: the run flags plus where to listen. */
export const COORDINATOR_FLAGS: FlagSpec = { ...RUN_FLAGS, host: { type: 'string' }, port: { type: 'string' } };
export const COORDINATOR_ENV: Record<string, string> = { host: 'HOST', port: 'PORT' };
export const CoordinatorCli = RunFlags.extend({ host: z.string().default('127.0.0.1'), port: PortText.default(0) });
export const COORDINATOR_HELP: FlagHelp[] = [
  ...RUN_HELP,
  { flag: '--host ADDR', help: 'address the control server binds (env HOST; default 127.0.0.1)' },
  { flag: '--port N', help: 'port the control server binds, 0 = any free port (env PORT; default 0)' },
];

const QUEUE_DEFAULT_BYTES = QueueText.parse(DEFAULT_LINK_QUEUE);
const MODEL_FLAGS = ['delay', 'loss', 'duplicate', 'reorder', 'bandwidth', 'queue'] as const;

/** The default-model fields the scenario file sets and the command line does not. */
export function scenarioModelKeys(scenario: ScenarioFile | undefined, given: ReadonlySet<string>): Array<(typeof MODEL_FLAGS)[number]> {
  return MODEL_FLAGS.filter((k) => scenario?.network?.[k] !== undefined && !given.has(k));
}

/**
 * The run's network model: the default link model from the flags, where the scenario file's
 * `network` sets a field the command line did not give; the scenario's `links` overrides, then the
 * `--link` ones (the last matching override wins).
 */
export function networkModel(flags: RunFlags, scenario?: ScenarioFile, given: ReadonlySet<string> = new Set(MODEL_FLAGS)): NetworkModel {
  const fromFlags = Object.fromEntries(MODEL_FLAGS.map((k) => [k, flags[k]])) as NetworkModel['default'];
  const fromScenario = Object.fromEntries(scenarioModelKeys(scenario, given).map((k) => [k, scenario?.network?.[k]]));
  return { default: { ...fromFlags, ...fromScenario }, links: [...scenarioLinks(scenario), ...flags.link] };
}

/**
 * Whether a behaviour sends at `--interval`: only the notebook's chatter and the broadcast traffic
 * do. The others (and modules, whose node API has no interval) ignore it, so a rerun line that
 * carried it would suggest a setting that changes nothing.
 */
const SENDS_AT_INTERVALS: Record<TrafficKind, boolean> = {
  chatter: true,
  broadcast: true,
  flood: false,
  bully: false,
  raft: false,
  'reliable-broadcast': false,
  module: false,
};

/**
 * The command line that repeats a run's decisions. `fromScenario`: model fields the scenario file
 * sets and the command line did not, left out so the rerun takes them from the file again.
 */
/**
 * The command line that repeats a run. `given`: the flags the command line named, so a --settle
 * given at its default still appears (left out, Raft's timing could choose a longer one).
 */
export function rerunCommand(flags: RunFlags, seed: number, fromScenario: ReadonlySet<string> = new Set(), given: ReadonlySet<string> = new Set()): string {
  const model = (k: (typeof MODEL_FLAGS)[number], text: string[]) => (fromScenario.has(k) ? [] : text);
  const paced = SENDS_AT_INTERVALS[flags.behavior?.kind ?? flags.traffic];
  return [
    'npm run cluster --',
    `--nodes ${flags.nodes}`,
    `--duration ${formatDuration(flags.duration)}`,
    `--seed ${seed}`,
    ...model('delay', [`--delay ${formatDelaySpec(flags.delay)}`]),
    ...(paced ? [`--interval ${formatIntervalSpec(flags.interval)}`] : []),
    ...model('loss', flags.loss.kind === 'none' ? [] : [`--loss ${formatLoss(flags.loss)}`]),
    ...model('duplicate', flags.duplicate > 0 ? [`--duplicate ${flags.duplicate}`] : []),
    ...model('reorder', flags.reorder > 0 ? [`--reorder ${flags.reorder}`] : []),
    ...model('bandwidth', flags.bandwidth === null ? [] : [`--bandwidth ${flags.bandwidth}`]),
    ...model('queue', flags.queue === QUEUE_DEFAULT_BYTES ? [] : [`--queue ${flags.queue ?? 'none'}`]),
    ...flags.link.map((o) => `--link '${o.src}>${o.dest} ${describeLinkModel(o)}'`),
    ...(flags.topology === undefined ? [] : [`--topology ${formatTopology(flags.topology)}`]),
    ...(flags.routing === undefined ? [] : [`--routing ${flags.routing}`, `--routing-interval ${formatDuration(flags['routing-interval'])}`, `--ttl ${flags.ttl}`]),
    ...(flags.scenario === undefined ? [] : [`--scenario ${flags.scenario}`]),
    ...(flags.nemesis === undefined ? [] : [`--nemesis ${flags.nemesis.join(',')} --nemesis-interval ${formatDuration(flags['nemesis-interval'])}`]),
    ...(flags.behavior === undefined ? [] : [`--behavior ${flags.behavior.module ?? flags.behavior.kind}`]),
    ...(flags.checker === undefined ? [] : [`--checker ${flags.checker}`]),
    ...Object.entries(flags.param).map(([k, v]) => `--param ${k}=${v}`),
    ...(flags.traffic === 'chatter' ? [] : flags.traffic === 'broadcast' ? ['--traffic broadcast', `--broadcast ${formatBroadcast(flags.broadcast)}`] : [`--traffic ${flags.traffic}`, `--message-size ${flags['message-size']}`]),
    ...workloadFlags(flags),
    ...(flags.settle === DEFAULT_SETTLE_MS && !given.has('settle') ? [] : [`--settle ${formatDuration(flags.settle)}`]),
    ...(flags['peer-validation'] ? [] : ['--peer-validation off']),
  ].join(' ');
}
