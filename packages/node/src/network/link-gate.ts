/**
 * The faults in force on this node's outgoing links, as the coordinator last sent them: which
 * links a partition cuts and how, which link faults change the model, which destinations are
 * paused in drop mode, and the messages a `hold` partition keeps until it heals.
 */
import type { ByzantineNode, DropReason, LinkFault, Partition, PartitionMode, PausedNode } from '@agentnet/protocol';
import type { ShapedMessage } from './link-shaper.js';

export interface FaultStateMessage {
  partitions: readonly Partition[];
  links: readonly LinkFault[];
  paused: readonly PausedNode[];
  /** Read by the data path: the nodes that attack, and how. */
  byzantine: readonly ByzantineNode[];
}

export class LinkGate {
  /** Links from this node cut by an active partition, and how. */
  private cut = new Map<string, PartitionMode>();
  /** Link faults in force that start at this node. */
  linkFaults: LinkFault[] = [];
  private pausedDrop = new Set<string>();
  /** Messages a `hold` partition keeps, per link, in send order (copies included). */
  private readonly held = new Map<string, Array<{ msg: ShapedMessage; reorder: boolean }>>();
  private readonly heldBytes = new Map<string, number>();

  constructor(private readonly self: string) {}

  /** How the link to `peer` is cut now, if it is. */
  cutMode(peer: string): PartitionMode | undefined {
    return this.cut.get(peer);
  }

  /** Why a message may not take the link to `peer` now (before the link's own checks), if it may not. */
  refusal(peer: string): DropReason | undefined {
    if (this.cut.get(peer) === 'drop') return 'partition';
    if (this.pausedDrop.has(peer)) return 'paused';
    return undefined;
  }

  hold(msg: ShapedMessage, reorder: boolean): void {
    let list = this.held.get(msg.dest);
    if (!list) this.held.set(msg.dest, (list = []));
    list.push({ msg, reorder });
    this.heldBytes.set(msg.dest, (this.heldBytes.get(msg.dest) ?? 0) + msg.frame.length);
  }

  bytesHeld(peer: string): number {
    return this.heldBytes.get(peer) ?? 0;
  }

  /**
   * Takes the complete fault state. Links no longer cut give back what a `hold` partition kept,
   * in order, for the caller to drop (cut again, now in drop mode) or release.
   */
  apply(state: FaultStateMessage): Array<{ msg: ShapedMessage; reorder: boolean; drop: boolean }> {
    this.linkFaults = state.links.filter((l) => l.src === this.self);
    this.pausedDrop = new Set(state.paused.filter((p) => p.mode === 'drop').map((p) => p.node));
    const cut = new Map<string, PartitionMode>();
    for (const p of state.partitions) {
      for (const [src, dest] of p.cuts) {
        if (src === this.self && cut.get(dest) !== 'drop') cut.set(dest, p.mode);
      }
    }
    this.cut = cut;
    const released: Array<{ msg: ShapedMessage; reorder: boolean; drop: boolean }> = [];
    for (const [peer, list] of this.held) {
      const mode = cut.get(peer);
      if (mode === 'hold') continue;
      this.held.delete(peer);
      this.heldBytes.delete(peer);
      for (const h of list) released.push({ ...h, drop: mode === 'drop' });
    }
    return released;
  }

  /** Empties the hold lists at stop; returns what they kept. */
  clear(): ShapedMessage[] {
    const out = [...this.held.values()].flat().map((h) => h.msg);
    this.held.clear();
    this.heldBytes.clear();
    return out;
  }
}

/** A fault state as the node's `faults` log line shows it: each partition's size, this node's link faults. */
export function describeFaults(state: FaultStateMessage, self: string | undefined): Record<string, unknown> {
  return {
    partitions: state.partitions.map((p) => ({ name: p.name, mode: p.mode, cuts: p.cuts.length })),
    links: state.links.filter((l) => l.src === self).map((l) => `${l.name}:${l.dest}`),
    paused: state.paused,
  };
}
