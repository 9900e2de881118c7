/**
 * `--topology file:PATH`: edge lists in JSON and YAML, bare or under `topology:` in a scenario
 * file, with per-edge delay and loss becoming link overrides; unknown nodes, bad fields and
 * disconnected graphs are refused naming the file, the line and the path.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { edgeKeys, expectWellFormed } from '../../fixtures/graph.js';
import { loadTopologyFile, TopologyEdges, topologyFromEdges } from './topology-file.js';
import { buildTopology, nodeIds, TopologyError } from './topology.js';

const IDS = nodeIds(5);

function fileWith(text: string, ext = 'yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-topology-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, `t.${ext}`);
  writeFileSync(path, text);
  return path;
}

function errorOf(text: string, ext = 'yaml'): string {
  const path = fileWith(text, ext);
  try {
    loadTopologyFile(path, IDS);
  } catch (err) {
    expect(err).toBeInstanceOf(TopologyError);
    return (err as Error).message.replaceAll(path, 'FILE');
  }
  throw new Error('the topology file loaded');
}

describe('topology files', () => {
  it('reads a JSON edge list with pairs and objects, delay and loss in flag form or as numbers', () => {
    const path = fileWith(
      JSON.stringify({
        edges: [
          ['n0', 'n1'],
          { from: 'n1', to: 'n2', delay: 'constant:20', loss: 0.1 },
          { from: 'n3', to: 'n2', delay: 'uniform:5:15', one_way: true },
          ['n4', 'n3'],
        ],
      }),
      'json',
    );
    const { graph, links } = buildTopology({ kind: 'file', path }, IDS, 1);
    expectWellFormed(graph);
    expect(edgeKeys(graph)).toEqual(['n0-n1', 'n1-n2', 'n2-n3', 'n3-n4']);
    expect(links).toEqual([
      { src: 'n1', dest: 'n2', delay: { kind: 'constant', ms: 20 }, loss: { kind: 'bernoulli', p: 0.1 } },
      { src: 'n2', dest: 'n1', delay: { kind: 'constant', ms: 20 }, loss: { kind: 'bernoulli', p: 0.1 } },
      { src: 'n3', dest: 'n2', delay: { kind: 'uniform', min: 5, max: 15 } },
    ]);
  });

  it('reads YAML, and the same list under `topology:` next to other scenario keys', () => {
    const list = ['edges:', '  - [n0, n1]', '  - [n0, n2]', '  - [n0, n3]', '  - { from: n0, to: n4, loss: "ge:0.1:0.5:0:0.8" }'];
    const bare = loadTopologyFile(fileWith(list.join('\n')), IDS);
    const nested = loadTopologyFile(fileWith(['timeline: []', 'topology:', ...list.map((l) => `  ${l}`)].join('\n')), IDS);
    expect(nested).toEqual(bare);
    expect(edgeKeys(bare.graph)).toEqual(['n0-n1', 'n0-n2', 'n0-n3', 'n0-n4']);
    expect(bare.links.map((l) => `${l.src}>${l.dest}`)).toEqual(['n0>n4', 'n4>n0']);
    expect(bare.links[0]?.loss).toEqual({ kind: 'gilbert_elliott', p: 0.1, r: 0.5, loss_good: 0, loss_bad: 0.8 });
  });

  it('lets a pair appear twice, e.g. one_way entries giving each direction its own delay', () => {
    const { graph, links } = loadTopologyFile(
      fileWith(
        [
          'edges:',
          '  - { from: n0, to: n1, delay: "constant:10", one_way: true }',
          '  - { from: n1, to: n0, delay: "constant:90", one_way: true }',
          '  - [n1, n2]',
          '  - [n2, n3]',
          '  - [n3, n4]',
        ].join('\n'),
      ),
      IDS,
    );
    expect(graph.edges).toHaveLength(4);
    expect(links.map((l) => [`${l.src}>${l.dest}`, l.delay])).toEqual([
      ['n0>n1', { kind: 'constant', ms: 10 }],
      ['n1>n0', { kind: 'constant', ms: 90 }],
    ]);
  });

  it.each([
    ['edges:\n  - [n0, n1]\n  - [n1, n9]\n', 'topology file FILE:3 (edges.1.1): unknown node n9 (this run has n0..n4)'],
    ['topology:\n  edges:\n    - [n0, n1]\n    - { from: n7, to: n1 }\n', 'topology file FILE:4 (topology.edges.1.from): unknown node n7 (this run has n0..n4)'],
    ['edges:\n  - [n0, n1]\n  - { from: n1, to: n2, delay: "constant:fast" }\n', /^topology file FILE:3 \(edges\.1\.delay\): delay "constant:fast"/],
    ['edges:\n  - [n0, n1]\n  - { from: n1, to: n2, loss: 1.5 }\n', /^topology file FILE:3 \(edges\.1\.loss\): loss "1.5" is not P or ge:P:R:LOSS_GOOD:LOSS_BAD/],
    ['edges:\n  - [n0, n1]\n  - { from: n1, to: n2, latency: 5 }\n', /^topology file FILE:3 \(edges\.1\): Unrecognized key: "latency"/],
    ['edges:\n  - [n0, n0]\n', /^topology file FILE:2 \(edges\.0\): an edge must join two different nodes/],
    ['edges:\n  - [n0, n1, n2]\n', /^topology file FILE:2 \(edges\.0\): an edge is \[A, B\] or \{ from: A, to: B, delay\?, loss\?, one_way\? \}/],
    ['edges:\n  - n0\n', /^topology file FILE:2 \(edges\.0\): an edge is \[A, B\]/],
    ['links: []\n', /^topology file FILE \(edges\): /],
    ["edges: [n0, n1\n", /^topology file FILE:\d+: /],
    ['edges:\n  - [n0, n1]\n  - [n2, n3]\n  - [n3, n4]\n', 'the graph in file FILE is disconnected: {n0,n1} cannot reach {n2,n3,n4}'],
    ['edges: []\n', 'the graph in file FILE is disconnected: {n0} cannot reach {n1,n2,n3,n4}'],
    ['timeline: []\ntopology: ring\n', 'topology file FILE:2 (topology): holds the form "ring", not an edge list; give --topology ring'],
  ])('refuses %j', (text, message) => {
    if (typeof message === 'string') expect(errorOf(text)).toBe(message);
    else expect(errorOf(text)).toMatch(message);
  });

  it('names the line in JSON files too', () => {
    expect(errorOf('{\n  "edges": [\n    ["n0", "n1"],\n    ["n1", "n8"]\n  ]\n}\n', 'json')).toBe(
      'topology file FILE:4 (edges.1.1): unknown node n8 (this run has n0..n4)',
    );
  });

  it('says when the file cannot be read', () => {
    expect(() => loadTopologyFile('/nonexistent/agentnet/t.json', IDS)).toThrow(/^cannot read topology file \/nonexistent\/agentnet\/t\.json: ENOENT/);
  });

  it('builds an edge list embedded elsewhere (a scenario file) with the same checks', () => {
    const list = TopologyEdges.parse({ edges: [['n0', 'n1'], { from: 'n1', to: 'n2', delay: 'constant:5' }] });
    expect(topologyFromEdges(list, nodeIds(3), 'scenario s.yaml').links).toHaveLength(2);
    expect(() => topologyFromEdges(list, IDS, 'scenario s.yaml')).toThrow('the graph in scenario s.yaml is disconnected: {n0,n1,n2} cannot reach {n3,n4}');
    expect(() => topologyFromEdges(list, nodeIds(2), 'scenario s.yaml')).toThrow('scenario s.yaml names unknown node n2 (this run has n0..n1)');
  });
});
