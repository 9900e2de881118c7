/**
 * The coordinator's view of every node: its current process (connection, address, pid), its state,
 * and, for a restarted node, its earlier processes. Node ids are given in registration order; a
 * process that rejoins takes over a lost node's entry and id.
 */
import type { BehaviorErrors, NodeCounters, NodeKey, Register } from '@agentnet/protocol';
import type { ControlConnection } from './control-server.js';
import type { NodeFacts } from '../report/analysis.js';
import type { FaultState, TimelineNode } from '../faults/timeline-host.js';

export type NodeState = 'registered' | 'ready' | 'stopped' | 'lost';

/**
 * Every change of a node's state, from the states it may come from: a process registers (a new
 * node, or a new process of a stopped or lost one, in replaceProcess), is ready once linked, and
 * ends stopped (its final flush came) or lost. The table makes every change; nothing else sets state.
 */
const TRANSITIONS: Record<Exclude<NodeState, 'registered'>, readonly NodeState[]> = {
  ready: ['registered'],
  stopped: ['registered', 'ready'],
  lost: ['registered', 'ready'],
};

/** A state change the table does not allow: a bug of the coordinator's, never the nodes' input. */
export class NodeStateError extends Error {
  constructor(id: string, from: NodeState, to: NodeState) {
    super(`${id} cannot go from ${from} to ${to}`);
    this.name = 'NodeStateError';
  }
}

export interface NodeEntry {
  id: string;
  conn: ControlConnection;
  url: string;
  pid: number;
  hostname: string;
  state: NodeState;
  lost: { at_ms: number; reason: string } | null;
  counters: NodeCounters | null;
  /**
   * Errors the node's behaviour raised, summed over its processes that sent their final report (a
   * restart keeps them: the errors of the earlier process happened all the same); null until one did.
   */
  behaviorErrors: BehaviorErrors | null;
  /** Why the node will be lost, when the coordinator itself caused it (a crash or restart). */
  lostReason?: string;
  /** 0 for the first process, +1 per restart. */
  incarnation: number;
  /** Earlier processes of this node and how each ended. */
  restarts: Array<{ at_ms: number; pid: number; previous_pid: number; previous_lost: string }>;
  /** Epoch ms of the latest rejoin: undelivered messages sent to it before then died with the old process. */
  rejoinedAt: number;
  /** Start a new process as soon as this one is lost (a restart of a running node). */
  respawnOnLoss?: boolean;
  /** With `--security on`: the current process's X25519 public key, handed to every other node. */
  kx?: string | undefined;
}

export class NodeTable {
  readonly all: NodeEntry[] = [];
  private readonly byId = new Map<string, NodeEntry>();

  /** Every node's current end-to-end key, for init (`--security on`; empty without). */
  keys(): NodeKey[] {
    return this.all.flatMap((e) => (e.kx === undefined ? [] : [{ id: e.id, incarnation: e.incarnation, kx: e.kx }]));
  }

  get size(): number {
    return this.all.length;
  }

  get(id: string): NodeEntry | undefined {
    return this.byId.get(id);
  }

  /** A new node, with the next id. */
  add(conn: ControlConnection, body: Register): NodeEntry {
    const id = `n${this.all.length}`;
    const entry: NodeEntry = { id, conn, url: body.url, pid: body.pid, hostname: body.hostname, state: 'registered', lost: null, counters: null, behaviorErrors: null, incarnation: 0, restarts: [], rejoinedAt: 0, kx: body.kx };
    this.all.push(entry);
    this.byId.set(id, entry);
    return entry;
  }

  /** The entry a rejoining process takes over: the node it names, or the first that is gone. */
  rejoinTarget(nodeId: string | undefined): { entry: NodeEntry } | { why: string; inUse: boolean } {
    const entry = nodeId === undefined ? this.all.find(isGone) : this.get(nodeId);
    if (entry && isGone(entry)) return { entry };
    return { why: nodeId === undefined ? `the run already has its ${this.all.length} nodes and none of them is lost` : !entry ? `there is no node ${nodeId}` : `${nodeId} is still running`, inUse: entry !== undefined };
  }

