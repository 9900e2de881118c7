/**
 * Everything a node records as it runs, in one place: the message journal and the behaviour's
 * events, each shipped to the coordinator in batches on the node's link to it, and the per-message
 * log lines (hot-log.ts). They start with the run and end with it, before the node's `stopped`.
 */
import { HOT_LOG_LINES_PER_SECOND, RECORD_BATCH_INTERVAL_MS, RECORD_BATCH_MAX, type BehaviorEvent, type JournalRecord, type Logger } from '@agentnet/protocol';
import { EventLog } from './event-log.js';
import { HotLog } from './hot-log.js';
import { Journal } from './journal.js';

/** What goes to the coordinator: journal records and behaviour events. */
export type RecordsMessage = { type: 'records'; records: JournalRecord[] } | { type: 'events'; events: BehaviorEvent[] };

export class NodeRecords {
  readonly journal: Journal;
  readonly events: EventLog;
  readonly hot: HotLog;

  /** `log`: the records' own lines; `dataLog`: the per-message lines. */
  constructor(log: Logger, dataLog: Logger, ship: (msg: RecordsMessage) => void) {
    this.hot = new HotLog(dataLog, HOT_LOG_LINES_PER_SECOND);
    const batches = { intervalMs: RECORD_BATCH_INTERVAL_MS, maxBatch: RECORD_BATCH_MAX };
    this.events = new EventLog({ ...batches, ship: (events) => ship({ type: 'events', events }) });
    this.journal = new Journal({
      ...batches,
      ship: (records) => {
        log.debug({ records: records.length }, 'records');
        ship({ type: 'records', records });
      },
    });
  }

  start(): void {
    this.journal.start();
    this.events.start();
  }

  /** Ships the last batches and the last second's log lines: nothing is recorded after this. */
  finish(): void {
    this.journal.stop();
    this.events.stop();
    this.hot.roll();
  }
}
