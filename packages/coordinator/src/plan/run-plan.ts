/**
 * The parts of a run that come from both the command line and the scenario file, a flag winning
 * over the file: the topology (and the per-link overrides a topology file brings) and routing.
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { BEHAVIOR_MODULE_LOADERS, behaviorModuleLoader, delayQuantile, formatDuration, parseMsRange, type NetworkModel, type RoutingSettings, type TrafficKind } from '@agentnet/protocol';
import type { RunFlags } from './cli-options.js';
import type { ScenarioFile } from '../faults/scenario.js';
import type { CheckerName } from '../checkers/index.js';
import { ownChecker } from './behaviors.js';
import { LAG_MS } from '../checkers/raft.js';
import { buildTopology, formatTopology, topologyFromEdges, type Graph, type TopologySpec } from '../topology/topology.js';

export interface RunTopology {
  graph: Graph;
  /** In `--topology` form, for the report. */
  name: string;
  spec?: TopologySpec | undefined;
  /** The network model with the topology's per-edge overrides first (so --link and the scenario's links win). */
  network: NetworkModel;
}

/** Builds the run's graph; throws TopologyError (a bad spec or file, a disconnected graph). */
export function runTopology(flags: RunFlags, scenario: ScenarioFile | undefined, ids: readonly string[], seed: number, network: NetworkModel): RunTopology {
  const fromFile = scenario?.topology;
  const spec: TopologySpec | undefined = flags.topology ?? (fromFile !== undefined && 'kind' in fromFile ? fromFile : undefined);
  if (spec === undefined && fromFile !== undefined && !('kind' in fromFile)) {
    const built = topologyFromEdges(fromFile, ids, `scenario ${flags.scenario}`);
    return { graph: built.graph, name: `scenario:${flags.scenario}`, network: { ...network, links: [...built.links, ...network.links] } };
  }
  const s: TopologySpec = spec ?? { kind: 'mesh' };
  const built = buildTopology(s, ids, seed);
  return { graph: built.graph, name: formatTopology(s), spec: s, network: { ...network, links: [...built.links, ...network.links] } };
}

/** Routing settings from --routing (with --routing-interval, --ttl) or the scenario's `routing:`. */
export function runRouting(flags: RunFlags, scenario: ScenarioFile | undefined, given: ReadonlySet<string>): RoutingSettings | null {
  const file = typeof scenario?.routing === 'string' ? { protocol: scenario.routing } : scenario?.routing;
  const protocol = flags.routing ?? file?.protocol;
  if (protocol === undefined) return null;
  return {
    protocol,
    interval_ms: given.has('routing-interval') ? flags['routing-interval'] : (file?.interval ?? flags['routing-interval']),
    ttl: given.has('ttl') ? flags.ttl : (file?.ttl ?? flags.ttl),
  };
}

export class BehaviorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BehaviorError';
  }
}

/** Built-in behaviours that send to every node of the run, not only to their neighbours. */
const TO_EVERY_NODE: ReadonlySet<TrafficKind> = new Set(['bully', 'raft']);

/**
 * Refuses a behaviour that sends to every node on a graph that links each node to only some of
 * them, without routing to carry the rest: its first message to a non-neighbour would fail.
 */
export function checkReach(kind: TrafficKind, graph: Graph, topologyName: string, routing: RoutingSettings | null): void {
  const n = graph.nodes.length;
  if (!TO_EVERY_NODE.has(kind) || routing !== null || graph.edges.length === (n * (n - 1)) / 2) return;
  throw new BehaviorError(
    `--behavior ${kind} sends to every node, but the topology ${topologyName} links each node to its neighbours only: add --routing link-state (or distance-vector), or use a full mesh`,
  );
}

/** The Raft paper's setting (§9.3): election timeouts of 150-300 ms over a broadcast time of about 15 ms. */
const RAFT_PAPER = { electionMinMs: 150, slowestDelayMs: 15 };

/**
 * Raft's timing sized to the network when `--param` does not set it: Raft needs the broadcast
 * time well under the election timeout, and the paper's 150-300 ms suit one-way delays up to about
 * 15 ms. On a slower network the timeouts scale with the p99 one-way delay of the slowest link
 * model (1500-3000 ms at the default uniform:50:150), with heartbeats at a third of the shortest.
 * Returns the params every node gets, and a line saying what was derived (null when nothing was).
 */