  /** Gives `entry` to a new process of the node; returns the pid of the old one. */
  replaceProcess(entry: NodeEntry, conn: ControlConnection, body: Register, atMs: number): number {
    const previous = { pid: entry.pid, lost: entry.lost?.reason ?? 'stopped' };
    conn.nodeId = entry.id;
    Object.assign(entry, { conn, url: body.url, pid: body.pid, hostname: body.hostname, state: 'registered', lost: null, counters: null, incarnation: entry.incarnation + 1, rejoinedAt: Date.now(), kx: body.kx });
    entry.restarts.push({ at_ms: atMs, pid: body.pid, previous_pid: previous.pid, previous_lost: previous.lost });
    delete entry.lostReason;
    delete entry.respawnOnLoss;
    return previous.pid;
  }

  /** The node linked to all its peers. */
  markReady(entry: NodeEntry): void {
    this.transition(entry, 'ready');
  }

  /** The node's final flush came: its counters and the errors its behaviour raised. */
  markStopped(entry: NodeEntry, counters: NodeCounters, errors: BehaviorErrors): void {
    this.transition(entry, 'stopped');
    entry.counters = counters;
    entry.behaviorErrors = addBehaviorErrors(entry.behaviorErrors, errors);
  }

  /** The node's process is gone without its final flush. */
  markLost(entry: NodeEntry, atMs: number, reason: string): void {
    this.transition(entry, 'lost');
    entry.lost = { at_ms: Math.round(atMs), reason };
  }

  private transition(entry: NodeEntry, to: Exclude<NodeState, 'registered'>): void {
    if (!TRANSITIONS[to].includes(entry.state)) throw new NodeStateError(entry.id, entry.state, to);
    entry.state = to;
  }

  /** Every node has sent its final flush or is lost: nothing more will come. */
  allFinished(): boolean {
    return this.all.every(isGone);
  }

  live(): NodeEntry[] {
    return this.all.filter(isRunning);
  }

  lostIds(): Set<string> {
    return new Set(this.all.filter((e) => e.state === 'lost').map((e) => e.id));
  }

  /** When each restarted node's latest process joined (epoch ms). */
  rejoinTimes(): Map<string, number> {
    return new Map(this.all.filter((e) => e.incarnation > 0).map((e) => [e.id, e.rejoinedAt]));
  }

  facts(): NodeFacts[] {
    return this.all.map((e) => ({ id: e.id, pid: e.pid, url: e.url, hostname: e.hostname, lost: e.lost, reported: e.counters, behaviorErrors: e.behaviorErrors, restarts: e.restarts, incarnation: e.incarnation, rejoinedAt: e.rejoinedAt }));
  }
}

/** Adds a process's final count to what the node's earlier processes reported; the earliest first error stays first. */
export function addBehaviorErrors(sum: BehaviorErrors | null, more: BehaviorErrors): BehaviorErrors {
  if (!sum) return more;
  return { count: sum.count + more.count, first: sum.first ?? more.first };
}

export function isRunning(entry: NodeEntry | undefined): boolean {
  return entry?.state === 'registered' || entry?.state === 'ready';
}

export function isGone(entry: NodeEntry): boolean {
  return entry.state === 'stopped' || entry.state === 'lost';
}

/** A node as the fault timeline sees it: its process, whether it runs, and how to tell it the faults. */
export function timelineNode(e: NodeEntry, sendFaults: (state: FaultState) => void): TimelineNode {
  return {
    id: e.id,
    pid: e.pid,
    hostname: e.hostname,
    ready: e.state === 'ready',
    running: e.state === 'registered' || e.state === 'ready',
    sendFaults,
    expectLoss: (reason) => (e.lostReason = reason),
  };
}
