/**
 * Hop distances on a graph: breadth-first search from one node, from all of them, the connected
 * components, and the wording of a disconnection. All-pairs is one BFS per node, O(N (N + E)): about
 * 60 million steps for a full mesh of 500 nodes, so the search runs on index arrays, not maps.
 */
import type { Graph } from './graph.js';

/** Neighbour lists by node position, for searches that visit every edge many times. */
function indexed(graph: Graph): number[][] {
  const index = new Map(graph.nodes.map((id, i) => [id, i]));
  return graph.nodes.map((id) => (graph.adjacency.get(id) ?? []).map((other) => index.get(other) ?? -1));
}

/** Hops from node `start` to each node by position; -1 where unreachable. */
function bfs(adj: readonly number[][], start: number): Int32Array {
  const dist = new Int32Array(adj.length).fill(-1);
  const queue = new Int32Array(adj.length);
  let head = 0;
  let tail = 0;
  dist[start] = 0;
  queue[tail++] = start;
  while (head < tail) {
    const u = queue[head++] as number;
    const d = (dist[u] as number) + 1;
    for (const v of adj[u] ?? []) {
      if (dist[v] !== -1) continue;
      dist[v] = d;
      queue[tail++] = v;
    }
  }
  return dist;
}

/** Hops from `from` to every node it can reach (itself at 0); unreachable nodes are absent. */
export function hopDistances(graph: Graph, from: string): Map<string, number> {
  const start = graph.nodes.indexOf(from);
  if (start < 0) return new Map();
  const dist = bfs(indexed(graph), start);
  const out = new Map<string, number>();
  graph.nodes.forEach((id, i) => {
    const d = dist[i] as number;
    if (d >= 0) out.set(id, d);
  });
  return out;
}

/**
 * Hops between every two nodes by position in `graph.nodes`: row i is the BFS from node i, -1
 * where unreachable. The compact form, for metrics over hundreds of nodes.
 */
export function hopMatrix(graph: Graph): Int32Array[] {
  const adj = indexed(graph);
  return adj.map((_, i) => bfs(adj, i));
}

/** Hops between every two nodes that can reach each other, by id: `hops.get(a)?.get(b)`. */
export function allPairsHops(graph: Graph): Map<string, Map<string, number>> {
  const matrix = hopMatrix(graph);
  return new Map(
    graph.nodes.map((a, i) => {
      const row = matrix[i] as Int32Array;
      const reach = new Map<string, number>();
      graph.nodes.forEach((b, j) => {
        const d = row[j] as number;
        if (d >= 0) reach.set(b, d);
      });
      return [a, reach];
    }),
  );
}

/** The connected components, each in node order, ordered by their first node. */
export function components(graph: Graph): string[][] {
  const adj = indexed(graph);
  const seen = new Uint8Array(adj.length);
  const out: string[][] = [];
  for (let s = 0; s < adj.length; s++) {
    if (seen[s]) continue;
    const dist = bfs(adj, s);
    const members: string[] = [];
    dist.forEach((d, i) => {
      if (d < 0) return;
      seen[i] = 1;
      members.push(graph.nodes[i] as string);
    });
    out.push(members);
  }
  return out;
}

/** Whether every node reaches every other; true for a graph of one node or none. */
export function isConnected(graph: Graph): boolean {
  if (graph.nodes.length <= 1) return true;
  const dist = bfs(indexed(graph), 0);
  return dist.every((d) => d >= 0);
}

/** `{n0,n1,n2}`, or the first few and how many more, so a message stays readable at 500 nodes. */
export function formatNodeSet(ids: readonly string[], show = 8): string {
  if (ids.length <= show) return `{${ids.join(',')}}`;
  return `{${ids.slice(0, show).join(',')},... ${ids.length - show} more}`;
}

/** Why a graph is disconnected: `{n0,n1} cannot reach {n2,n3,n4}` (the first node's component against the rest). */
export function describeDisconnection(graph: Graph): string {
  const [first = [], ...rest] = components(graph);
  const others = rest.flat();
  const index = new Map(graph.nodes.map((id, i) => [id, i]));
  others.sort((a, b) => (index.get(a) ?? 0) - (index.get(b) ?? 0));
  return `${formatNodeSet(first)} cannot reach ${formatNodeSet(others)}`;
}
