/**
 * The random topologies, built through buildTopology: node count, degrees (exact where the model
 * fixes them), edge counts, connectivity, the same graph for the same seed and a different one for
 * another seed, a sign of each model's character (edge density, rewiring share, hubs), and the
 * errors for parameters that cannot work.
 */
import { describe, expect, it } from 'vitest';
import { isConnected } from './graph-paths.js';
import { degrees, edgeKeys, expectWellFormed } from '../../fixtures/graph.js';
import { buildTopology, nodeIds, parseTopology, TopologyError } from './topology.js';

function build(text: string, n: number, seed = 1) {
  const { graph } = buildTopology(parseTopology(text), nodeIds(n), seed);
  expectWellFormed(graph);
  expect(graph.nodes).toEqual(nodeIds(n));
  expect(isConnected(graph)).toBe(true);
  return graph;
}

function errorOf(text: string, n: number): string {
  try {
    buildTopology(parseTopology(text), nodeIds(n), 1);
  } catch (err) {
    expect(err).toBeInstanceOf(TopologyError);
    return (err as Error).message;
  }
  throw new Error(`${text} on ${n} nodes was built`);
}

describe.each(['random:0.3', 'regular:4', 'small-world:4:0.3', 'scale-free:2'])('%s on 40 nodes', (text) => {
  it('is the same graph for the same seed and a different one for another seed', () => {
    const a = build(text, 40, 7);
    expect(build(text, 40, 7)).toEqual(a);
    expect(edgeKeys(build(text, 40, 8))).not.toEqual(edgeKeys(a));
    expect(edgeKeys(build(text, 40, 9))).not.toEqual(edgeKeys(a));
  });
});

describe('random:P (Erdős–Rényi)', () => {
  it.each([2, 3, 5, 12, 16, 40, 200])('is connected on %d nodes with P well above ln(n)/n', (n) => {
    const p = Math.min(1, Number(((2 * Math.log(n)) / n).toFixed(3)));
    const g = build(`random:${p}`, n);
    expect(g.edges.length).toBeGreaterThanOrEqual(n - 1);
  });

  it('random:1 is the full mesh', () => {
    expect(build('random:1', 12).edges).toHaveLength(66);
  });

  it('has about P x n(n-1)/2 links', () => {
    // 19900 pairs at 0.05: mean 995, standard deviation 31; four of them either side.
    for (const seed of [1, 2, 3, 4, 5]) expect(Math.abs(build('random:0.05', 200, seed).edges.length - 995)).toBeLessThan(124);
  });

  it('with one seed, a larger P keeps every link of a smaller one (each pair compares one draw)', () => {
    const sparse = new Set(edgeKeys(build('random:0.3', 40, 3)));
    const dense = new Set(edgeKeys(build('random:0.5', 40, 3)));
    expect(dense.size).toBeGreaterThan(sparse.size);
    expect([...sparse].filter((e) => !dense.has(e))).toEqual([]);
  });

  it('gives up with a hint when P is too small to connect', () => {
    expect(errorOf('random:0.01', 50)).toBe('random:0.01 on 50 nodes was not connected in 1000 draws; try P >= ~ln(n)/n = 0.078');
  });
});

describe('regular:K', () => {
  it.each([
    [2, 1],
    [3, 2],
    [5, 2],
    [5, 4],
    [12, 3],
    [12, 2],
    [12, 9],
    [16, 4],
    [16, 7],
    [40, 3],
    [40, 5],
    [40, 30],
    [200, 3],
    [200, 4],
    [200, 150],
  ])('on %d nodes with K = %d: every node has degree K', (n, k) => {
    const g = build(`regular:${k}`, n);
    expect(new Set(degrees(g))).toEqual(new Set([k]));
    expect(g.edges).toHaveLength((n * k) / 2);
  });

  it('regular:2 is one cycle through all nodes in a shuffled order', () => {
    const g = build('regular:2', 40);
    const ring = edgeKeys(build('ring', 40));
    expect(edgeKeys(g)).not.toEqual(ring);
  });

  it.each([
    ['regular:3', 5, 'regular:3 needs nodes x K even; 5 x 3 = 15'],
    ['regular:5', 5, 'regular:5 needs K < nodes; this run has 5 nodes'],
    ['regular:1', 4, 'regular:1 is a perfect matching, which is connected only on 2 nodes; this run has 4'],
  ])('%s on %d nodes: %s', (text, n, message) => {
    expect(errorOf(text, n)).toBe(message);
  });
});

describe('small-world:K:BETA (Watts–Strogatz)', () => {
  it.each([
    [3, 2, 0.5],
    [5, 4, 1],
    [12, 2, 0.1],
    [12, 4, 0.5],
    [16, 4, 0.3],
    [40, 6, 0.2],
    [200, 4, 0.1],
    [200, 8, 1],
  ])('on %d nodes, K = %d, BETA = %s: n*K/2 links, mean degree exactly K', (n, k, beta) => {
    const g = build(`small-world:${k}:${beta}`, n);
    expect(g.edges).toHaveLength((n * k) / 2);
    expect(degrees(g).reduce((a, b) => a + b, 0) / n).toBe(k);
  });

  it('BETA = 0 is the ring lattice: each node linked to the K/2 nearest on each side', () => {
    const g = build('small-world:4:0', 12);
    g.nodes.forEach((id, i) => {
      const expected = [i - 2, i - 1, i + 1, i + 2].map((j) => (j + 12) % 12).sort((a, b) => a - b);
      expect(g.adjacency.get(id)).toEqual(expected.map((j) => `n${j}`));
    });
  });

  it('rewires about BETA of the lattice links', () => {
    const lattice = new Set(edgeKeys(build('small-world:4:0', 200)));
    for (const seed of [1, 2, 3]) {
      const moved = edgeKeys(build('small-world:4:0.2', 200, seed)).filter((e) => !lattice.has(e)).length;
      // 400 links, each rewired with probability 0.2: mean 80, standard deviation 8.
      expect(moved).toBeGreaterThan(50);
      expect(moved).toBeLessThan(110);
    }
  });

  it('refuses K >= nodes', () => {
    expect(errorOf('small-world:4:0.1', 4)).toBe('small-world:4:0.1 needs K < nodes; this run has 4 nodes');
  });
});

describe('scale-free:M (Barabási–Albert)', () => {
  it.each([
    [2, 1],
    [3, 1],
    [5, 2],
    [12, 1],
    [16, 3],
    [40, 2],
    [200, 1],
    [200, 3],
  ])('on %d nodes with M = %d: M(M+1)/2 seed links plus M per later node', (n, m) => {
    const g = build(`scale-free:${m}`, n);
    expect(g.edges).toHaveLength((m * (m + 1)) / 2 + m * (n - m - 1));
    g.nodes.forEach((id, i) => {
      const earlier = (g.adjacency.get(id) ?? []).filter((other) => Number(other.slice(1)) < i);
      expect(earlier, `${id} links to its earlier nodes`).toHaveLength(Math.min(i, m));
    });
    expect(Math.min(...degrees(g))).toBe(m);
  });

  it('grows hubs: the top degree far exceeds what uniform attachment gives (its oldest node averages about 11)', () => {
    for (const seed of [1, 2, 3]) expect(Math.max(...degrees(build('scale-free:2', 200, seed)))).toBeGreaterThanOrEqual(20);
  });

  it('refuses M >= nodes', () => {
    expect(errorOf('scale-free:3', 3)).toBe('scale-free:3 needs M < nodes; this run has 3 nodes');
  });
});
