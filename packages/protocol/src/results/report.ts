/**
 * `report.json`: the coordinator's analysis of a run. Tests and later tools read it back through
 * this schema.
 */
import { z } from 'zod';
import { DropReason } from './records.js';
import { NodeId } from '../wire/envelope.js';
import { FaultKind } from '../network/fault-kinds.js';
import { BehaviorErrors } from '../wire/control-messages.js';
import { Percentiles, PeriodStats } from './report-stats.js';
import { SecurityReport } from '../security/refusals.js';
import { BroadcastReport, GraphReport, RoutingReport, WorkloadReport } from './report-sections.js';


/** One step of the fault timeline as the report lists it. */
export const FaultRecord = z.object({
  /** ms since start. */
  at_ms: z.number(),
  /** partition, link, pause, crash, stop start periods; heal, resume, restart, reset end them (fault-kinds.ts). */
  kind: FaultKind,
  detail: z.string(),
  /** The node a node fault (crash, stop, pause, resume, restart) struck. */
  node: NodeId.optional(),
  /** Set when the step starts a fault period: the period's name, e.g. `p1`, `pause n2`. */
  name: z.string().optional(),
  /** Set when the step ends fault periods: the names of those it ends. */
  ends: z.array(z.string()).optional(),
});
export type FaultRecord = z.infer<typeof FaultRecord>;

/** A fault from the step that started it to the one that ended it (or the end of the run). */
export const FaultPeriod = PeriodStats.extend({
  name: z.string(),
  kind: FaultKind,
  detail: z.string(),
  /** ms since start; the period holds the messages sent in [start_ms, end_ms). */
  start_ms: z.number(),
  end_ms: z.number(),
});
export type FaultPeriod = z.infer<typeof FaultPeriod>;

export const NodeStatus = z.enum(['ok', 'lost']);

export const NodeReport = z.object({
  id: z.string(),
  pid: z.number().int(),
  url: z.string(),
  hostname: z.string(),
  status: NodeStatus,
  /** Why and when (ms since start) a lost node was lost; null for nodes that stopped normally. */
  lost: z.object({ at_ms: z.number(), reason: z.string() }).nullable(),
  /** From the joined journal: messages this node sent, received, had dropped, left in flight. */
  sent: z.number().int(),
  received: z.number().int(),
  dropped: z.number().int(),
  in_flight: z.number().int(),
  /** Processes this node has had: 0 for the first, +1 per restart. */
  incarnation: z.number().int().nonnegative(),
  /** Each restart: when (ms since start) the new process joined, its pid, and how the old one ended. */
  restarts: z.array(z.object({ at_ms: z.number(), pid: z.number().int(), previous_pid: z.number().int(), previous_lost: z.string() })),
  /** The node's own final counters (of its last process), null when it never sent its final flush (lost). */
  reported: z
    .object({ sent: z.number(), received: z.number(), dropped: z.number(), in_flight: z.number() })
    .nullable(),
  /**
   * Errors its behaviour's code raised and the node caught, summed over the processes that sent
   * their final report; null when none did (a node only lost). Each also makes a warning.
   */
  behavior_errors: BehaviorErrors.nullable(),
});
export type NodeReport = z.infer<typeof NodeReport>;

export const RunConfig = z.object({
  nodes: z.number().int(),
  duration_ms: z.number(),
  seed: z.number().int(),
  delay: z.string(),
  interval: z.string(),
  behavior: z.string(),
  message_size: z.number().int(),
  peer_validation: z.boolean(),
  /** The default link model in flag form, e.g. `delay=uniform:50:150 loss=0 duplicate=0 ...`. */
  network: z.string(),
  /** Per-link overrides in `--link` form. */
  links: z.array(z.string()),
  topology: z.string(),
  /** `distance-vector`, `link-state`, or null without routing. */
  routing: z.string().nullable(),
  /** The checker that judged the run (`election`, `raft`, `broadcast`), or null. */
  checker: z.string().nullable(),
  /** What every node's behaviour got as node.params: --param, with what the run derived (Raft's timing). */
  params: z.record(z.string(), z.string()),
  /** How long the run settled after its faults, had it any (--settle, or Raft's longer default). */
  settle_ms: z.number(),
});
export type RunConfig = z.infer<typeof RunConfig>;


