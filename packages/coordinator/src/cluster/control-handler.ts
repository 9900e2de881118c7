/**
 * What the coordinator does with each message a node sends on the control channel: registration
 * (and rejoin while running), `ready`, journal `records`, behaviour `events`, route tables, the
 * final `stopped`. Bad or out-of-place messages get an error reply and change nothing.
 */
import { COORDINATOR_ID, ErrorCode, REFUSALS, type BehaviorEvent, type JournalRecord, type Logger, type MsgIds, type NodeToCoordinator, type Typed } from '@agentnet/protocol';
import type { ControlConnection, ControlServer } from './control-server.js';
import type { FaultTimeline } from '../faults/fault-timeline.js';
import type { Ledger } from '../report/ledger.js';
import type { LeaderWatch } from './leader-watch.js';
import type { Membership } from './membership.js';
import type { NodeEntry, NodeTable } from './node-table.js';
import type { RoutingChecker } from '../checkers/routing.js';
import type { RunGuard } from '../security/run-guard.js';
import { answerRegister } from './register-answer.js';

export type Phase = 'registering' | 'connecting' | 'running' | 'stopping' | 'done';

export interface ControlHandlerContext {
  server: () => ControlServer | undefined;
  nodes: NodeTable;
  /** Who may register (`--security on`). */
  guard: RunGuard;
  ledger: Ledger;
  membership: Membership;
  timeline: FaultTimeline;
  checker: RoutingChecker | undefined;
  /** What behaviours recorded, with the node. */
  events: Array<BehaviorEvent & { node: string }>;
  /** Follows the `leader` events as they arrive, for faults that target the leader. */
  leaders: LeaderWatch;
  peerIds: ReadonlyMap<string, readonly string[]>;
  /** `--nodes`. */
  expectedNodes: number;
  run: { id: string; path: string };
  log: Logger;
  phase: () => Phase;
  nextMsgId: () => number;
  /** Something a waiting run depends on changed. */
  changed: () => void;
  /** The run cannot start (the first reason given is kept). */
  setupFailed: (reason: string) => void;
}

export class ControlHandler {
  constructor(private readonly c: ControlHandlerContext) {}

