/**
 * What the report says about the graph: size, degree distribution, diameter and average shortest
 * path in hops (the schema is report.json's, in @agentnet/protocol).
 */
import type { GraphMetrics } from '@agentnet/protocol';
import type { Graph } from '../topology/graph.js';
import { hopMatrix } from '../topology/graph-paths.js';

/** The schema lives with the report's (report.json's `graph`); re-exported for the topology API. */
export { GraphMetrics } from '@agentnet/protocol';

/** Four decimals are plenty for a report and keep report.json free of 3.8666666666666667. */
const round = (x: number) => Math.round(x * 10_000) / 10_000;

export function graphMetrics(graph: Graph): GraphMetrics {
  const degrees = graph.nodes.map((id) => graph.adjacency.get(id)?.length ?? 0);
  const counts = new Map<number, number>();
  for (const d of degrees) counts.set(d, (counts.get(d) ?? 0) + 1);
  const histogram = Object.fromEntries([...counts].sort((a, b) => a[0] - b[0]).map(([d, c]) => [String(d), c]));
  let diameter = 0;
  let total = 0;
  let pairs = 0;
  let connected = true;
  for (const row of hopMatrix(graph)) {
    for (const d of row) {
      if (d < 0) {
        connected = false;
      } else if (d > 0) {
        diameter = Math.max(diameter, d);
        total += d;
        pairs++;
      }
    }
  }
  const n = graph.nodes.length;
  return {
    nodes: n,
    edges: graph.edges.length,
    connected,
    diameter,
    degree: {
      min: n === 0 ? 0 : Math.min(...degrees),
      max: n === 0 ? 0 : Math.max(...degrees),
      mean: n === 0 ? 0 : round((2 * graph.edges.length) / n),
      histogram,
    },
    average_shortest_path: pairs === 0 ? 0 : round(total / pairs),
  };
}
