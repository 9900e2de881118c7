/**
 * What a behaviour (the algorithm a node runs) sees of its node, and what the node needs from it.
 * Everything a behaviour sends goes through the node's link shaper and journal.
 */
import type { BehaviorErrors, MsgIds } from '@agentnet/protocol';
import type { NodeStorage } from './node-storage.js';

/** A data message as a behaviour sees it. */
export interface Incoming {
  src: string;
  dest: string;
  id?: string | undefined;
  bcast?: string | undefined;
  round?: number | undefined;
  /** Its fields beyond type and the ids are the sender's: read them as `msg.body.key as T`. */
  body: { type: string; [key: string]: unknown } & MsgIds;
}

/** What a behaviour can do with its node (grows into the full node API). */
/** A message handed to the data path: its journal id (`n0-7`, `n0.1-7` after a restart) and its `msg_id` (7). */
export interface Sent {
  id: string;
  msgId: number;
}

export interface NodeHandle {
  readonly id: string;
  readonly peers: readonly string[];
  /** Whom `send` can reach: the peers, or with routing every other node. */
  readonly destinations: readonly string[];
  readonly seed: number;
  /** This process's incarnation of the node (0, then +1 per restart). */
  readonly incarnation?: number;
  /** The run's client workload (init.traffic.workload), if any. */
  readonly workload?: 'kv' | null;
  /** The node's stable storage, opened on first use (it outlives this process; see node-storage.ts). */
  storage?: () => NodeStorage;
  /** `tag` marks a broadcast's hop message for the journal. Returns the message's ids: its journal id and its `msg_id`. */
  send(dest: string, body: { type: string; [key: string]: unknown }, tag?: { bcast: string; round: number }): Sent;
  /** Bytes waiting to leave for `dest` (held by the shaper or buffered by the socket). */
  backlog(dest: string): number;
}

export interface Behavior {
  start(): void;
  stop(): void;
  /** A data message for this node; returns false when it does not handle the type. */
  handle(msg: Incoming): boolean;
  /** What the node caught from the behaviour's code so far (behaviours on the node API; the others raise none). */
  errors?(): BehaviorErrors;
}

