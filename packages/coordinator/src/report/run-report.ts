/**
 * Puts a finished run's report together: the joined journal, the nodes, the faults, the topology
 * (and its drawing in the run directory), routing and broadcast results.
 */
import type { AttackReport, BehaviorEvent, MessageLine, Report, SecurityReport, StopCause } from '@agentnet/protocol';
import { verdictOf, type FaultMoment } from '../checkers/index.js';
import { analyze } from './analysis.js';
import { broadcastReport } from './broadcast-report.js';
import type { CoordinatorOptions } from '../plan/run-options.js';
import type { FaultRecord } from '../faults/fault-timeline.js';
import { graphSvg } from './graph-svg.js';
import type { Ledger } from './ledger.js';
import type { NodeTable } from '../cluster/node-table.js';
import { percentiles } from '../numbers/percentiles.js';
import { runConfigOf } from '../plan/run-config.js';
import { GRAPH_SVG_FILE } from '../plan/run-dir.js';
import type { RoutingChecker } from '../checkers/routing.js';
import { MAX_LISTED_EDGES, graphReport, routingReport } from './routing-report.js';
import type { Workload } from '../workload/workload.js';

export interface ReportInput {
  options: CoordinatorOptions;
  ledger: Ledger;
  nodes: NodeTable;
  faults: FaultRecord[];
  checker: RoutingChecker | undefined;
  /** The first wrong route when the run stopped, if any. */
  mismatchAtStop: string | undefined;
  startedAt: Date;
  elapsedMs: number;
  interrupted: boolean;
  /** What ended the traffic. */
  stoppedBy: StopCause;
  coordinatorUrl: string;
  /** What the behaviour recorded, for its checkers. */
  events: Array<BehaviorEvent & { node: string }>;
  /** Whether the run healed and settled after its faults (or had none). */
  settled: boolean;
  /** Epoch ms when the nodes were told to stop. */
  stopEpochMs?: number | undefined;
  /** The client workload, if the run has one. */
  workload?: Workload | undefined;
}

/** The report of a finished run, from what the run kept; it writes nothing (main.ts writes the run's files). */
export function buildReport(input: ReportInput): { report: Report; lines: MessageLine[]; graphSvg: string | null } {
  const { options, ledger, nodes: table } = input;
  const { flags, run, topology } = options;
  const lines = ledger.lines(table.lostIds(), table.rejoinTimes());
  const copyOnly = ledger.copyOnlyDeliveries();
  const extra = ledger.extraReceipts(table.rejoinTimes());
  const nodes = table.facts().map((f) => ({ ...f, copyOnlyReceived: copyOnly.get(f.id) ?? 0, extraReceived: extra.get(f.id) ?? 0 }));
  const graph = topology.graph;
  // A large mesh would draw as a solid disc of lines; above the limit only the numbers are kept.
  const drawing = graph.edges.length <= MAX_LISTED_EDGES ? graphSvg(graph, topology.spec) : null;
  const workload = input.workload?.result(lines, input.interrupted);
  const config = runConfigOf(flags, options.seed, options.network, options.behavior, topology.name, options.routing?.protocol ?? null);
  const report = analyze({
    runId: run.id,
    runDir: run.path,
    startedAt: input.startedAt.toISOString(),
    elapsedMs: input.elapsedMs,
    interrupted: input.interrupted,
    stoppedBy: input.stoppedBy,
    config,
    security: securityOf(options.guard.report(), ledger.attackReport(input.faults.some((f) => f.kind === 'byzantine' && !f.detail.startsWith('skipped')))),
    rerun: options.rerun,
    coordinator: { pid: process.pid, url: input.coordinatorUrl },
    nodes,
    lines,
    anomalies: ledger.anomalies,
    faults: input.faults,
    graph: graphReport(graph, topology.name, drawing === null ? null : GRAPH_SVG_FILE),
    routing: input.checker ? routingReport(input.checker, lines, input.mismatchAtStop) : null,
    broadcast: options.behavior.kind === 'broadcast' ? broadcastReport(lines, graph, flags.broadcast) : null,
    workload: workload?.report ?? null,
    verdict: verdictOf(options.behavior.checker, {
      events: [...input.events].sort((a, b) => a.at - b.at),
      liveAtEnd: table.all.filter((e) => e.state !== 'lost').map((e) => e.id),
      startEpochMs: input.startedAt.getTime(),
      faultTimes: faultMoments(input.faults, input.startedAt.getTime()).map((f) => f.at),
      faults: faultMoments(input.faults, input.startedAt.getTime()),
      healTimes: input.faults.filter((f) => (f.ends ?? []).length > 0).map((f) => input.startedAt.getTime() + f.at_ms),
      settled: !input.interrupted && input.settled,
      ...(input.stopEpochMs === undefined ? {} : { stopEpochMs: input.stopEpochMs }),
      messages: lines.length,
      ...latencyP99(lines),
    }, workload?.checks),
  });
  return { report, lines, graphSvg: drawing };
}

function securityOf(guarded: SecurityReport, attacks: AttackReport | undefined): SecurityReport {
  return attacks === undefined ? guarded : { ...guarded, attacks };
}

/** The p99 end-to-end latency of the delivered messages, for checkers that wait on a message's way. */
function latencyP99(lines: MessageLine[]): { latencyP99Ms?: number } {
  const p99 = percentiles(lines.flatMap((l) => (l.status === 'delivered' && l.latency_ms !== null ? [l.latency_ms] : []))).p99;
  return p99 === null ? {} : { latencyP99Ms: p99 };
}

/** The faults for the checkers, with the node each node fault struck. */
function faultMoments(faults: FaultRecord[], startEpochMs: number): FaultMoment[] {
  return faults
    // A skipped step changed nothing, so nothing can have followed from it.
    .filter((f) => f.kind !== 'reset' && !f.detail.startsWith('skipped'))
    .map((f) => ({ at: startEpochMs + f.at_ms, kind: f.kind, ...(f.node === undefined ? {} : { node: f.node }) }));
}
