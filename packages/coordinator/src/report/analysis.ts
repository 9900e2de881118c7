/**
 * The final analysis: from the joined message lines and what is known of each node, the report
 * with the notebook's summary, exact accounting, per-node counts, latency percentiles, and the
 * traffic inside and outside fault periods.
 */
import {
  compareNodeIds,
  onClientLink,
  type DropReason,
  type BehaviorErrors,
  type BroadcastReport,
  type Verdict,
  type GraphReport,
  type RoutingReport,
  type FaultRecord,
  type MessageLine,
  type NodeCounters,
  type NodeReport,
  type Report,
  type RunConfig,
  type SecurityReport,
  type StopCause,
  type WorkloadReport,
} from '@agentnet/protocol';
import { faultPeriods } from './fault-periods.js';
import { percentiles } from '../numbers/percentiles.js';
import { plural } from '../numbers/plural.js';

export { percentiles };

export interface NodeFacts {
  id: string;
  pid: number;
  url: string;
  hostname: string;
  lost: { at_ms: number; reason: string } | null;
  reported: NodeCounters | null;
  /** Errors its behaviour raised, from the processes that sent their final report; null (or absent) when none did. */
  behaviorErrors?: BehaviorErrors | null;
  /** Earlier processes of a restarted node. */
  restarts?: Array<{ at_ms: number; pid: number; previous_pid: number; previous_lost: string }>;
  /** Messages delivered to it only by a duplicate copy, which its own counters count as copies. */
  copyOnlyReceived?: number;
  /** Receipts its latest process counted that no line does: forged messages', and replays' (security.attacks). */
  extraReceived?: number;
  /** The last process's incarnation, and when it joined (epoch ms): its own counters cover only what came after. */
  incarnation?: number;
  rejoinedAt?: number;
}

export interface AnalysisInput {
  runId: string;
  runDir: string;
  startedAt: string;
  elapsedMs: number;
  interrupted: boolean;
  stoppedBy: StopCause;
  config: RunConfig;
  security: SecurityReport;
  rerun: string;
  coordinator: { pid: number; url: string };
  nodes: NodeFacts[];
  lines: MessageLine[];
  anomalies: string[];
  faults: FaultRecord[];
  graph: GraphReport;
  routing: RoutingReport | null;
  broadcast: BroadcastReport | null;
  verdict?: Verdict | null;
  workload?: WorkloadReport | null;
}