export function behaviorParams(kind: TrafficKind, checker: CheckerName | null, params: Readonly<Record<string, string>>, network: NetworkModel): { params: Record<string, string>; derived: string | null } {
  // A module judged as Raft takes Raft's params too (the tests' broken Raft does).
  const raft = kind === 'raft' || (kind === 'module' && checker === 'raft');
  if (!raft || params.election_ms !== undefined) return { params: { ...params }, derived: null };
  const delays = [network.default.delay, ...network.links.flatMap((l) => (l.delay ? [l.delay] : []))];
  const p99 = Math.max(...delays.map((d) => delayQuantile(d, 0.99)));
  if (p99 <= RAFT_PAPER.slowestDelayMs) return { params: { ...params }, derived: null };
  const min = Math.ceil((p99 * RAFT_PAPER.electionMinMs) / RAFT_PAPER.slowestDelayMs / 50) * 50;
  const derived = { election_ms: `${min}:${2 * min}`, heartbeat_ms: String(Math.round(min / 3)) };
  const given = params.heartbeat_ms === undefined ? derived : { election_ms: derived.election_ms };
  const text = Object.entries(given).map(([k, v]) => `--param ${k}=${v}`).join(' ');
  return { params: { ...given, ...params }, derived: `raft timing for a p99 one-way delay of ${Math.round(p99)} ms: ${text}` };
}

/**
 * The settle period: --settle when given; else its default, lengthened for a run judged by Raft's
 * checker whose election timeouts are long (sized to a slow network), so that an election after
 * the last heal and a commit by its leader fit in it: an isolated node that campaigned its term up
 * deposes the leader when it rejoins, and a split vote costs a second timeout.
 */
export function settleFor(checker: CheckerName | null, params: Readonly<Record<string, string>>, settleMs: number, given: boolean): number {
  const range = parseMsRange(params.election_ms ?? '');
  if (given || checker !== 'raft' || !range) return settleMs;
  const need = Math.ceil((2 * range.max + LAG_MS) / 500) * 500;
  return Math.max(settleMs, need);
}

/**
 * The line that tells the user Raft's timing lengthened the settle, or null: only a run that will
 * settle needs it, one with faults planned (a scenario's timeline, the nemesis) or a client workload.
 */
export function settleNotice(settleMs: number, flagSettleMs: number, faultsPlanned: boolean, workload: boolean): string | null {
  if (settleMs === flagSettleMs || (!faultsPlanned && !workload)) return null;
  const when = faultsPlanned ? 'after the faults' : 'before the final reads';
  return `settle ${formatDuration(settleMs)} ${when}, for Raft's election timeouts (--settle sets it)`;
}

/**
 * What every node runs: --behavior (a built-in or a module path, made absolute), else --traffic;
 * and the checker that judges it (--checker, else the built-in's own).
 */
export function runBehavior(flags: RunFlags, cwd: string): { kind: TrafficKind; module: string | null; checker: CheckerName | null } {
  const chosen = flags.behavior ?? { kind: flags.traffic, module: null };
  const own = ownChecker(chosen.kind);
  // A built-in records only its own checker's events: another checker would judge what is not there.
  if (flags.checker !== undefined && chosen.kind !== 'module' && flags.checker !== own) {
    throw new BehaviorError(`--checker ${flags.checker} judges a behaviour module; ${chosen.kind} ${own === null ? 'has no checker' : `is judged by ${own}`}`);
  }
  const checker = flags.checker ?? own;
  if (chosen.module === null) return { ...chosen, checker };
  const path = resolve(cwd, chosen.module);
  if (!existsSync(path)) throw new BehaviorError(`behavior module ${chosen.module} does not exist (looked at ${path})`);
  // What no node could load is refused here, before a process starts, instead of failing every node's start.
  if (!statSync(path).isFile()) throw new BehaviorError(`behavior module ${chosen.module} is not a file (looked at ${path})`);
  if (behaviorModuleLoader(path) === null) {
    throw new BehaviorError(`behavior module ${chosen.module} is not a ${Object.keys(BEHAVIOR_MODULE_LOADERS).join(', ')} file`);
  }
  return { kind: 'module', module: path, checker };
}
