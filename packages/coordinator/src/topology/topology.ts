/**
 * Who links to whom: the run's node ids and the graph of links between them. buildTopology is the
 * one place a topology becomes a graph; the coordinator gives each node only its neighbours in it.
 * This module also gathers the topology API (spec, graph, metrics, drawing) for the coordinator.
 */
import type { LinkOverride } from '@agentnet/protocol';
import { fromIndexPairs, type Graph } from './graph.js';
import { describeDisconnection, isConnected } from './graph-paths.js';
import { regularPairs, randomPairs, scaleFreePairs, smallWorldPairs } from './random-topologies.js';
import { loadTopologyFile } from './topology-file.js';
import { gridPairs, linePairs, meshPairs, ringPairs, starPairs, treePairs, type IndexPair } from './topology-generators.js';
import { formatTopology, topologyProblem, TopologyError, type TopologySpec } from './topology-spec.js';

export { type Edge, type Graph, GraphError, degreeOf, hasEdge, makeGraph, neighbours, withoutEdges, withoutNodes } from './graph.js';
export { allPairsHops, components, describeDisconnection, hopDistances, hopMatrix, isConnected } from './graph-paths.js';
export { TopologyEdge, TopologyEdges, loadTopologyFile, topologyFromEdges } from './topology-file.js';
export { TOPOLOGY_FORMS, TopologyError, TopologySpec, TopologyText, formatTopology, parseTopology, topologyProblem } from './topology-spec.js';

/** The run's node ids, n0 .. n(count-1), in the order nodes registered. */
export function nodeIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `n${i}`);
}

/** Every node's peers in a full mesh: all other nodes, in id order. */
export function fullMeshPeers(ids: readonly string[]): Map<string, string[]> {
  return new Map(ids.map((id) => [id, ids.filter((other) => other !== id)]));
}

export interface Topology {
  graph: Graph;
  /** Per-link network model overrides the topology brings (only file: edges with delay or loss). */
  links: LinkOverride[];
}

function generatedPairs(spec: Exclude<TopologySpec, { kind: 'file' }>, n: number, seed: number): IndexPair[] {
  switch (spec.kind) {
    case 'mesh':
      return meshPairs(n);
    case 'ring':
      return ringPairs(n);
    case 'line':
      return linePairs(n);
    case 'star':
      return starPairs(n);
    case 'tree':
      return treePairs(n, spec.k);
    case 'grid':
      return gridPairs(n);
    case 'random':
      return randomPairs(n, spec.p, seed);
    case 'regular':
      return regularPairs(n, spec.k, seed);
    case 'small-world':
      return smallWorldPairs(n, spec.k, spec.beta, seed);
    case 'scale-free':
      return scaleFreePairs(n, spec.m, seed);
  }
}

/**
 * The topology `spec` on the run's node ids; random kinds are drawn from `seed`, so the same seed
 * gives the same graph. Throws TopologyError when the spec does not fit the number of nodes, a file
 * cannot be read or names unknown nodes, or the graph leaves some node unreachable.
 */
export function buildTopology(spec: TopologySpec, ids: readonly string[], seed: number): Topology {
  if (new Set(ids).size !== ids.length) throw new TopologyError(`node ids are not unique: ${ids.join(', ')}`);
  const problem = topologyProblem(spec, ids.length);
  if (problem !== undefined) throw new TopologyError(problem);
  if (spec.kind === 'file') return loadTopologyFile(spec.path, ids);
  const graph = fromIndexPairs(ids, generatedPairs(spec, ids.length, seed));
  // Every generator promises a connected graph; this is the guarantee the coordinator relies on.
  if (!isConnected(graph)) throw new TopologyError(`${formatTopology(spec)} on ${ids.length} nodes is disconnected: ${describeDisconnection(graph)}`);
  return { graph, links: [] };
}
