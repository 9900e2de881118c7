/**
 * `--topology` text: every form parses to its spec and formats back to text that parses to the
 * same spec; bad text fails with a message naming the form; specs that do not fit the node count
 * are refused with the numbers that do not fit.
 */
import { describe, expect, it } from 'vitest';
import { formatTopology, parseTopology, topologyProblem, TopologyError, TopologySpec, TopologyText } from './topology-spec.js';

const messageOf = (text: string) => {
  const parsed = TopologyText.safeParse(text);
  expect(parsed.success, `"${text}" was accepted`).toBe(false);
  return parsed.error?.issues.map((i) => i.message).join('; ') ?? '';
};

describe('TopologyText', () => {
  it.each<[string, TopologySpec]>([
    ['mesh', { kind: 'mesh' }],
    ['ring', { kind: 'ring' }],
    ['line', { kind: 'line' }],
    ['star', { kind: 'star' }],
    ['grid', { kind: 'grid' }],
    ['tree', { kind: 'tree', k: 2 }],
    ['tree:3', { kind: 'tree', k: 3 }],
    ['random:0.25', { kind: 'random', p: 0.25 }],
    ['random:1', { kind: 'random', p: 1 }],
    ['regular:3', { kind: 'regular', k: 3 }],
    ['small-world:4:0.1', { kind: 'small-world', k: 4, beta: 0.1 }],
    ['small-world:2:0', { kind: 'small-world', k: 2, beta: 0 }],
    ['scale-free:2', { kind: 'scale-free', m: 2 }],
    ['file:topologies/a.json', { kind: 'file', path: 'topologies/a.json' }],
    ['file:C:\\x\\b:c.yaml', { kind: 'file', path: 'C:\\x\\b:c.yaml' }],
  ])('%s', (text, spec) => {
    expect(TopologyText.parse(text)).toEqual(spec);
    expect(TopologySpec.parse(spec)).toEqual(spec);
    expect(TopologyText.parse(formatTopology(spec))).toEqual(spec);
  });

  it('formats the default tree explicitly, for rerun lines', () => {
    expect(formatTopology({ kind: 'tree', k: 2 })).toBe('tree:2');
    expect(formatTopology({ kind: 'small-world', k: 6, beta: 0.05 })).toBe('small-world:6:0.05');
  });

  it.each([
    ['hexagon', /topology "hexagon" is not one of mesh, ring, line, star, tree\[:K\], grid, random:P, regular:K, small-world:K:BETA, scale-free:M, file:PATH/],
    ['ring:3', /is not one of/],
    ['', /is not one of/],
    ['tree:1', /topology "tree:1": K "1" is not a whole number >= 2; the form is tree or tree:K/],
    ['tree:2.5', /K "2.5" is not a whole number >= 2/],
    ['tree:2:3', /too many parts/],
    ['random', /topology "random": needs exactly P; the form is random:P with 0 < P <= 1/],
    ['random:0', /P "0" is not a probability above 0 and at most 1/],
    ['random:1.5', /P "1.5" is not a probability/],
    ['random:-0.1', /P "-0.1" is not a probability/],
    ['regular', /needs K; the form is regular:K/],
    ['regular:0', /K "0" is not a whole number >= 1/],
    ['small-world:3:0.1', /K "3" is not an even whole number >= 2/],
    ['small-world:0:0.1', /K "0" is not an even whole number >= 2/],
    ['small-world:4:2', /BETA "2" is not a probability between 0 and 1/],
    ['small-world:4', /needs exactly K and BETA/],
    ['scale-free:0', /M "0" is not a whole number >= 1/],
    ['scale-free:x', /M "x" is not a whole number >= 1/],
    ['file:', /file:PATH needs a path/],
  ])('refuses %j', (text, message) => {
    expect(messageOf(text)).toMatch(message);
  });

  it('parseTopology throws a TopologyError with the same message', () => {
    expect(parseTopology('star')).toEqual({ kind: 'star' });
    expect(() => parseTopology('regular:0')).toThrow(TopologyError);
    expect(() => parseTopology('regular:0')).toThrow(/K "0" is not a whole number >= 1/);
  });

  it('the schema refuses what the text refuses', () => {
    expect(TopologySpec.safeParse({ kind: 'tree', k: 1 }).success).toBe(false);
    expect(TopologySpec.safeParse({ kind: 'random', p: 0 }).success).toBe(false);
    expect(TopologySpec.safeParse({ kind: 'small-world', k: 3, beta: 0 }).success).toBe(false);
    expect(TopologySpec.safeParse({ kind: 'torus' }).success).toBe(false);
  });
});

describe('topologyProblem', () => {
  it.each<[string, number, string]>([
    ['regular:3', 5, 'regular:3 needs nodes x K even; 5 x 3 = 15'],
    ['regular:5', 5, 'regular:5 needs K < nodes; this run has 5 nodes'],
    ['regular:1', 4, 'regular:1 is a perfect matching, which is connected only on 2 nodes; this run has 4'],
    ['small-world:4:0.1', 4, 'small-world:4:0.1 needs K < nodes; this run has 4 nodes'],
    ['scale-free:3', 3, 'scale-free:3 needs M < nodes; this run has 3 nodes'],
    ['mesh', 0, 'mesh needs at least one node'],
  ])('%s on %d nodes: %s', (text, n, message) => {
    expect(topologyProblem(parseTopology(text), n)).toBe(message);
  });

  it.each<[string, number]>([
    ['regular:1', 2],
    ['regular:3', 4],
    ['regular:4', 5],
    ['small-world:4:0.5', 5],
    ['scale-free:1', 2],
    ['tree:5', 2],
    ['random:0.5', 2],
  ])('%s fits %d nodes', (text, n) => {
    expect(topologyProblem(parseTopology(text), n)).toBeUndefined();
  });
});
