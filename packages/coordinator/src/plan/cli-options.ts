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
import { BEHAVIORS } from './behaviors.js';
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
  RunDurationText,
  IntervalSpecText,
  LogLevelText,
  PortText,
  SeedText,
  TrafficKind,
  BandwidthText,
  Attack,
  ByzantineText,
  SecurityMode,
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
  flagEnv,
  flagHelp,
  flagSchema,
  flagSpec,
  type FlagHelp,
  type FlagSpec,
  type FlagTable,
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


/** `--param KEY=VALUE`, repeated: the pairs as an object. */
const ParamPairs = z
  .array(z.string().regex(/^[A-Za-z_][\w.-]*=.*$/, 'a param is KEY=VALUE'))
  .default([])
  .transform((pairs) => Object.fromEntries(pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)])));

/** `--rate R`: operations per second over all clients. */
const RateText = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'rate must be a number of operations per second')
  .transform(Number)
  .refine((r) => r > 0 && r <= 10_000, 'rate must be above 0 and at most 10000 operations per second');


/**
 * Every flag of a run, once (the launcher passes them on to the coordinator): its value's schema and
 * default, its usage line and how it is read. RUN_FLAGS, RUN_HELP and RunFlags derive from it.
 */
export const RUN_FLAG_TABLE = {
  nodes: { schema: intText('nodes', 2, 10_000).prefault(String(DEFAULT_NODES)), short: 'n', arg: 'N', help: `number of node processes (default ${DEFAULT_NODES})` },
  duration: { schema: RunDurationText.prefault(DEFAULT_DURATION), short: 'd', arg: 'T', help: `how long traffic runs: 500ms, 10s, 2m, or open (until stopped: ctl end, the dashboard, Ctrl-C) (default ${DEFAULT_DURATION})` },
  seed: { schema: SeedText.optional(), arg: 'S', help: 'run seed, a non-negative integer (default: random; always printed)' },
  delay: { schema: DelaySpecText.prefault(DEFAULT_DELAY), arg: 'SPEC', help: `injected delay per message, ms: ${DELAY_FORMS.join(', ')} (default ${DEFAULT_DELAY})` },
  loss: { schema: LossText.prefault('0'), arg: 'P|ge:P:R:LG:LB', help: 'message loss: independent with probability P, or Gilbert-Elliott bursts (default 0)' },
  duplicate: { schema: ProbabilityText.prefault('0'), arg: 'P', help: 'probability that a message is delivered twice (default 0)' },
  reorder: { schema: ProbabilityText.prefault('0'), arg: 'P', help: 'probability that a message may overtake the one before it on its link (default 0)' },
  bandwidth: { schema: BandwidthText.prefault('none'), arg: 'B', help: 'bytes per second per link: 125000, 64k, 10m (default: no limit)' },
  queue: { schema: QueueText.prefault(DEFAULT_LINK_QUEUE), arg: 'B', help: `bytes a link may queue at its sender before new messages drop as overflow: 64k, 16m, none (default ${DEFAULT_LINK_QUEUE})` },
  link: { schema: z.array(LinkOverrideText).default([]), arg: '"SRC>DEST k=v ..."', multiple: true, help: 'override one direction of one link (delay, loss, duplicate, reorder, bandwidth, queue); repeatable' },
  interval: { schema: IntervalSpecText.prefault(DEFAULT_INTERVAL), arg: 'MIN:MAX', help: `ms between two sends of one node (default ${DEFAULT_INTERVAL})` },
  scenario: { schema: z.string().optional(), arg: 'FILE', help: 'a YAML or JSON network model and timeline of faults; see docs/scenario.schema.json' },
  nemesis: { schema: NemesisText.optional(), arg: 'KINDS', help: `random faults drawn from the seed: ${NEMESIS_KINDS.join(',')} (one per interval, ended half an interval later)` },
  'nemesis-interval': { schema: DurationText.prefault('5s'), arg: 'T', help: 'how often the nemesis strikes (default 5s)' },
  behavior: { schema: BehaviorText.optional(), arg: 'NAME|PATH', help: 'what every node runs: a built-in (chatter, flood, broadcast; bully, raft, reliable-broadcast, with their checkers) or a behaviour module, ./path/to/module.ts (see docs/writing-a-behavior.md) (default chatter)' },
  checker: { schema: CheckerName.optional(), arg: 'NAME', help: "judge the run with a built-in checker: election, raft or broadcast (default: a built-in behaviour's own; a module's events must be the ones the checker reads, see docs/writing-a-behavior.md)" },
  param: { schema: ParamPairs, arg: 'KEY=VALUE', multiple: true, help: "a behaviour's own setting, repeatable (raft: election_ms=MIN:MAX, heartbeat_ms=N, rate=N)" },
  settle: { schema: DurationText.prefault(`${DEFAULT_SETTLE_MS}ms`), arg: 'T', help: 'for behaviours with checkers: after a run with faults, heal everything and let it settle this long before judging; with --workload always, then the final reads may take as long again (default 3s; for Raft with election timeouts past 1 s, two of them plus 1 s)' },
  traffic: { schema: TrafficKind.exclude(['module']).default('chatter'), arg: 'KIND', help: 'chatter (the notebook agent), flood (every link as fast as it goes) or broadcast (every node broadcasts values) (default chatter)' },
  broadcast: { schema: BroadcastText.prefault('flood'), arg: 'MODE', help: 'with --traffic broadcast: flood (duplicate suppression) or gossip:F (push to F random neighbours) (default flood)' },
  'message-size': { schema: intText('message-size', 1, 65_536).prefault('100'), arg: 'N', help: 'characters of text per message (default: chatter text; flood 100)' },
  'peer-validation': { schema: z.enum(['on', 'off']).default('on').transform((v) => v === 'on'), arg: 'on|off', help: 'check every peer message against its schema (default on; off only to measure its cost)' },
  out: { schema: z.string().optional(), arg: 'DIR', help: 'write the run into DIR instead of runs/<run-id>' },
  'runs-dir': { schema: z.string().default(DEFAULT_RUNS_DIR), arg: 'DIR', help: `where runs/<run-id> and runs/latest live (default ${DEFAULT_RUNS_DIR})` },
  'register-timeout': { schema: DurationText.prefault(`${DEFAULT_REGISTER_TIMEOUT_MS}ms`), arg: 'T', help: `how long to wait for all nodes to register (default ${DEFAULT_REGISTER_TIMEOUT_MS / 1000}s)` },
  'ready-timeout': { schema: DurationText.prefault(`${DEFAULT_READY_TIMEOUT_MS}ms`), arg: 'T', help: `how long to wait for all nodes to link to their peers (default ${DEFAULT_READY_TIMEOUT_MS / 1000}s)` },
  'log-level': { schema: LogLevelText.default('info'), arg: 'L', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  pretty: { schema: z.boolean().default(false), help: 'also print readable logs on stderr' },
  json: { schema: z.boolean().default(false), help: 'print report.json on stdout instead of the table' },
  quiet: { schema: z.boolean().default(false), help: 'no progress line while the run runs (there is none either when stdout is no terminal, or with --json)' },
  dashboard: { schema: z.boolean().default(false), help: 'after the run, keep serving the live dashboard (its URL is printed at the start) with the final report until the page closes it or Ctrl-C' },
  topology: { schema: TopologyText.optional(), arg: 'T', help: `who links to whom: ${TOPOLOGY_FORMS.join(', ')} (default mesh)` },
  routing: { schema: RoutingProtocolName.optional(), arg: 'P', help: 'multi-hop routing: distance-vector or link-state (default: none, messages go to neighbours only)' },
  'routing-interval': { schema: DurationText.prefault(`${DEFAULT_ROUTING_INTERVAL_MS}ms`).refine((ms) => ms >= 10 && ms <= 60_000, 'routing-interval must be between 10ms and 60s'), arg: 'T', help: `period of routing updates / hellos (default ${DEFAULT_ROUTING_INTERVAL_MS}ms)` },
  ttl: { schema: intText('ttl', 1, 10_000).prefault(String(DEFAULT_TTL)), arg: 'N', help: `hops a routed message may take (default ${DEFAULT_TTL})` },
  workload: { schema: z.enum(['kv'], { error: (issue) => `workload "${String(issue.input)}" is not kv (the only workload so far)` }).optional(), arg: 'kv', help: "external clients read, write and cas keys on any node (Maelstrom's lin-kv), checked for linearizability; needs a behaviour that serves them (default: none)" },
  rate: { schema: RateText.optional(), arg: 'R', help: `with --workload: operations per second over all clients (default ${DEFAULT_WORKLOAD_RATE})` },
  concurrency: { schema: intText('concurrency', 1, 1000).optional(), arg: 'C', help: 'with --workload: clients, each with one operation at a time (default: the number of nodes)' },
  keys: { schema: intText('keys', 1, 1000).optional(), arg: 'K', help: `with --workload: how many keys the clients use (default ${DEFAULT_WORKLOAD_KEYS})` },
  byzantine: { schema: z.array(ByzantineText).default([]), arg: 'NODE=ATTACK[,…]', multiple: true, help: `make a node attack from the start (${Attack.options.join(', ')}; docs/security.md); repeatable` },
  security: { schema: SecurityMode.default('off'), arg: 'on|off', help: 'on: every way into the run (a node registering, a peer or client link, a control API call) must prove it holds the run secret, which npm run cluster makes fresh for every run (default off; see docs/security.md)' },
  'api-port': { schema: PortText.default(0), arg: 'N', help: 'port of the control API (HTTP on 127.0.0.1 only; npm run ctl), 0 = any free port (default 0)' },
} satisfies FlagTable;

export const RUN_FLAGS: FlagSpec = flagSpec(RUN_FLAG_TABLE);
export const RUN_HELP: FlagHelp[] = flagHelp(RUN_FLAG_TABLE);

export const RunFlags = flagSchema(RUN_FLAG_TABLE).superRefine((flags, ctx) => {
  const workloadOnly = (['rate', 'concurrency', 'keys'] as const).filter((k) => flags[k] !== undefined);
  if (flags.workload === undefined && workloadOnly.length > 0) {
    ctx.addIssue({ code: 'custom', path: [workloadOnly[0] as string], message: `--${workloadOnly.join(', --')} ${workloadOnly.length === 1 ? 'goes' : 'go'} only with --workload kv` });
  }
  const behavior = flags.behavior?.kind ?? flags.traffic;
  if (flags.workload !== undefined && !BEHAVIORS[behavior].servesKv) {
    ctx.addIssue({ code: 'custom', path: ['workload'], message: `--workload ${flags.workload} needs a behaviour that answers client operations (raft, or a module on the node API, e.g. --behavior ./my-kv.ts); ${behavior} does not` });
  }
  // A built-in's params are checked here, before any process starts, with the schema the node reads
  // them through; a module's params are its own.
  const params = behavior === 'module' ? null : parseBehaviorParams(behavior, flags.param);
  if (params && !params.ok) ctx.addIssue({ code: 'custom', path: [], message: params.error });
});
export type RunFlags = z.infer<typeof RunFlags>;


/** The coordinator entry point: the run flags plus where to listen. */
const LISTEN_FLAG_TABLE = {
  host: { schema: z.string().default('127.0.0.1'), arg: 'ADDR', env: 'HOST', help: 'address the control server binds (env HOST; default 127.0.0.1)' },
  port: { schema: PortText.default(0), arg: 'N', env: 'PORT', help: 'port the control server binds, 0 = any free port (env PORT; default 0)' },
} satisfies FlagTable;
export const COORDINATOR_FLAG_TABLE = { ...RUN_FLAG_TABLE, ...LISTEN_FLAG_TABLE } satisfies FlagTable;
export const COORDINATOR_FLAGS: FlagSpec = flagSpec(COORDINATOR_FLAG_TABLE);
export const COORDINATOR_ENV: Record<string, string> = flagEnv(COORDINATOR_FLAG_TABLE);
export const CoordinatorCli = RunFlags.extend(flagSchema(LISTEN_FLAG_TABLE).shape);
export const COORDINATOR_HELP: FlagHelp[] = flagHelp(COORDINATOR_FLAG_TABLE);

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
 * The command line that repeats a run's decisions. `fromScenario`: model fields the scenario file
 * sets and the command line did not, left out so the rerun takes them from the file again.
 */
/**
 * The command line that repeats a run. `given`: the flags the command line named, so a --settle
 * given at its default still appears (left out, Raft's timing could choose a longer one).
 */
export function rerunCommand(flags: RunFlags, seed: number, fromScenario: ReadonlySet<string> = new Set(), given: ReadonlySet<string> = new Set()): string {
  const model = (k: (typeof MODEL_FLAGS)[number], text: string[]) => (fromScenario.has(k) ? [] : text);
  const paced = BEHAVIORS[flags.behavior?.kind ?? flags.traffic].sendsAtIntervals;
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
    ...(flags.security === 'on' ? ['--security on'] : []),
    ...flags.byzantine.map((b) => `--byzantine ${b.node}=${b.attacks.join(',')}`),
  ].join(' ');
}