  onMessage(conn: ControlConnection, msg: Typed<NodeToCoordinator & MsgIds>): void {
    const server = this.c.server();
    if (!server) return;
    const body = msg.body;
    const seen = { src: msg.src, type: body.type, ...(body.msg_id === undefined ? {} : { msg_id: body.msg_id }) };
    if (msg.dest !== COORDINATOR_ID) {
      return server.reject(conn, ErrorCode.node_not_found, `this is the coordinator; "${msg.dest}" is not reachable on the control channel`, seen);
    }
    if (body.type === 'register') {
      if (conn.nodeId !== undefined) return server.reject(conn, ErrorCode.unexpected_message, `already registered as ${conn.nodeId}`, seen);
      // Before anything else: who cannot prove the run secret learns nothing about the run.
      const refused = this.c.guard.register(body, conn.publicKey);
      if (refused) return server.reject(conn, ErrorCode.unauthorized, `register refused: ${REFUSALS[refused]}`, seen, refused);
      if (this.c.phase() === 'running') return this.c.membership.rejoin(conn, body, seen);
      if (body.node_id !== undefined) {
        return server.reject(conn, ErrorCode.unexpected_message, `node_id is for rejoining a running cluster; the run is ${this.c.phase()}`, seen);
      }
      if (this.c.nodes.size >= this.c.expectedNodes) {
        return server.reject(conn, ErrorCode.cluster_full, `the run already has its ${this.c.expectedNodes} nodes`, seen);
      }
      if (this.c.phase() !== 'registering') {
        return server.reject(conn, ErrorCode.unexpected_message, `registration is closed: the run is ${this.c.phase()}`, seen);
      }
      const { id } = this.c.nodes.add(conn, body);
      conn.nodeId = id;
      const registered = () => {
        this.c.log.info({ node_id: id, url: body.url, node_pid: body.pid, hostname: body.hostname, registered: this.c.nodes.size, of: this.c.expectedNodes }, 'register');
        this.c.changed();
      };
      return answerRegister(this.c, conn, body, { id, incarnation: 0 }, registered, (reason) => {
        this.c.setupFailed(reason);
        this.c.changed();
      });
    }
    const entry = conn.nodeId === undefined ? undefined : this.c.nodes.get(conn.nodeId);
    if (!entry) return server.reject(conn, ErrorCode.unexpected_message, `${body.type} before register`, seen);
    if (entry.conn !== conn) return server.reject(conn, ErrorCode.unexpected_message, `this connection belongs to an earlier process of ${entry.id}`, seen);
    if (msg.src !== entry.id) return server.reject(conn, ErrorCode.unknown_peer, `this connection is ${entry.id}, not ${msg.src}`, seen);
    switch (body.type) {
      case 'ready': {
        const rejoining = this.c.phase() === 'running' && entry.incarnation > 0;
        if ((this.c.phase() !== 'connecting' && !rejoining) || entry.state !== 'registered') {
          return server.reject(conn, ErrorCode.unexpected_message, `ready is not expected while ${this.c.phase()}`, seen);
        }
        const missing = (this.c.peerIds.get(entry.id) ?? []).filter((p) => !body.peers.includes(p) && (!rejoining || this.c.nodes.get(p)?.state === 'ready'));
        if (missing.length > 0) {
          return server.reject(conn, ErrorCode.malformed_request, `ready without links to ${missing.join(', ')}`, seen);
        }
        this.c.nodes.markReady(entry);
        this.c.log.info({ node_id: entry.id, peers: body.peers.length, incarnation: entry.incarnation }, 'ready');
        if (rejoining) {
          // The node learns the faults in force before its traffic starts.
          server.send(conn, { type: 'faults', msg_id: this.c.nextMsgId(), ...this.c.timeline.state() });
          server.send(conn, { type: 'start', msg_id: this.c.nextMsgId() });
          this.c.checker?.changed(`rejoined ${entry.id}`);
        }
        return this.c.changed();
      }
      case 'events':
        for (const e of body.events) {
          const event = { ...e, node: entry.id };
          this.c.events.push(event);
          this.c.leaders.observe(event);
        }
        return;
      case 'routes':
        this.c.checker?.onRoutes(entry.id, body.routes, body.control, body.data, entry.incarnation);
        return;
      case 'records':
        return this.onRecords(conn, entry, body.records, body.msg_id);
      case 'stopped':
        if (entry.state === 'stopped' || entry.state === 'lost') {
          return server.reject(conn, ErrorCode.unexpected_message, `${entry.id} has already stopped`, seen);
        }
        this.c.nodes.markStopped(entry, body.counters, body.behavior_errors);
        this.c.guard.linkRefusals(body.refused, body.refused_messages);
        this.c.log.info({ node_id: entry.id, counters: body.counters, behavior_errors: body.behavior_errors }, 'stopped');
        if (this.c.phase() === 'registering' || this.c.phase() === 'connecting') {
          this.c.setupFailed(`${entry.id} (pid ${entry.pid}) stopped before the run started${body.reason ? `: ${body.reason}` : ''}`);
        }
        if (this.c.phase() === 'running') this.c.checker?.changed(`stopped ${entry.id}`);
        return this.c.changed();
      case 'error':
        this.c.log.warn({ node_id: entry.id, error: body }, 'error_reply');
        return;
    }
  }

  private onRecords(conn: ControlConnection, entry: NodeEntry, records: JournalRecord[], msgId: number | undefined): void {
    let refused = 0;
    for (const record of records) {
      // A node reports only what it sent (send, drop) or received (recv) itself.
      // A router on the way reports the drops it made (`by`).
      // A Byzantine node reports its attacks (`by`), whatever name it forged.
      const own = (record.t === 'recv' || record.t === 'dup' ? record.dest : record.t === 'attempt' ? record.by : (record.t === 'drop' || record.t === 'attack') && record.by !== undefined ? record.by : record.src) === entry.id;
      if (own) this.c.ledger.add(record);
      else refused++;
    }
    if (refused > 0) {
      this.c.server()?.reject(conn, ErrorCode.malformed_request, `${refused} records are not about ${entry.id}`, { src: entry.id, type: 'records', ...(msgId === undefined ? {} : { msg_id: msgId }) });
    }
    this.c.log.debug({ node_id: entry.id, records: records.length }, 'records');
  }
}
