/**
 * The node's side of the message journal: every data message it sends, receives or drops becomes a
 * record, shipped to the coordinator in batches (batcher.ts), with the node's own counters. Every
 * sent message has a `send` record; a dropped one has a `drop` record after it.
 */
import type { JournalRecord, NodeCounters } from '@agentnet/protocol';
import { Batcher } from './batcher.js';

export class Journal extends Batcher<JournalRecord> {
  readonly counters: NodeCounters = { sent: 0, received: 0, dropped: 0, in_flight: 0 };

  override add(record: JournalRecord): void {
    if (record.t === 'send') this.counters.sent++;
    else if (record.t === 'recv') this.counters.received++;
    else if (record.t === 'drop') this.counters.dropped++;
    // A `dup` (a duplicate copy's receipt) is counted by the coordinator, apart from deliveries.
    super.add(record);
  }
}
