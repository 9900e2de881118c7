/**
 * The topology entry points: node ids, the full mesh others rely on, and buildTopology for every
 * kind from 2 to 500 nodes: a connected graph, neighbour lists that agree both ways, seeded graphs
 * pinned so a rerun line keeps giving the same graph, and refusals as TopologyError.
 */
import { describe, expect, it } from 'vitest';
import { edgeKeys, expectWellFormed } from '../../fixtures/graph.js';
import { buildTopology, fullMeshPeers, isConnected, neighbours, nodeIds, parseTopology, TopologyError, topologyProblem } from './topology.js';

describe('nodeIds', () => {
  it('names nodes n0..n(N-1)', () => {
    expect(nodeIds(3)).toEqual(['n0', 'n1', 'n2']);
    expect(nodeIds(0)).toEqual([]);
    const many = nodeIds(12);
    expect(many).toHaveLength(12);
    expect(many.at(-1)).toBe('n11');
    expect(new Set(many).size).toBe(12);
  });
});

describe('fullMeshPeers', () => {
  it('gives every node all the others, in id order', () => {
    const peers = fullMeshPeers(nodeIds(4));
    expect([...peers.keys()]).toEqual(['n0', 'n1', 'n2', 'n3']);
    expect(peers.get('n0')).toEqual(['n1', 'n2', 'n3']);
    expect(peers.get('n2')).toEqual(['n0', 'n1', 'n3']);
    expect(peers.get('n3')).toEqual(['n0', 'n1', 'n2']);
  });

  it('is symmetric, never lists a node as its own peer, and has N(N-1)/2 links', () => {
    const ids = nodeIds(7);
    const peers = fullMeshPeers(ids);
    const links = new Set<string>();
    for (const [id, list] of peers) {
      expect(list).not.toContain(id);
      expect(list).toHaveLength(ids.length - 1);
      for (const other of list) {
        expect(peers.get(other)).toContain(id);
        links.add([id, other].sort().join('-'));
      }
    }
    expect(links.size).toBe((7 * 6) / 2);
  });

  it('keeps the order it was given, for ids that are not n<i>', () => {
    expect(fullMeshPeers(['b', 'a', 'c']).get('a')).toEqual(['b', 'c']);
  });

  it('handles one node and none', () => {
    expect(fullMeshPeers(['n0']).get('n0')).toEqual([]);
    expect(fullMeshPeers([]).size).toBe(0);
  });
});

const KINDS = ['mesh', 'ring', 'line', 'star', 'tree', 'tree:4', 'grid', 'random:0.5', 'regular:1', 'regular:3', 'small-world:2:0.5', 'scale-free:1', 'scale-free:3'];

describe('buildTopology', () => {
  const fitting = KINDS.flatMap((kind) => [2, 4, 500].map((n): [string, number] => [kind, n])).filter(([kind, n]) => topologyProblem(parseTopology(kind), n) === undefined);

  it.each(fitting)('%s on %d nodes: connected, every node listed, neighbours symmetric', (kind, n) => {
    const spec = parseTopology(kind);
    const { graph } = buildTopology(spec, nodeIds(n), 11);
    expectWellFormed(graph);
    expect(isConnected(graph)).toBe(true);
    const peers = neighbours(graph);
    expect([...peers.keys()]).toEqual(nodeIds(n));
    const oneSided = [...peers].flatMap(([id, list]) => list.filter((other) => other === id || !peers.get(other)?.includes(id)).map((other) => `${id}>${other}`));
    expect(oneSided).toEqual([]);
  });

  it('keeps drawing the same graphs from seed 42 (a rerun line must give the same graph after upgrades)', () => {
    const edgesOf = (text: string) => edgeKeys(buildTopology(parseTopology(text), nodeIds(8), 42).graph).join(' ');
    expect(edgesOf('random:0.5')).toBe('n0-n2 n0-n3 n0-n4 n0-n5 n1-n3 n1-n6 n1-n7 n2-n4 n2-n5 n3-n4 n3-n5 n3-n7 n4-n6 n5-n6 n5-n7');
    expect(edgesOf('regular:3')).toBe('n0-n1 n0-n6 n0-n7 n1-n2 n1-n4 n2-n3 n2-n5 n3-n4 n3-n5 n4-n7 n5-n6 n6-n7');
    expect(edgesOf('small-world:2:0.5')).toBe('n0-n4 n0-n7 n1-n2 n1-n3 n2-n7 n3-n5 n4-n7 n6-n7');
    expect(edgesOf('scale-free:1')).toBe('n0-n1 n0-n2 n0-n3 n0-n4 n0-n5 n1-n6 n5-n7');
  });

  it('refuses specs that do not fit the nodes, and repeated ids, as TopologyError', () => {
    expect(() => buildTopology(parseTopology('regular:3'), nodeIds(5), 1)).toThrow(new TopologyError('regular:3 needs nodes x K even; 5 x 3 = 15'));
    expect(() => buildTopology(parseTopology('ring'), ['n0', 'n1', 'n0'], 1)).toThrow(/node ids are not unique: n0, n1, n0/);
    expect(() => buildTopology({ kind: 'file', path: '/nonexistent/agentnet.yaml' }, nodeIds(3), 1)).toThrow(TopologyError);
  });

  it('names nodes by the ids it is given, in their order', () => {
    const { graph } = buildTopology(parseTopology('line'), ['b', 'a', 'c'], 1);
    expect(edgeKeys(graph)).toEqual(['b-a', 'a-c']);
  });
});
