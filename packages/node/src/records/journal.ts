/**
 * The node's side of the message journal: every data message it sends, receives or drops becomes a
 * record, shipped to the coordinator in batches (on a timer, or as soon as a batch is full), so a
 * node that crashes loses at most the batch it was filling. Every sent message has a `send` record;
 * a dropped one has a `drop` record after it.
 */
import type { JournalRecord, NodeCounters } from '@agentnet/protocol';

export interface JournalOptions {
  intervalMs: number;
  maxBatch: number;
  ship: (records: JournalRecord[]) => void;
}

export class Journal {
  private batch: JournalRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  readonly counters: NodeCounters = { sent: 0, received: 0, dropped: 0, in_flight: 0 };

  constructor(private readonly options: JournalOptions) {}

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.intervalMs);
  }

  add(record: JournalRecord): void {
    if (record.t === 'send') this.counters.sent++;
    else if (record.t === 'recv') this.counters.received++;
    else if (record.t === 'drop') this.counters.dropped++;
    // A `dup` (a duplicate copy's receipt) is counted by the coordinator, apart from deliveries.
    this.batch.push(record);
    if (this.batch.length >= this.options.maxBatch) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    this.options.ship(records);
  }

  /** Flushes what is left and stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
