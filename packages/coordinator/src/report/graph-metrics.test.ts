/**
 * Graph metrics on graphs whose numbers are known by hand: diameter, degree distribution and
 * average shortest path, and what they say about a graph that is not connected.
 */
import { describe, expect, it } from 'vitest';
import { makeGraph, withoutEdges } from '../topology/graph.js';
import { GraphMetrics, graphMetrics } from './graph-metrics.js';
import { buildTopology, nodeIds, parseTopology } from '../topology/topology.js';

const metricsOf = (text: string, n: number) => {
  const m = graphMetrics(buildTopology(parseTopology(text), nodeIds(n), 1).graph);
  expect(GraphMetrics.parse(m)).toEqual(m);
  return m;
};

describe('graphMetrics', () => {
  it('ring of 12: diameter 6, every degree 2, mean path 36/11', () => {
    // From one node: two nodes at each of 1..5 hops and one at 6, 36 hops over 11 others.
    expect(metricsOf('ring', 12)).toEqual({
      nodes: 12,
      edges: 12,
      connected: true,
      diameter: 6,
      degree: { min: 2, max: 2, mean: 2, histogram: { '2': 12 } },
      average_shortest_path: 3.2727,
    });
  });

  it('4 x 4 grid: diameter 6 corner to corner, degrees 2, 3 and 4', () => {
    const m = metricsOf('grid', 16);
    expect(m.diameter).toBe(6);
    expect(m.edges).toBe(24);
    expect(m.degree).toEqual({ min: 2, max: 4, mean: 3, histogram: { '2': 4, '3': 8, '4': 4 } });
    // Manhattan distances on a 4 x 4 grid average 8/3 over ordered pairs of distinct cells.
    expect(m.average_shortest_path).toBe(2.6667);
  });

  it('star of 8: diameter 2, the hub alone at degree 7', () => {
    const m = metricsOf('star', 8);
    expect(m.diameter).toBe(2);
    expect(m.degree).toEqual({ min: 1, max: 7, mean: 1.75, histogram: { '1': 7, '7': 1 } });
    // 14 ordered pairs with the hub at 1 hop, 42 between leaves at 2.
    expect(m.average_shortest_path).toBe(1.75);
  });

  it('line of 5: diameter 4, ends of degree 1, mean path 2', () => {
    const m = metricsOf('line', 5);
    expect(m.diameter).toBe(4);
    expect(m.degree.histogram).toEqual({ '1': 2, '2': 3 });
    expect(m.average_shortest_path).toBe(2);
  });

  it('mesh: diameter 1 and every path 1 hop', () => {
    const m = metricsOf('mesh', 40);
    expect(m).toMatchObject({ edges: 780, diameter: 1, average_shortest_path: 1, degree: { min: 39, max: 39, mean: 39, histogram: { '39': 40 } } });
  });

  it('the histogram counts every node once, also for random graphs', () => {
    const m = metricsOf('scale-free:2', 200);
    expect(Object.values(m.degree.histogram).reduce((a, b) => a + b, 0)).toBe(200);
    expect(Object.keys(m.degree.histogram).map(Number)).toEqual([...Object.keys(m.degree.histogram).map(Number)].sort((a, b) => a - b));
    expect(m.degree.mean).toBe(3.97);
  });

  it('a disconnected graph: not connected, diameter and mean path over the pairs that do connect', () => {
    const line = buildTopology(parseTopology('line'), nodeIds(5), 1).graph;
    const m = graphMetrics(withoutEdges(line, [['n2', 'n3']]));
    expect(m.connected).toBe(false);
    expect(m.diameter).toBe(2);
    // n0-n1-n2 gives 6 ordered pairs summing to 8 hops; n3-n4 gives 2 pairs of 1.
    expect(m.average_shortest_path).toBe(1.25);
  });

  it('one node and none', () => {
    expect(graphMetrics(makeGraph(['n0'], []))).toEqual({
      nodes: 1,
      edges: 0,
      connected: true,
      diameter: 0,
      degree: { min: 0, max: 0, mean: 0, histogram: { '0': 1 } },
      average_shortest_path: 0,
    });
    expect(graphMetrics(makeGraph([], [])).degree).toEqual({ min: 0, max: 0, mean: 0, histogram: {} });
  });
});
