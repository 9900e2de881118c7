/**
 * Who leads now, as the behaviour's own events say: the node of the `leader` event with the
 * highest term (Raft) or epoch (Bully), the later one on a tie. A fault step that targets
 * `leader` (`crash: leader`, the `crash-leader` nemesis) strikes that node. Events reach the
 * coordinator in batches (RECORD_BATCH_INTERVAL_MS), so a leader elected within the last batch
 * interval is not known yet; such a step strikes the previous leader or finds it already down.
 */
import type { BehaviorEvent } from '@agentnet/protocol';

export class LeaderWatch {
  private best: { node: string; rank: number } | undefined;

  observe(event: BehaviorEvent & { node: string }): void {
    if (event.kind !== 'leader') return;
    const rank = Number(event.data.term ?? event.data.epoch);
    if (!Number.isFinite(rank)) return;
    if (this.best === undefined || rank >= this.best.rank) this.best = { node: event.node, rank };
  }

  /** The node that leads now, if any node has recorded a leader event. */
  current(): string | undefined {
    return this.best?.node;
  }
}
