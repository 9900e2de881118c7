/**
 * What the report says about the graph: size, degree distribution, diameter and average shortest
 * path in hops. The schema is exported so the report's schema can embed it.
 */
import { z } from 'zod';
import type { Graph } from './graph.js';
import { hopMatrix } from './graph-paths.js';

export const GraphMetrics = z.object({
  nodes: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  connected: z.boolean(),
  /** The most hops between two nodes; over reachable pairs only when the graph is disconnected. */
  diameter: z.number().int().nonnegative(),
  degree: z.object({
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative(),
    mean: z.number().nonnegative(),
    /** How many nodes have each degree, keyed by the degree. */
    histogram: z.record(z.string().regex(/^\d+$/), z.number().int().positive()),
  }),
  /** Mean hops over ordered pairs of distinct nodes that reach each other; 0 with no such pair. */
  average_shortest_path: z.number().nonnegative(),
});
export type GraphMetrics = z.infer<typeof GraphMetrics>;

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
