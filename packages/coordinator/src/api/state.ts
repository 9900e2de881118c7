/**
 * The control API's views of a run, built from the coordinator's parts: the state (run, nodes,
 * faults in force and so far) and every directed link with its effective model, the faults on it,
 * and the ledger's counts so far.
 */
import { describeLinkModel, linkModelFor, type FaultRecord, type NetworkModel, type PartitionMode } from '@agentnet/protocol';
import type { FaultState } from '../faults/fault-timeline.js';
import type { NodeEntry } from '../cluster/node-table.js';
import type { ApiLink, ApiState, LinkCounts, LinksQuery, RunPhase } from './schema.js';

export interface StateParts {
  runId: string;
  seed: number;
  phase: RunPhase;
  elapsedMs: number;
  coordinator: { pid: number; url: string };
  nodes: ReadonlyArray<Pick<NodeEntry, 'id' | 'pid' | 'state' | 'incarnation'>>;
  totals: LinkCounts;
  faults: FaultState;
  /** Partitions and link faults in force, by name. */
  names: string[];
  history: readonly FaultRecord[];
}

export function apiState(p: StateParts): ApiState {
  const paused = new Map(p.faults.paused.map((n) => [n.node, n.mode]));
  return {
    run_id: p.runId,
    seed: p.seed,
    phase: p.phase,
    elapsed_ms: Math.round(p.elapsedMs),
    coordinator: p.coordinator,
    nodes: p.nodes.map((e) => {
      const mode = paused.get(e.id);
      return { id: e.id, pid: e.pid, state: e.state, incarnation: e.incarnation, ...(mode === undefined ? {} : { paused: mode }) };
    }),
    totals: p.totals,
    in_force: { ...p.faults, names: p.names },
    history: [...p.history],
  };
}

export interface LinkParts {
  /** Every directed link of the run (each node to each of its peers), in id order. */
  links: ReadonlyArray<readonly [string, string]>;
  network: NetworkModel;
  faults: FaultState;
  counts: (src: string, dest: string) => LinkCounts;
}

/** Every link that passes the filter, with its model, the faults on it and its counts so far. */
export function apiLinks(p: LinkParts, filter: LinksQuery): ApiLink[] {
  const cutBy = new Map<string, Array<{ name: string; mode: PartitionMode }>>();
  for (const { name, mode, cuts } of p.faults.partitions) {
    for (const [src, dest] of cuts) {
      const key = `${src}>${dest}`;
      cutBy.set(key, [...(cutBy.get(key) ?? []), { name, mode }]);
    }
  }
  const faultNames = new Map<string, string[]>();
  for (const f of p.faults.links) {
    const key = `${f.src}>${f.dest}`;
    faultNames.set(key, [...(faultNames.get(key) ?? []), f.name]);
  }
  // Link faults lie over the run's overrides in the order they were applied, as on the nodes.
  const model: NetworkModel = { default: p.network.default, links: [...p.network.links, ...p.faults.links.map(({ name: _name, ...o }) => o)] };
  return p.links
    .filter(([src, dest]) => (filter.src === undefined || src === filter.src) && (filter.dest === undefined || dest === filter.dest))
    .map(([src, dest]) => {
      const key = `${src}>${dest}`;
      const effective = linkModelFor(model, src, dest);
      return {
        src,
        dest,
        model: effective,
        model_text: describeLinkModel(effective),
        partitions: cutBy.get(key) ?? [],
        link_faults: faultNames.get(key) ?? [],
        counts: p.counts(src, dest),
      };
    });
}
