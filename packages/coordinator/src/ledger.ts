/**
 * Joins the journal records that nodes stream in (send, recv, drop) into one entry per message.
 * A message exists once any record of it has arrived: a receipt alone still proves it was sent,
 * even when the sender crashed before shipping its own record.
 */
import type { DropReason, JournalRecord, MessageLine } from '@agentnet/protocol';

interface Entry {
  id: string;
  src: string;
  dest: string;
  sent_at: number;
  delay_ms: number;
  sendRecorded: boolean;
  received_at: number | null;
  drop_reason: DropReason | null;
  duplicates: number;
  /** Arrival of a duplicate copy, which counts as the delivery when the original never came. */
  copy_received_at: number | null;
}

export class Ledger {
  private readonly entries = new Map<string, Entry>();
  /** Records that contradict one another (e.g. two receipts of one message), for the report. */
  readonly anomalies: string[] = [];

  add(record: JournalRecord): void {
    let entry = this.entries.get(record.id);
    if (!entry) {
      entry = {
        id: record.id,
        src: record.src,
        dest: record.dest,
        sent_at: record.sent_at,
        delay_ms: record.delay_ms,
        sendRecorded: false,
        received_at: null,
        drop_reason: null,
        duplicates: 0,
        copy_received_at: null,
      };
      this.entries.set(record.id, entry);
    }
    // A duplicate copy carries its own delay; the message's delay is the original's.
    if (record.t !== 'dup') entry.delay_ms = record.delay_ms;
    switch (record.t) {
      case 'send':
        entry.sendRecorded = true;
        return;
      case 'recv':
        if (entry.received_at !== null) this.anomalies.push(`message ${record.id} was received twice`);
        entry.received_at = record.received_at;
        return;
      case 'drop':
        entry.drop_reason = record.reason;
        return;
      case 'dup':
        entry.duplicates++;
        entry.copy_received_at ??= record.received_at;
        return;
    }
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * One line per message, in send order. Undelivered messages to a node that was lost count as
   * dropped with reason `crash` (its receipt, if there was one, died with its last batch), and so
   * do those sent to a restarted node before its latest process joined (`rejoinedAt`, epoch ms);
   * other undelivered, undropped messages were in flight at stop.
   */
  lines(lostNodes: ReadonlySet<string>, rejoinedAt: ReadonlyMap<string, number> = new Map()): MessageLine[] {
    const out: MessageLine[] = [];
    for (const e of this.entries.values()) {
      const receivedAt = e.received_at ?? e.copy_received_at;
      const delivered = receivedAt !== null;
      const diedWithDest = lostNodes.has(e.dest) || e.sent_at < (rejoinedAt.get(e.dest) ?? -Infinity);
      const reason: DropReason | null = delivered ? null : (e.drop_reason ?? (diedWithDest ? 'crash' : null));
      out.push({
        id: e.id,
        src: e.src,
        dest: e.dest,
        sent_at: e.sent_at,
        received_at: receivedAt,
        delay_ms: e.delay_ms,
        latency_ms: receivedAt === null ? null : receivedAt - e.sent_at,
        status: delivered ? 'delivered' : reason !== null ? 'dropped' : 'in_flight',
        drop_reason: reason,
        duplicates: e.duplicates,
      });
    }
    return out.sort((a, b) => a.sent_at - b.sent_at || (a.id < b.id ? -1 : 1));
  }
}
