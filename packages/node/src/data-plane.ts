/**
 * What a node builds from its `init` for the messages of its behaviour: the router (with
 * `--routing`), the data path every message takes in and out, and the handle a behaviour sends
 * through. The agent node owns them; this only puts them together.
 */
import type { Init, Logger, Routes } from '@agentnet/protocol';
import type { NodeHandle } from './api/behavior.js';
import type { NodeStorage } from './api/node-storage.js';
import type { PeerMesh } from './links/peer-mesh.js';
import { DataPath } from './network/data-path.js';
import type { HotLog } from './records/hot-log.js';
import type { Journal } from './records/journal.js';
import { NodeRouting } from './routing/node-routing.js';
import type { SealedPath } from './security/sealed-receipt.js';

export interface DataPlaneDeps {
  mesh: PeerMesh;
  journal: Journal;
  hot: HotLog;
  log: Logger;
  /** Sends are dropped (link_down) unless the run is on. */
  isRunning: () => boolean;
  /** Ships the router's table to the coordinator when it changes. */
  reportRoutes: (routes: Routes) => void;
  /** The behaviour's stable storage, opened when it first uses it. */
  storage: () => NodeStorage;
  /** With `--security on`: data messages are sealed end to end. */
  sealed?: SealedPath | undefined;
}

export interface DataPlane {
  routing: NodeRouting | undefined;
  data: DataPath;
  handle: NodeHandle;
}

export function buildDataPlane(init: Init, deps: DataPlaneDeps): DataPlane {
  const peers = init.peers.map((p) => p.id);
  const settings = init.routing;
  // The router sends through the data path and the data path asks the router: each reaches the other once both exist.
  let data: DataPath | undefined;
  const routing = settings
    ? new NodeRouting({ settings, self: init.node_id, nodeIds: init.node_ids, neighbours: peers, data: () => data, mesh: deps.mesh, log: deps.log, report: deps.reportRoutes })
    : undefined;
  const path = new DataPath({
    self: init.node_id,
    peers,
    nodeIds: init.node_ids,
    routing: settings ? { nextHop: (dest) => routing?.nextHop(dest), ttl: settings.ttl } : undefined,
    network: init.network,
    incarnation: init.incarnation,
    mesh: deps.mesh,
    journal: deps.journal,
    hot: deps.hot,
    isRunning: deps.isRunning,
    sealed: deps.sealed,
  });
  data = path;
  const handle: NodeHandle = {
    id: init.node_id,
    peers,
    destinations: settings ? init.node_ids.filter((id) => id !== init.node_id) : peers,
    seed: init.network.seed,
    incarnation: init.incarnation,
    workload: init.traffic.workload,
    storage: deps.storage,
    send: (dest, body, tag) => path.send(dest, body, tag),
    backlog: (dest) => path.backlog(dest),
  };
  return { routing, data: path, handle };
}
