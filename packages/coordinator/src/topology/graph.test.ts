/**
 * The graph core: normalisation on construction, neighbour lists, the live-graph views without
 * cut links or dead nodes, hop distances, components and how a disconnection is worded.
 */
import { describe, expect, it } from 'vitest';
import { fromIndexPairs, GraphError, hasEdge, makeGraph, neighbours, withoutEdges, withoutNodes } from './graph.js';
import { allPairsHops, components, describeDisconnection, formatNodeSet, hopDistances, hopMatrix, isConnected } from './graph-paths.js';
import { edgeKeys, expectWellFormed } from '../../fixtures/graph.js';
import { nodeIds } from './topology.js';

const IDS = nodeIds(12);
/** n0-n1-n2-n3 and n10-n11, everything else alone. */
const SPLIT = makeGraph(IDS, [
  ['n1', 'n0'],
  ['n2', 'n1'],
  ['n3', 'n2'],
  ['n11', 'n10'],
]);

describe('makeGraph', () => {
  it('orders each edge and the edge list by node position, not by text (n2 before n10)', () => {
    const g = makeGraph(IDS, [
      ['n10', 'n2'],
      ['n11', 'n0'],
      ['n2', 'n1'],
    ]);
    expectWellFormed(g);
    expect(edgeKeys(g)).toEqual(['n0-n11', 'n1-n2', 'n2-n10']);
    expect(g.adjacency.get('n2')).toEqual(['n1', 'n10']);
    expect(g.adjacency.get('n5')).toEqual([]);
  });

  it('keeps one edge for a pair listed twice or both ways', () => {
    const g = makeGraph(nodeIds(3), [
      ['n0', 'n1'],
      ['n1', 'n0'],
      ['n0', 'n1'],
      ['n1', 'n2'],
    ]);
    expectWellFormed(g);
    expect(edgeKeys(g)).toEqual(['n0-n1', 'n1-n2']);
  });

  it('refuses self loops, unknown nodes and repeated ids', () => {
    expect(() => makeGraph(nodeIds(3), [['n1', 'n1']])).toThrow(new GraphError('edge n1-n1 is a self loop'));
    expect(() => makeGraph(nodeIds(3), [['n1', 'n7']])).toThrow(/edge n1-n7 names a node that is not in the graph/);
    expect(() => makeGraph(['a', 'b', 'a'], [])).toThrow(/not unique/);
  });

  it('fromIndexPairs gives the same graph as makeGraph for pairs in any order and orientation', () => {
    const fast = fromIndexPairs(IDS, [
      [10, 2],
      [0, 11],
      [2, 1],
    ]);
    expectWellFormed(fast);
    expect(fast).toEqual(makeGraph(IDS, [['n2', 'n10'], ['n0', 'n11'], ['n1', 'n2']]));
  });

  it('the test fixture notices a malformed graph', () => {
    const good = makeGraph(nodeIds(3), [['n0', 'n1'], ['n1', 'n2']]);
    expect(() => expectWellFormed({ ...good, edges: [['n1', 'n0'], ['n1', 'n2']] })).toThrow();
    expect(() => expectWellFormed({ ...good, edges: [['n1', 'n2'], ['n0', 'n1']] })).toThrow();
    expect(() => expectWellFormed({ ...good, adjacency: new Map([['n0', ['n1']], ['n1', ['n0', 'n2']], ['n2', []]]) })).toThrow();
  });

  it('neighbours() is a fresh copy in the shape of fullMeshPeers', () => {
    const peers = neighbours(SPLIT);
    expect([...peers.keys()]).toEqual(IDS);
    expect(peers.get('n1')).toEqual(['n0', 'n2']);
    peers.get('n1')?.push('n9');
    expect(SPLIT.adjacency.get('n1')).toEqual(['n0', 'n2']);
  });
});

describe('live graph views', () => {
  it('withoutEdges removes a link cut in either direction and keeps every node', () => {
    const g = withoutEdges(SPLIT, [
      ['n2', 'n1'],
      ['n10', 'n11'],
      ['n5', 'n6'],
    ]);
    expectWellFormed(g);
    expect(g.nodes).toEqual(IDS);
    expect(edgeKeys(g)).toEqual(['n0-n1', 'n2-n3']);
    expect(hasEdge(g, 'n1', 'n2')).toBe(false);
    expect(hasEdge(g, 'n1', 'n0')).toBe(true);
    expect(SPLIT.edges).toHaveLength(4);
  });

  it('withoutNodes drops the nodes and their links, ignoring unknown ids', () => {
    const g = withoutNodes(SPLIT, ['n1', 'n11', 'n99']);
    expectWellFormed(g);
    expect(g.nodes).toEqual(IDS.filter((id) => id !== 'n1' && id !== 'n11'));
    expect(edgeKeys(g)).toEqual(['n2-n3']);
    expect(g.adjacency.get('n0')).toEqual([]);
    expect(g.adjacency.has('n1')).toBe(false);
  });
});

describe('hop distances', () => {
  it('BFS from one node reaches only its component', () => {
    expect(Object.fromEntries(hopDistances(SPLIT, 'n0'))).toEqual({ n0: 0, n1: 1, n2: 2, n3: 3 });
    expect(Object.fromEntries(hopDistances(SPLIT, 'n11'))).toEqual({ n10: 1, n11: 0 });
    expect(hopDistances(SPLIT, 'n42').size).toBe(0);
  });

  it('all pairs agree with BFS from each node, and the matrix marks unreachable pairs -1', () => {
    const all = allPairsHops(SPLIT);
    for (const id of IDS) expect(all.get(id)).toEqual(hopDistances(SPLIT, id));
    const matrix = hopMatrix(SPLIT);
    expect(matrix[0]?.[3]).toBe(3);
    expect(matrix[3]?.[0]).toBe(3);
    expect(matrix[0]?.[10]).toBe(-1);
    expect(matrix[5]?.[5]).toBe(0);
  });

  it('components come in node order, each sorted', () => {
    expect(components(SPLIT)).toEqual([['n0', 'n1', 'n2', 'n3'], ['n4'], ['n5'], ['n6'], ['n7'], ['n8'], ['n9'], ['n10', 'n11']]);
    expect(components(makeGraph([], []))).toEqual([]);
  });

  it('isConnected holds for connected graphs and graphs of one node or none only', () => {
    expect(isConnected(SPLIT)).toBe(false);
    expect(isConnected(makeGraph(nodeIds(3), [['n0', 'n2'], ['n2', 'n1']]))).toBe(true);
    expect(isConnected(makeGraph(nodeIds(2), []))).toBe(false);
    expect(isConnected(makeGraph(['n0'], []))).toBe(true);
    expect(isConnected(makeGraph([], []))).toBe(true);
  });

  it('words a disconnection as the first node\'s component against the rest, shortening long sets', () => {
    const g = makeGraph(nodeIds(5), [['n0', 'n1'], ['n2', 'n3'], ['n3', 'n4']]);
    expect(describeDisconnection(g)).toBe('{n0,n1} cannot reach {n2,n3,n4}');
    expect(describeDisconnection(SPLIT)).toBe('{n0,n1,n2,n3} cannot reach {n4,n5,n6,n7,n8,n9,n10,n11}');
    expect(formatNodeSet(nodeIds(20))).toBe('{n0,n1,n2,n3,n4,n5,n6,n7,... 12 more}');
  });
});
