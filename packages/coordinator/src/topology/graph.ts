/**
 * An undirected graph over the run's node ids: who has a link to whom. Every topology is built as
 * one, the coordinator hands each node its neighbour list from it, and the routing checker asks it
 * which nodes can still reach each other once partitions and crashes are taken out ("live graph").
 *
 * A graph is plain data, normalised on construction: edges are pairs ordered by the nodes' position
 * in `nodes` (so n2 comes before n10), sorted, with no self loops and no duplicates.
 */

export type Edge = readonly [string, string];

export interface Graph {
  /** The node ids, in the order the run gave them (n0, n1, ...). */
  readonly nodes: readonly string[];
  /** Each link once, as [earlier node, later node], sorted by the endpoints' positions. */
  readonly edges: readonly Edge[];
  /** Each node's neighbours, in node order; every node has an entry, possibly empty. */
  readonly adjacency: ReadonlyMap<string, readonly string[]>;
}

/** A pair that cannot be an edge of the graph being built; the caller words it for its user. */
export class GraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GraphError';
  }
}

/**
 * The graph on `nodes` with the given links, in either orientation; a pair listed twice (or both
 * ways) is one edge.
 */
export function makeGraph(nodes: readonly string[], pairs: Iterable<readonly [string, string]>): Graph {
  const index = new Map(nodes.map((id, i) => [id, i]));
  if (index.size !== nodes.length) throw new GraphError(`node ids are not unique: ${nodes.join(', ')}`);
  const n = nodes.length;
  const keys = new Set<number>();
  for (const [a, b] of pairs) {
    const i = index.get(a);
    const j = index.get(b);
    if (i === undefined || j === undefined) throw new GraphError(`edge ${a}-${b} names a node that is not in the graph`);
    if (i === j) throw new GraphError(`edge ${a}-${b} is a self loop`);
    keys.add(Math.min(i, j) * n + Math.max(i, j));
  }
  return fromIndexPairs(nodes, [...keys].map((k): [number, number] => [Math.floor(k / n), k % n]));
}

/**
 * The graph from index pairs already known to be valid and distinct (in either orientation): the
 * generators' fast path, which skips the checks of makeGraph.
 */
export function fromIndexPairs(nodes: readonly string[], pairs: ReadonlyArray<readonly [number, number]>): Graph {
  const sorted = pairs.map(([i, j]): [number, number] => (i < j ? [i, j] : [j, i])).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const lists: string[][] = nodes.map(() => []);
  const edges: Edge[] = [];
  // In sorted order the pairs that end at a node (its lower neighbours) come before the pairs that
  // start at it (its higher ones), each ascending, so every list comes out in node order.
  for (const [i, j] of sorted) {
    const a = nodes[i] as string;
    const b = nodes[j] as string;
    edges.push([a, b]);
    lists[i]?.push(b);
    lists[j]?.push(a);
  }
  return { nodes: [...nodes], edges, adjacency: new Map(nodes.map((id, i) => [id, lists[i] ?? []])) };
}

/**
 * Every node's neighbours in node order, as a fresh map: the shape `fullMeshPeers` returns, which
 * the coordinator sends to each node as its peer list.
 */
export function neighbours(graph: Graph): Map<string, string[]> {
  return new Map(graph.nodes.map((id) => [id, [...(graph.adjacency.get(id) ?? [])]]));
}

export function degreeOf(graph: Graph, id: string): number {
  return graph.adjacency.get(id)?.length ?? 0;
}

export function hasEdge(graph: Graph, a: string, b: string): boolean {
  return graph.adjacency.get(a)?.includes(b) ?? false;
}

/**
 * The graph without the links named in `cuts`. A cut may be directed (a partition's src>dest); the
 * link goes if it is cut in either direction, since a link that carries only one way cannot carry a
 * request and its reply.
 */
export function withoutEdges(graph: Graph, cuts: Iterable<readonly [string, string]>): Graph {
  const cut = new Set<string>();
  for (const [a, b] of cuts) cut.add(`${a}\u0000${b}`).add(`${b}\u0000${a}`);
  return sameNodes(graph, graph.nodes, graph.edges.filter(([a, b]) => !cut.has(`${a}\u0000${b}`)));
}

/** The graph without these nodes and their links (crashed or paused nodes); unknown ids are ignored. */
export function withoutNodes(graph: Graph, ids: Iterable<string>): Graph {
  const gone = new Set(ids);
  const nodes = graph.nodes.filter((id) => !gone.has(id));
  return sameNodes(graph, nodes, graph.edges.filter(([a, b]) => !gone.has(a) && !gone.has(b)));
}

/** A subgraph whose edges keep the parent's order, so they need no new checks or sorting. */
function sameNodes(parent: Graph, nodes: readonly string[], edges: readonly Edge[]): Graph {
  const keep = new Set(edges.map(([a, b]) => `${a}\u0000${b}`));
  const adjacency = new Map(
    nodes.map((id) => [id, (parent.adjacency.get(id) ?? []).filter((other) => keep.has(`${id}\u0000${other}`) || keep.has(`${other}\u0000${id}`))]),
  );
  return { nodes, edges, adjacency };
}
