/**
 * Who is in the run and how a node joins it: each node's `init` (its neighbours, the network
 * model, the traffic), and the restart of a node: the old process killed if it still runs, a new
 * one started (by the launcher) that registers under the same id, rejoins with the next
 * incarnation, and is linked to again by its neighbours (`peer_restarted`).
 */
import { hostname } from 'node:os';
import { ErrorCode, REFUSALS, type Init, type Logger, type Register } from '@agentnet/protocol';
import type { ControlConnection, ControlServer } from './control-server.js';
import { FaultError } from '../errors.js';
import { isRunning, type NodeEntry, type NodeTable } from './node-table.js';
import { nodeIds } from '../topology/topology.js';
import type { RunGuard } from '../security/run-guard.js';
import { answerRegister } from './register-answer.js';

export interface MembershipContext {
  nodes: NodeTable;
  /** Answers a rejoining node's proof of the run secret (`--security on`). */
  guard: RunGuard;
  /** Each node's neighbours. */
  peerIds: ReadonlyMap<string, readonly string[]>;
  /** The parts of `init` that are the same for every node. */
  init: Pick<Init, 'network' | 'traffic' | 'validate_peer_messages' | 'routing'> & { nodeCount: number };
  run: { id: string; path: string };
  log: Logger;
  server: () => ControlServer | undefined;
  running: () => boolean;
  phase: () => string;
  elapsedMs: () => number;
  nextMsgId: () => number;
  /** Something a waiting run depends on changed. */
  changed: () => void;
  /** Starts a node process that rejoins as `id`; absent when nobody here can start processes. */
  spawnNode?: ((id: string) => void) | undefined;
  killing?: ((pid: number) => void) | undefined;
}

export class Membership {
  constructor(private readonly c: MembershipContext) {}

  sendInit(entry: NodeEntry): void {
    const peerIds = this.c.peerIds.get(entry.id) ?? [];
    const down = peerIds.filter((id) => !isRunning(this.c.nodes.get(id)));
    this.c.server()?.send(entry.conn, {
      type: 'init',
      msg_id: this.c.nextMsgId(),
      node_id: entry.id,
      node_ids: nodeIds(this.c.init.nodeCount),
      peers: peerIds.map((id) => ({ id, url: this.c.nodes.get(id)?.url ?? '', incarnation: this.c.nodes.get(id)?.incarnation ?? 0 })),
      network: this.c.init.network,
      traffic: this.c.init.traffic,
      validate_peer_messages: this.c.init.validate_peer_messages,
      incarnation: entry.incarnation,
      down,
      routing: this.c.init.routing,
      ...(this.c.guard.on ? { keys: this.c.nodes.keys() } : {}),
    });
    this.c.log.info({ node_id: entry.id, peers: peerIds.length, incarnation: entry.incarnation, down }, 'init');
  }

  /**
   * A restart: a running node is killed first and started again once its loss is seen; a lost one
   * is started now. The new process registers with the node's id and rejoins (`rejoin`).
   */
  restart(id: string): string {
    const entry = this.c.nodes.get(id);
    if (!entry) throw new FaultError(`unknown node ${id}`);
    if (!this.c.running()) throw new FaultError(`nodes restart only while the run is running (it is ${this.c.phase()})`);
    const how = this.c.spawnNode ? 'starting it again' : 'waiting for it to register again (no launcher here starts processes)';
    if (isRunning(entry)) {
      if (entry.hostname !== hostname()) throw new FaultError(`${id} runs on ${entry.hostname}, not on this host, so it cannot be killed`);
      // A crash just before may have killed it already, before its loss was seen: keep that reason.
      entry.lostReason ??= 'killed for a restart (SIGKILL)';
      entry.respawnOnLoss = true;
      this.c.killing?.(entry.pid);
      try {
        process.kill(entry.pid, 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ESRCH') return `${id}: pid ${entry.pid} had already exited, ${how} once its loss is seen`;
        delete entry.respawnOnLoss;
        throw new FaultError(`SIGKILL to ${id} (pid ${entry.pid}) failed: ${(err as Error).message}`);
      }
      return `${id}: SIGKILL to pid ${entry.pid}, then ${how}`;
    }
    if (entry.state === 'lost' || entry.state === 'stopped') this.c.spawnNode?.(id);
    return `${id}: ${how}`;
  }

  /**
   * A node registering while the run is running takes the place of a lost node (the one it names,
   * or the first lost): same id, next incarnation. Its peers get `peer_restarted` and link to it
   * again; it gets init, and start once it is ready.
   */
  rejoin(conn: ControlConnection, body: Register, seen: { src: string; type: string; msg_id?: number }): void {
    const server = this.c.server();
    if (!server) return;
    const target = this.c.nodes.rejoinTarget(body.node_id);
    if ('why' in target) return server.reject(conn, ErrorCode.cluster_full, `cannot rejoin the running cluster: ${target.why}`, seen, target.inUse ? 'id_in_use' : undefined);
    const { entry } = target;
    const noTicket = this.c.guard.rejoin(entry.id, body.ticket);
    if (noTicket) return server.reject(conn, ErrorCode.unauthorized, `rejoin refused: ${REFUSALS[noTicket]}`, seen, noTicket);
    const previousPid = this.c.nodes.replaceProcess(entry, conn, body, Math.round(this.c.elapsedMs()));
    const rejoined = () => {
      // While its certificate was made, this process may have gone and another taken its place.
      if (entry.conn !== conn) return void this.c.log.info({ node_id: entry.id, node_pid: body.pid }, 'rejoin_superseded');
      this.c.log.info({ node_id: entry.id, url: body.url, node_pid: body.pid, previous_pid: previousPid, incarnation: entry.incarnation }, 'rejoin');
      // Every node learns the new process's key before its neighbours link to it (one FIFO control link each).
      if (entry.kx !== undefined) {
        const key = { id: entry.id, incarnation: entry.incarnation, kx: entry.kx };
        for (const other of this.c.nodes.all) if (other !== entry && isRunning(other)) server.send(other.conn, { type: 'node_key', msg_id: this.c.nextMsgId(), key });
      }
      for (const peerId of this.c.peerIds.get(entry.id) ?? []) {
        const peer = this.c.nodes.get(peerId);
        if (peer && isRunning(peer)) server.send(peer.conn, { type: 'peer_restarted', msg_id: this.c.nextMsgId(), peer: { id: entry.id, url: body.url, incarnation: entry.incarnation } });
      }
      this.sendInit(entry);
      this.c.changed();
    };
    // A certificate that cannot be made leaves the node lost, as a process that never came back.
    answerRegister(this.c, conn, body, { id: entry.id, incarnation: entry.incarnation }, rejoined, () => conn.socket.close());
  }

}
