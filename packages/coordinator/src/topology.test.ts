import { describe, expect, it } from 'vitest';
import { fullMeshPeers, nodeIds } from './topology.js';

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
