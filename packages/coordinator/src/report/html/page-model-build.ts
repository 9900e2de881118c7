/**
 * Puts report.html's data together from the run's files: report.json, messages.jsonl, and when
 * the run has them events.jsonl and history.jsonl.
 */
import { OPEN_DURATION_MS, Report, type HistoryEntry, type MessageLine } from '@agentnet/protocol';
import { graphLayout } from '../graph-layout.js';
import { makeGraph } from '../../topology/graph.js';
import { parseTopology } from '../../topology/topology-spec.js';
import { algorithmData, workloadData, type RunEvent } from './behavior-series.js';
import { encodeMessages, type EncodedMessages } from './message-columns.js';
import type { PageModel, TopologyNode } from './page-model.js';
import { latencyCharts, linkCells, rateSeries, topologyEdges } from './traffic-series.js';

export interface RunFiles {
  report: Report;
  lines: readonly MessageLine[];
  events: readonly RunEvent[];
  history: readonly HistoryEntry[];
  /** Names of the files these came from. */
  files: string[];
}

function topologyNodes(report: Report): TopologyNode[] {
  const ids = report.per_node.map((n) => n.id);
  const graph = makeGraph(ids, report.graph.edge_list ?? []);
  let spec;
  try {
    spec = parseTopology(report.config.topology);
  } catch {
    // A file topology whose file is gone, or a form this version does not know: a circle shows it.
    spec = undefined;
  }
  const at = graphLayout(graph, spec);
  return report.per_node.map((n) => ({ id: n.id, x: at.get(n.id)?.x ?? 0, y: at.get(n.id)?.y ?? 0, status: n.status }));
}

export function buildPageModel(run: RunFiles): { model: PageModel; messages: EncodedMessages } {
  // Through the schema, as `npm run report` reads report.json back: the same keys in the same order.
  const report = Report.parse(run.report);
  const { lines } = run;
  const startedAt = Date.parse(report.started_at);
  const nodes = report.per_node.map((n) => n.id);
  const latency = latencyCharts(lines);
  // An open-ended (or stopped) run's traffic ended before its nominal duration.
  const trafficMs = Math.min(report.duration_ms, report.elapsed_ms);
  const links = linkCells(report, lines);
  const model: PageModel = {
    report,
    files: run.files,
    open_ended: report.config.duration_ms === OPEN_DURATION_MS,
    traffic_ms: trafficMs,
    rate: rateSeries(lines, startedAt, trafficMs),
    latency_histogram: latency.histogram,
    latency_cdf: latency.cdf,
    links,
    topology: { nodes: topologyNodes(report), edges: topologyEdges(report.graph.edge_list ?? [], links) },
    bands: report.fault_periods.map((p) => ({ name: p.name, kind: p.kind, detail: p.detail, start_ms: p.start_ms, end_ms: p.end_ms })),
    // In time order, as events.jsonl holds them, so a page built from the files is the page the run wrote.
    algorithm: algorithmData([...run.events].sort((a, b) => a.at - b.at), startedAt, nodes),
    workload: workloadData(run.history),
  };
  return { model, messages: encodeMessages(lines, startedAt, nodes) };
}
