/**
 * Where each node goes in the drawing of a topology, in units of the smallest gap between two
 * nodes (the renderer scales units to pixels). The layout follows the topology's shape: a grid on
 * its grid, a line snaking row by row over the same near-square shape, a tree in rows under its
 * root, a star around its hub, and everything else on a circle in node order, where a ring or a
 * small-world lattice shows as what it is.
 */
import type { Graph } from '../topology/graph.js';
import { gridShape } from '../topology/topology-generators.js';
import type { TopologySpec } from '../topology/topology-spec.js';

export interface Point {
  x: number;
  y: number;
}

/** Space between rows and columns of a grid, line or tree, so labels of neighbours do not touch. */
const STEP = 1.6;

/** Evenly on a circle, n0 at the top, clockwise; never so small that few nodes crowd the middle. */
function circle(ids: readonly string[], centre?: string): Map<string, Point> {
  const out = new Map<string, Point>();
  if (centre !== undefined) out.set(centre, { x: 0, y: 0 });
  const around = ids.filter((id) => id !== centre);
  const radius = Math.max((around.length * STEP) / (2 * Math.PI), 2.5);
  around.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, around.length);
    out.set(id, { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
  });
  return out;
}

/** Row by row over the grid's shape; `snake` reverses every other row so consecutive nodes stay adjacent. */
function rows(ids: readonly string[], snake: boolean): Map<string, Point> {
  const { cols } = gridShape(ids.length);
  return new Map(
    ids.map((id, i) => {
      const row = Math.floor(i / cols);
      const col = snake && row % 2 === 1 ? cols - 1 - (i % cols) : i % cols;
      return [id, { x: col * STEP, y: row * STEP }];
    }),
  );
}

/**
 * A tree under its root n0 (a tidy layout): the breadth-first tree from the root, leaves side by
 * side in depth-first order, each parent centred over its children, one row per depth. A partial
 * last level stays under its own parents. Nodes the root cannot reach go in a row of their own.
 */
function tree(graph: Graph): Map<string, Point> {
  const out = new Map<string, Point>();
  const root = graph.nodes[0];
  if (root === undefined) return out;
  const children = new Map<string, string[]>();
  const depth = new Map<string, number>([[root, 0]]);
  for (const queue = [root]; queue.length > 0; ) {
    const id = queue.shift() as string;
    const mine = (graph.adjacency.get(id) ?? []).filter((other) => !depth.has(other));
    for (const child of mine) depth.set(child, (depth.get(id) ?? 0) + 1);
    children.set(id, mine);
    queue.push(...mine);
  }
  let nextLeaf = 0;
  const place = (id: string): number => {
    const mine = children.get(id) ?? [];
    const x = mine.length === 0 ? nextLeaf++ * STEP : mine.map(place).reduce((a, b) => a + b, 0) / mine.length;
    out.set(id, { x, y: (depth.get(id) ?? 0) * STEP * 1.5 });
    return x;
  };
  place(root);
  const lastRow = Math.max(...depth.values()) + 1;
  graph.nodes.filter((id) => !depth.has(id)).forEach((id, i) => out.set(id, { x: i * STEP, y: lastRow * STEP * 1.5 }));
  return out;
}

export function graphLayout(graph: Graph, spec?: TopologySpec): Map<string, Point> {
  switch (spec?.kind) {
    case 'grid':
      return rows(graph.nodes, false);
    case 'line':
      return rows(graph.nodes, true);
    case 'tree':
      return tree(graph);
    case 'star':
      return circle(graph.nodes, graph.nodes[0]);
    default:
      return circle(graph.nodes);
  }
}
