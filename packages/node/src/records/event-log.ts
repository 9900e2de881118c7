/**
 * The behaviour's own events (`node.record(kind, data)`), batched to the coordinator like journal
 * records: every RECORD_BATCH_INTERVAL_MS, when a batch is full, and once more at stop, before the
 * node's final `stopped`, so the checkers see everything a node recorded.
 */
import type { BehaviorEvent } from '@agentnet/protocol';

export class EventLog {
  private batch: BehaviorEvent[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly o: { intervalMs: number; maxBatch: number; ship: (events: BehaviorEvent[]) => void }) {}

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.o.intervalMs);
  }

  add(kind: string, data: Record<string, unknown>): void {
    this.batch.push({ at: Date.now(), kind, data });
    if (this.batch.length >= this.o.maxBatch) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const events = this.batch;
    this.batch = [];
    this.o.ship(events);
  }

  /** Ships what is left and stops the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
