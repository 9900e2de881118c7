/**
 * The control API's view onto a running coordinator: the run's state and links as the API shows
 * them, the fault timeline to act on, and the request to end the run. The coordinator hands over
 * its parts; this answers the routes with them.
 */
import type { NetworkModel } from '@agentnet/protocol';
import type { NodeEntry } from '../cluster/node-table.js';
import type { FaultTimeline } from '../faults/fault-timeline.js';
import type { Ledger } from '../report/ledger.js';
import type { ControlApiHost } from './routes.js';
import type { ApiStopResult, RunPhase } from './schema.js';
import { apiLinks, apiState } from './state.js';

export interface ApiHostParts {
  runId: string;
  seed: number;
  network: NetworkModel;
  /** The coordinator's control URL (ws://...), once it listens. */
  url(): string;
  phase(): RunPhase;
  elapsedMs(): number;
  nodes(): readonly NodeEntry[];
  timeline: FaultTimeline;
  /** Each node's peers: the links the API lists. */
  peerIds: ReadonlyMap<string, readonly string[]>;
  ledger: Ledger;
  /** Asks the run to end, as its duration would; answers what `POST /stop` returns. */
  stop(): ApiStopResult;
  events?: ControlApiHost['events'];
}

export function createApiHost(p: ApiHostParts): ControlApiHost {
  return {
    state: () =>
      apiState({
        runId: p.runId,
        seed: p.seed,
        phase: p.phase(),
        elapsedMs: p.elapsedMs(),
        coordinator: { pid: process.pid, url: p.url() },
        nodes: p.nodes(),
        totals: p.ledger.totals(),
        faults: p.timeline.state(),
        names: p.timeline.healable,
        history: p.timeline.faults,
      }),
    links: (filter) => {
      const links = [...p.peerIds].flatMap(([src, peers]) => peers.map((dest) => [src, dest] as const));
      return apiLinks({ links, network: p.network, faults: p.timeline.state(), counts: (s, d) => p.ledger.linkCounts(s, d) }, filter);
    },
    apply: (action) => p.timeline.apply(action),
    reset: () => p.timeline.reset(),
    stop: () => p.stop(),
    ...(p.events ? { events: p.events } : {}),
  };
}
