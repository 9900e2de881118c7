/**
 * For the unit tests: what every Graph must satisfy whatever built it, and small readers of a
 * graph's shape (degrees, edge keys) that the generator tests compare against their definitions.
 */
import { expect } from 'vitest';
import type { Graph } from './graph.js';

/**
 * Edges ordered by the endpoints' positions and sorted, no loops, no repeats; adjacency lists in
 * node order, symmetric, and holding exactly the edges. Collects the problems and compares once:
 * an expect() per edge takes seconds on a mesh of 200 nodes.
 */
export function expectWellFormed(graph: Graph): void {
  const problems: string[] = [];
  const pos = new Map(graph.nodes.map((id, i) => [id, i]));
  if (pos.size !== graph.nodes.length) problems.push('node ids repeat');
  let previous = -1;
  const keys = new Set<string>();
  for (const [a, b] of graph.edges) {
    const i = pos.get(a) ?? -1;
    const j = pos.get(b) ?? -1;
    if (i < 0 || j < 0) problems.push(`edge ${a}-${b} has an end outside the graph`);
    if (i >= j) problems.push(`edge ${a}-${b} is not ordered or is a loop`);
    const key = i * graph.nodes.length + j;
    if (key <= previous) problems.push(`edge ${a}-${b} is out of order or repeated`);
    previous = key;
    keys.add(`${a}-${b}`);
  }
  if ([...graph.adjacency.keys()].join() !== graph.nodes.join()) problems.push('adjacency keys are not the nodes in order');
  let ends = 0;
  for (const [id, list] of graph.adjacency) {
    list.forEach((other, k) => {
      if (k > 0 && (pos.get(list[k - 1] as string) ?? -1) >= (pos.get(other) ?? -1)) problems.push(`neighbours of ${id} are not in node order`);
      if (!graph.adjacency.get(other)?.includes(id)) problems.push(`${other} does not list ${id} back`);
      if (!keys.has(`${id}-${other}`) && !keys.has(`${other}-${id}`)) problems.push(`${id}-${other} is not an edge`);
    });
    ends += list.length;
  }
  if (ends !== 2 * graph.edges.length) problems.push(`adjacency holds ${ends} link ends for ${graph.edges.length} edges`);
  expect(problems.slice(0, 10)).toEqual([]);
}

export function degrees(graph: Graph): number[] {
  return graph.nodes.map((id) => graph.adjacency.get(id)?.length ?? 0);
}

/** The edges as `a-b` strings, for comparing two graphs or looking one up. */
export function edgeKeys(graph: Graph): string[] {
  return graph.edges.map(([a, b]) => `${a}-${b}`);
}
