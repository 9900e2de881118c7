/**
 * What the fault timeline works with: the fault state it sends every node, the nodes as it sees
 * them, and what it asks of the coordinator that hosts it (time, restarts, who leads).
 */
import type { ByzantineNode, LinkFault, Logger, Partition, PausedNode, Report } from '@agentnet/protocol';

/** The faults every node must know of: what its links do. */
export interface FaultState {
  partitions: Partition[];
  links: LinkFault[];
  paused: PausedNode[];
  byzantine: ByzantineNode[];
}

/** What the timeline needs to know of a node and to do with it. */
export interface TimelineNode {
  id: string;
  pid: number;
  hostname: string;
  /** Whether the node is up and linked (it then gets fault updates). */
  ready: boolean;
  running: boolean;
  sendFaults(state: FaultState): void;
  /** Remembers why the node will be lost when the timeline itself kills it. */
  expectLoss(reason: string): void;
}

export interface FaultHost {
  nodes(): TimelineNode[];
  elapsedMs(): number;
  log: Logger;
  /** Starts the node again under its id (killing it first if it runs); returns what was done. */
  restart(id: string): string;
  /** A fault was applied (or skipped). */
  recorded?: (record: FaultRecord) => void;
  /** A node process this timeline kills on purpose. */
  killing?: ((pid: number) => void) | undefined;
  /** The node that leads now, as the behaviour's `leader` events say (for `crash: leader`). */
  leader?: () => string | undefined;
}

export type FaultRecord = Report['faults'][number];
