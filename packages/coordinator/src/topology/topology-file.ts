/**
 * `--topology file:PATH`: the graph as an edge list in JSON or YAML, each edge optionally with the
 * delay and loss of its link (in the flag forms), which become per-link overrides of the network
 * model. The file is either the edge list itself or a scenario-style object with the edge list
 * under `topology:`; TopologyEdges is exported so the scenario schema can embed the same thing.
 * Every problem names the file, the line and the path, as scenario files do.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { DelaySpecText, LossText, NodeId, flagText, type LinkOverride } from '@agentnet/protocol';
import { makeGraph, type Graph } from './graph.js';
import { describeDisconnection, isConnected } from './graph-paths.js';
import { TopologyError } from './topology-spec.js';


const SELF_LOOP = 'an edge must join two different nodes';

export const TopologyEdge = z.union(
  [
    z
      .tuple([NodeId, NodeId])
      .refine(([a, b]) => a !== b, SELF_LOOP)
      .describe('[A, B]: a link between A and B with the run\'s network model'),
    z
      .strictObject({
        from: NodeId,
        to: NodeId,
        delay: flagText(DelaySpecText).optional().describe('delay of this link, as --delay: constant:MS, uniform:MIN:MAX, ...'),
        loss: flagText(LossText).optional().describe('loss of this link, as --loss: P or ge:P:R:LOSS_GOOD:LOSS_BAD'),
        one_way: z.boolean().default(false).describe('delay and loss apply from -> to only; the link itself always carries both ways'),
      })
      .refine((e) => e.from !== e.to, SELF_LOOP),
  ],
  { error: 'an edge is [A, B] or { from: A, to: B, delay?, loss?, one_way? }' },
);
export type TopologyEdge = z.infer<typeof TopologyEdge>;

export const TopologyEdges = z.strictObject({
  description: z.string().optional(),
  edges: z.array(TopologyEdge).describe('the links; a pair may appear more than once, e.g. to give each direction its own delay'),
});
export type TopologyEdges = z.infer<typeof TopologyEdges>;

const ends = (e: TopologyEdge): [string, string] => (Array.isArray(e) ? [e[0], e[1]] : [e.from, e.to]);

/**
 * The graph and the per-link overrides an edge list gives on the run's nodes: each edge with delay
 * or loss overrides both directions of its link, or only from -> to with one_way. Refuses a graph
 * that leaves some node unreachable; `source` names where the list came from in that message.
 */
export function topologyFromEdges(list: TopologyEdges, ids: readonly string[], source: string): { graph: Graph; links: LinkOverride[] } {
  const known = new Set(ids);
  const unknown = list.edges.flatMap(ends).find((id) => !known.has(id));
  if (unknown !== undefined) throw new TopologyError(`${source} names unknown node ${unknown} (this run has ${ids[0]}..${ids.at(-1)})`);
  const graph = makeGraph(ids, list.edges.map(ends));
  if (!isConnected(graph)) throw new TopologyError(`the graph in ${source} is disconnected: ${describeDisconnection(graph)}`);
  const links: LinkOverride[] = [];
  for (const e of list.edges) {
    if (Array.isArray(e) || (e.delay === undefined && e.loss === undefined)) continue;
    const model = { ...(e.delay && { delay: e.delay }), ...(e.loss && { loss: e.loss }) };
    links.push({ src: e.from, dest: e.to, ...model });
    if (!e.one_way) links.push({ src: e.to, dest: e.from, ...model });
  }
  return { graph, links };
}

/**
 * Reads a topology file (JSON or YAML, bare edge list or under `topology:`) and builds it on the
 * run's nodes. Schema problems and unknown nodes name the line; a disconnection names the nodes.
 */
export function loadTopologyFile(path: string, ids: readonly string[]): { graph: Graph; links: LinkOverride[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TopologyError(`cannot read topology file ${path}: ${(err as Error).message}`);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    throw new TopologyError(`topology file ${path}:${e?.linePos?.[0]?.line ?? '?'}: ${e?.message.split('\n')[0]}`);
  }
  const where = (at: PropertyKey[]) => {
    const node = doc.getIn(at.filter((k): k is string | number => typeof k !== 'symbol'), true) as { range?: [number] } | undefined;
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    return `topology file ${path}${line === undefined ? '' : `:${line}`} (${at.join('.') || 'top'})`;
  };
  const content: unknown = doc.toJS();
  // A scenario file carries the list under `topology:` next to keys that are not ours to check.
  const nested = typeof content === 'object' && content !== null && !Array.isArray(content) && 'topology' in content;
  const prefix = nested ? ['topology'] : [];
  const form = nested ? (content as { topology: unknown }).topology : undefined;
  if (typeof form === 'string') throw new TopologyError(`${where(prefix)}: holds the form "${form}", not an edge list; give --topology ${form}`);
  const parsed = TopologyEdges.safeParse(nested ? form : content);
  if (!parsed.success) throw new TopologyError(parsed.error.issues.map((i) => `${where([...prefix, ...i.path])}: ${i.message}`).join('\n'));
  const known = new Set(ids);
  parsed.data.edges.forEach((e, i) => {
    const unknown = ends(e).findIndex((id) => !known.has(id));
    if (unknown < 0) return;
    const at = [...prefix, 'edges', i, Array.isArray(e) ? unknown : unknown === 0 ? 'from' : 'to'];
    throw new TopologyError(`${where(at)}: unknown node ${ends(e)[unknown]} (this run has ${ids[0]}..${ids.at(-1)})`);
  });
  return topologyFromEdges(parsed.data, ids, `file ${path}`);
}