/** One property a checker judged from the run's events and journal. */
export const Check = z.object({
  name: z.string(),
  /** "unknown" when the run could not show it either way (e.g. interrupted before it settled). */
  valid: z.union([z.boolean(), z.literal('unknown')]),
  detail: z.string(),
  /** Numbers behind the detail, e.g. election times. */
  data: z.record(z.string(), z.unknown()).optional(),
});
export type Check = z.infer<typeof Check>;

/** The checkers' verdict on a run of an algorithm (exit code 0 valid, 1 invalid, 2 unknown, as Maelstrom). */
export const Verdict = z.object({
  valid: z.union([z.boolean(), z.literal('unknown')]),
  checks: z.array(Check),
});
export type Verdict = z.infer<typeof Verdict>;

/**
 * What ended a run's traffic: its `--duration`, a `POST /stop` on the control API (a normal end,
 * judged like one), every node having gone before either, or an interrupt (SIGINT/SIGTERM).
 */
export const StopCause = z.enum(['duration', 'api', 'nodes', 'interrupt']);
export type StopCause = z.infer<typeof StopCause>;

/** The `reason` the nodes get in their `stop` message, per cause. */
export const STOP_REASONS: Record<StopCause, string> = {
  duration: 'duration elapsed',
  api: 'stopped through the control API',
  nodes: 'every node had gone',
  interrupt: 'interrupted',
};

export const Report = z.object({
  run_id: z.string(),
  run_dir: z.string(),
  seed: z.number().int(),
  nodes: z.number().int(),
  duration_ms: z.number(),
  /** Time from `start` until the analysis began (after the last final flush or the stop timeout). */
  elapsed_ms: z.number(),
  started_at: z.string(),
  /** True when the run was cut short (Ctrl-C); the report holds what had been collected. */
  interrupted: z.boolean(),
  /** What ended the traffic; only `interrupt` makes the report partial. */
  stopped_by: StopCause,
  config: RunConfig,
  /** `--security` and what its guards refused (docs/security.md). */
  security: SecurityReport,
  /** One command that repeats this run's decisions. */
  rerun: z.string(),
  coordinator: z.object({ pid: z.number().int(), url: z.string() }),
  totals: z.object({
    sent: z.number().int(),
    delivered: z.number().int(),
    dropped: z.number().int(),
    in_flight: z.number().int(),
    dropped_by_reason: z.partialRecord(DropReason, z.number().int()),
    /** Extra copies delivered by network-model duplication (not part of sent/delivered). */
    duplicated: z.number().int(),
  }),
  /** Per directed link that carried traffic. */
  links: z.array(
    z.object({
      src: z.string(),
      dest: z.string(),
      sent: z.number().int(),
      delivered: z.number().int(),
      dropped: z.number().int(),
      in_flight: z.number().int(),
      duplicated: z.number().int(),
      latency_ms: Percentiles,
    }),
  ),
  summary: z.object({
    total_exchanged: z.number().int(),
    average_per_node: z.number(),
    most_received: z.object({ id: z.string(), count: z.number().int() }).nullable(),
  }),
  per_node: z.array(NodeReport),
  /** Observed latency: received_at - sent_at. */
  latency_ms: Percentiles,
  /** The delay the shapers injected, over the same delivered messages. */
  delay_ms: Percentiles,
  /** latency - injected delay: what sockets and processes add, plus any FIFO hold behind a slower predecessor. */
  overhead_ms: Percentiles,
  /** Faults applied during the run, in order. */
  faults: z.array(FaultRecord),
  /** Per fault period, in the order they started: the traffic sent while it was active. */
  fault_periods: z.array(FaultPeriod),
  /** Traffic sent while at least one fault period was active (each message once). */
  inside_faults: PeriodStats,
  /** Traffic sent while no fault period was active. */
  outside_faults: PeriodStats,
  /** The topology the run used. */
  graph: GraphReport,
  /** Routing results; null without `--routing`. */
  routing: RoutingReport.nullable(),
  /** Broadcast results; null unless `--traffic broadcast`. */
  broadcast: BroadcastReport.nullable(),
  /** The client workload (`--workload`); null without one. */
  workload: WorkloadReport.nullable(),
  /** The checkers' verdict; null for behaviours without checkers. */
  verdict: Verdict.nullable(),
  /** Disagreements between the journal and nodes' own counters, and other things worth a look. */
  warnings: z.array(z.string()),
});
export type Report = z.infer<typeof Report>;
