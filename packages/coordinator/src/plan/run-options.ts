/**
 * What a run is given (the plan main.ts made from the flags, the scenario and the topology) and what
 * it gives back: its report, its joined journal, its events and history, and its exit code.
 */
import type { Dashboard } from '../dashboard/dashboard.js';
import type { BehaviorEvent, HistoryEntry, Init, Logger, MessageLine, NetworkModel, Report, RoutingSettings, TrafficKind } from '@agentnet/protocol';
import type { CheckerName } from '../checkers/index.js';
import type { ScenarioFile } from '../faults/scenario.js';
import type { Graph, TopologySpec } from '../topology/topology.js';
import type { RunFlags } from './cli-options.js';
import type { RunDir } from './run-dir.js';
import type { RunGuard } from '../security/run-guard.js';

export interface CoordinatorOptions {
  flags: RunFlags;
  seed: number;
  host: string;
  port: number;
  run: RunDir;
  log: Logger;
  rerun: string;
  /** `--security`: who may register, call the API, and what it refused. */
  guard: RunGuard;
  /** A timeline of faults to apply once traffic starts. */
  scenario?: ScenarioFile | undefined;
  /** The live dashboard the control API serves. */
  dashboard?: Dashboard | undefined;
  /** The run's network model (flags and scenario file). */
  network: NetworkModel;
  /** Starts a node process that rejoins as `id`; absent when nobody here can start processes. */
  spawnNode?: ((id: string) => void) | undefined;
  /** A node process the run kills on purpose (a crash or a restart), so the launcher need not report its end. */
  killing?: ((pid: number) => void) | undefined;
  /** Who links to whom, its spec, and its name in `--topology` form. */
  topology: { graph: Graph; name: string; spec?: TopologySpec | undefined };
  /** Multi-hop routing, or null: messages go to neighbours only. */
  routing: RoutingSettings | null;
  /**
   * What every node runs: a built-in, or a behaviour module by absolute path; `params`, what its
   * behaviour gets as node.params (--param, with what the plan derived); the checker that judges it.
   */
  behavior: { kind: TrafficKind; module: string | null; params: Record<string, string>; checker: CheckerName | null };
}

export interface RunOutcome {
  /** Absent when the run failed before anything could be reported. */
  report?: Report;
  lines?: MessageLine[];
  /** The topology drawn (`graph.svg`), unless it is too large to draw. */
  graphSvg?: string | null;
  /** What the behaviour recorded (`events.jsonl`). */
  events?: Array<BehaviorEvent & { node: string }>;
  /** The client workload's operations (`history.jsonl`), with `--workload`. */
  history?: readonly HistoryEntry[] | undefined;
  exitCode: number;
  error?: string;
}

/** The parts of every node's `init` that are the same for all of them, from the run's options. */
export function sharedInit(options: CoordinatorOptions): Pick<Init, 'network' | 'traffic' | 'validate_peer_messages' | 'routing'> & { nodeCount: number } {
  const { flags, behavior } = options;
  return {
    nodeCount: flags.nodes,
    network: { seed: options.seed, ...options.network },
    traffic: { behavior: behavior.kind, module: behavior.module, params: behavior.params, interval: flags.interval, message_size: flags['message-size'], broadcast: flags.broadcast, workload: flags.workload ?? null },
    validate_peer_messages: flags['peer-validation'],
    routing: options.routing,
  };
}
