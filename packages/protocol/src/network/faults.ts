/**
 * Faults the coordinator applies to a running cluster. A partition is a set of cut directed links
 * (src -> dest) with a mode: `drop` loses what crosses it, `hold` keeps it at the sender and
 * releases it when the partition heals. The coordinator always sends nodes the whole set of active
 * partitions, so applying one is idempotent and a node that missed an update catches up.
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';
import { LinkModel } from './link-model.js';
import { ByzantineNode } from '../security/attacks.js';

export const PartitionMode = z.enum(['drop', 'hold']);
export type PartitionMode = z.infer<typeof PartitionMode>;

export const Partition = z.object({
  /** Name used by `heal` to end this partition only. */
  name: z.string(),
  mode: PartitionMode,
  /** Directed links that carry nothing while the partition lasts. */
  cuts: z.array(z.tuple([NodeId, NodeId])),
});
export type Partition = z.infer<typeof Partition>;

/**
 * A change of one directed link's model while the run goes on (a scenario `link` step, the control
 * API, the loss nemesis), laid over the run's network model until it is healed.
 */
export const LinkFault = LinkModel.partial().extend({ name: z.string(), src: NodeId, dest: NodeId });
export type LinkFault = z.infer<typeof LinkFault>;

/**
 * What happens to messages sent to a paused (SIGSTOPped) node: `hold` leaves them to the sockets,
 * as TCP would, so they arrive after the resume (or overflow the sender's queue); `drop` loses
 * them at the sender with reason `paused`, like a receiver that does not read.
 */
export const PauseMode = z.enum(['hold', 'drop']);
export type PauseMode = z.infer<typeof PauseMode>;

export const PausedNode = z.object({ node: NodeId, mode: PauseMode });
export type PausedNode = z.infer<typeof PausedNode>;

export const Faults = z.object({
  type: z.literal('faults'),
  msg_id: z.number().int().nonnegative(),
  partitions: z.array(Partition),
  links: z.array(LinkFault).default([]),
  paused: z.array(PausedNode).default([]),
  /** The nodes that attack now (a `byzantine` fault), each with its attacks. */
  byzantine: z.array(ByzantineNode).default([]),
});
export type Faults = z.infer<typeof Faults>;

/** The directed cuts between every pair of groups (a node in no group is cut from everyone). */
export function cutsBetweenGroups(groups: readonly (readonly string[])[], all: readonly string[]): Array<[string, string]> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((id) => groupOf.set(id, i)));
  const cuts: Array<[string, string]> = [];
  for (const a of all) {
    for (const b of all) {
      if (a === b) continue;
      const ga = groupOf.get(a);
      if (ga === undefined || ga !== groupOf.get(b)) cuts.push([a, b]);
    }
  }
  return cuts;
}
