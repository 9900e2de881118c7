/**
 * The deterministic topologies, built through buildTopology on 2 to 200 nodes: node count, the
 * exact degree each shape defines, the exact edge count, connectivity, and that the seed does not
 * matter to them.
 */
import { describe, expect, it } from 'vitest';
import { isConnected } from './graph-paths.js';
import { degrees, edgeKeys, expectWellFormed } from '../../fixtures/graph.js';
import { gridShape, treeParent } from './topology-generators.js';
import { buildTopology, fullMeshPeers, neighbours, nodeIds, parseTopology } from './topology.js';

const SIZES = [2, 3, 5, 12, 16, 40, 200];

function build(text: string, n: number, seed = 1) {
  const { graph, links } = buildTopology(parseTopology(text), nodeIds(n), seed);
  expectWellFormed(graph);
  expect(graph.nodes).toEqual(nodeIds(n));
  expect(isConnected(graph)).toBe(true);
  expect(links).toEqual([]);
  return graph;
}

describe.each(SIZES)('on %d nodes', (n) => {
  it('mesh links every pair and gives the same peers as fullMeshPeers', () => {
    const g = build('mesh', n);
    expect(g.edges).toHaveLength((n * (n - 1)) / 2);
    expect(neighbours(g)).toEqual(fullMeshPeers(nodeIds(n)));
  });

  it('ring: every node has degree 2 (one link on 2 nodes), n0 closes the circle', () => {
    const g = build('ring', n);
    expect(g.edges).toHaveLength(n === 2 ? 1 : n);
    expect(new Set(degrees(g))).toEqual(new Set([n === 2 ? 1 : 2]));
    if (n >= 3) expect(g.adjacency.get('n0')).toEqual(['n1', `n${n - 1}`]);
  });

  it('line: the ends have degree 1, the rest 2, in id order', () => {
    const g = build('line', n);
    expect(g.edges).toHaveLength(n - 1);
    expect(degrees(g)).toEqual(nodeIds(n).map((_, i) => (i === 0 || i === n - 1 ? 1 : 2)));
    expect(edgeKeys(g)).toEqual(nodeIds(n - 1).map((_, i) => `n${i}-n${i + 1}`));
  });

  it('star: the hub n0 has degree n-1, every other node 1', () => {
    const g = build('star', n);
    expect(degrees(g)).toEqual(nodeIds(n).map((_, i) => (i === 0 ? n - 1 : 1)));
    expect(g.adjacency.get('n0')).toEqual(nodeIds(n).slice(1));
  });

  it.each([2, 3, 5])('tree:%d: each node has its k children k*i+1.. and one parent', (k) => {
    const g = build(`tree:${k}`, n);
    expect(g.edges).toHaveLength(n - 1);
    g.nodes.forEach((id, i) => {
      const children = nodeIds(n).slice(k * i + 1, k * i + k + 1);
      const parent = i === 0 ? [] : [`n${treeParent(i, k)}`];
      expect(g.adjacency.get(id)).toEqual([...parent, ...children]);
    });
  });

  it('grid: near-square, right and lower neighbours, interior degree 4', () => {
    const g = build('grid', n);
    const { rows, cols } = gridShape(n);
    expect(cols).toBe(Math.ceil(Math.sqrt(n)));
    expect(rows * cols).toBeGreaterThanOrEqual(n);
    expect((rows - 1) * cols).toBeLessThan(n);
    g.nodes.forEach((id, i) => {
      const [r, c] = [Math.floor(i / cols), i % cols];
      const expected = [i - cols, c > 0 ? i - 1 : -1, c < cols - 1 ? i + 1 : -1, i + cols].filter((j) => j >= 0 && j < n).map((j) => `n${j}`);
      expect(g.adjacency.get(id), `${id} at row ${r}, column ${c}`).toEqual(expected);
    });
  });
});

describe('exact shapes', () => {
  it('a 4 x 4 grid has 24 links, corners of degree 2, sides 3 and the 4 interior nodes 4', () => {
    const g = build('grid', 16);
    expect(g.edges).toHaveLength(24);
    expect(degrees(g)).toEqual([2, 3, 3, 2, 3, 4, 4, 3, 3, 4, 4, 3, 2, 3, 3, 2]);
  });

  it('10 nodes are a 4 x 3 grid with a last row of 2, still connected', () => {
    expect(gridShape(10)).toEqual({ rows: 3, cols: 4 });
    const g = build('grid', 10);
    expect(g.adjacency.get('n8')).toEqual(['n4', 'n9']);
    expect(g.adjacency.get('n9')).toEqual(['n5', 'n8']);
    expect(g.adjacency.get('n7')).toEqual(['n3', 'n6']);
  });

  it('tree:3 on 13 nodes is complete: root 3, inner nodes 4, leaves 1', () => {
    expect(degrees(build('tree:3', 13))).toEqual([3, 4, 4, 4, ...Array(9).fill(1)]);
  });

  it('does not depend on the seed', () => {
    for (const kind of ['mesh', 'ring', 'line', 'star', 'tree:3', 'grid']) {
      expect(build(kind, 40, 1)).toEqual(build(kind, 40, 2));
    }
  });

  it('builds on one node as a graph with no links', () => {
    for (const kind of ['mesh', 'ring', 'line', 'star', 'tree', 'grid']) {
      expect(build(kind, 1).edges).toEqual([]);
    }
  });
});
