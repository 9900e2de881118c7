/**
 * What of the topology is out now, for the routing checker's live graph: nodes not running or
 * paused, and the directed links a partition cuts or a link fault makes lose everything.
 */
import type { LossModel } from '@agentnet/protocol';
import { isRunning, type NodeEntry } from '../cluster/node-table.js';
import type { LiveState } from '../checkers/routing.js';
import type { FaultTimeline } from './fault-timeline.js';

/** Whether a loss model loses every message. */
function losesAll(loss: LossModel): boolean {
  return loss.kind === 'bernoulli' ? loss.p >= 1 : loss.kind === 'gilbert_elliott' ? loss.loss_good >= 1 && loss.loss_bad >= 1 : false;
}

export function liveStateOf(nodes: readonly NodeEntry[], timeline: FaultTimeline): LiveState {
  const down = new Set([...nodes.filter((e) => !isRunning(e)).map((e) => e.id), ...timeline.pausedNodes]);
  const state = timeline.state();
  const cuts = new Set(state.partitions.flatMap((p) => p.cuts.map(([a, b]) => `${a}>${b}`)));
  // A link fault that loses everything cuts its link as surely as a partition.
  for (const l of state.links) if (l.loss && losesAll(l.loss)) cuts.add(`${l.src}>${l.dest}`);
  return { down, cuts };
}