export function analyze(input: AnalysisInput): Report {
  const { lines, nodes } = input;
  const count = (pred: (m: MessageLine) => boolean) => lines.reduce((n, m) => n + (pred(m) ? 1 : 0), 0);
  const droppedByReason: Partial<Record<DropReason, number>> = {};
  for (const m of lines) if (m.drop_reason) droppedByReason[m.drop_reason] = (droppedByReason[m.drop_reason] ?? 0) + 1;

  const delivered = lines.filter((m) => m.status === 'delivered');
  // Client links are outside the simulated network: their messages count, but not in its latency.
  const shaped = delivered.filter((m) => !onClientLink(m));
  // A restarted node's counters are its last process's: compare them with that process's messages.
  const ownSent = (n: NodeFacts) => {
    const prefix = `${n.id}.${n.incarnation}-`;
    return (m: MessageLine) => m.src === n.id && (!n.incarnation || m.id.startsWith(prefix));
  };
  const ownReceived = (n: NodeFacts) => (m: MessageLine) => m.dest === n.id && m.status === 'delivered' && (m.received_at as number) >= (n.rejoinedAt ?? 0);
  const perNode: NodeReport[] = nodes.map((n) => ({
    id: n.id,
    pid: n.pid,
    url: n.url,
    hostname: n.hostname,
    status: n.lost ? 'lost' : 'ok',
    lost: n.lost,
    sent: count((m) => m.src === n.id),
    received: count((m) => m.dest === n.id && m.status === 'delivered'),
    dropped: count((m) => m.src === n.id && m.status === 'dropped'),
    in_flight: count((m) => m.src === n.id && m.status === 'in_flight'),
    incarnation: n.incarnation ?? 0,
    restarts: n.restarts ?? [],
    reported: n.reported,
    behavior_errors: n.behaviorErrors ?? null,
  }));
  const facts = new Map(nodes.map((n) => [n.id, n]));

  const links = new Map<string, MessageLine[]>();
  for (const m of lines) {
    const key = `${m.src}>${m.dest}`;
    let list = links.get(key);
    if (!list) links.set(key, (list = []));
    list.push(m);
  }
  const linkStats = [...links.values()].map((ms) => ({
    src: (ms[0] as MessageLine).src,
    dest: (ms[0] as MessageLine).dest,
    sent: ms.length,
    delivered: ms.filter((m) => m.status === 'delivered').length,
    dropped: ms.filter((m) => m.status === 'dropped').length,
    in_flight: ms.filter((m) => m.status === 'in_flight').length,
    duplicated: ms.reduce((n, m) => n + m.duplicates, 0),
    latency_ms: percentiles(ms.filter((m) => m.latency_ms !== null).map((m) => m.latency_ms as number)),
  }));
  linkStats.sort((a, b) => (a.src === b.src ? compareNodeIds(a.dest, b.dest) : compareNodeIds(a.src, b.src)));

  const warnings = [...input.anomalies];
  for (const n of perNode) {
    if (n.lost) warnings.push(`${n.id} was lost at ${Math.round(n.lost.at_ms)} ms: ${n.lost.reason}`);
    const errors = n.behavior_errors;
    // The node went on after each, so nothing else in the report would show them.
    if (errors && errors.count > 0) {
      warnings.push(`${n.id}: ${plural(errors.count, 'behaviour error')}${errors.first ? `, first: ${errors.first.kind}: ${errors.first.text}` : ''}`);
    }
    const f = facts.get(n.id) as NodeFacts;
    const [sent, delivered] = n.incarnation === 0 ? [n.sent, n.received] : [count(ownSent(f)), count(ownReceived(f))];
    const received = delivered + (f.extraReceived ?? 0) - (n.incarnation === 0 ? (f.copyOnlyReceived ?? 0) : 0);
    const which = n.incarnation === 0 ? '' : ` (its process since the last restart)`;
    if (n.reported && n.reported.sent !== sent) {
      warnings.push(`${n.id} reported ${n.reported.sent} sent, the journal holds ${sent}${which}`);
    }
    if (n.reported && n.reported.received !== received) {
      warnings.push(`${n.id} reported ${n.reported.received} received, the journal holds ${received}${which}`);
    }
  }
  // The shaper never releases a message early, so only a clock step between processes shows here.
  const early = delivered.filter((m) => (m.latency_ms as number) < m.delay_ms - 1).length;
  if (early > 0) warnings.push(`${plural(early, 'message')} arrived sooner than their injected delay (clock trouble?)`);

  let most: { id: string; count: number } | null = null;
  for (const n of perNode) if (n.received > (most?.count ?? 0)) most = { id: n.id, count: n.received };

  return {
    run_id: input.runId,
    run_dir: input.runDir,
    seed: input.config.seed,
    nodes: input.config.nodes,
    duration_ms: input.config.duration_ms,
    elapsed_ms: Math.round(input.elapsedMs),
    started_at: input.startedAt,
    interrupted: input.interrupted,
    stopped_by: input.stoppedBy,
    config: input.config,
    security: input.security,
    rerun: input.rerun,
    coordinator: input.coordinator,
    totals: {
      sent: lines.length,
      delivered: delivered.length,
      dropped: count((m) => m.status === 'dropped'),
      in_flight: count((m) => m.status === 'in_flight'),
      dropped_by_reason: droppedByReason,
      duplicated: lines.reduce((n, m) => n + m.duplicates, 0),
    },
    links: linkStats,
    summary: {
      total_exchanged: delivered.length,
      average_per_node: nodes.length === 0 ? 0 : Math.round((delivered.length / nodes.length) * 100) / 100,
      most_received: most,
    },
    per_node: perNode,
    latency_ms: percentiles(shaped.map((m) => m.latency_ms as number)),
    delay_ms: percentiles(shaped.map((m) => m.delay_ms)),
    overhead_ms: percentiles(shaped.map((m) => (m.latency_ms as number) - m.delay_ms)),
    faults: input.faults,
    ...faultPeriods({ faults: input.faults, startedAtMs: Date.parse(input.startedAt), elapsedMs: Math.round(input.elapsedMs), lines }),
    graph: input.graph,
    routing: input.routing,
    broadcast: input.broadcast,
    workload: input.workload ?? null,
    verdict: input.verdict ?? null,
    warnings,
  };
}
