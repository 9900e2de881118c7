/**
 * The behaviour's own events (`node.record(kind, data)`), stamped with the time they were recorded
 * and shipped in batches like journal records (batcher.ts), so the checkers see everything a node
 * recorded.
 */
import type { BehaviorEvent } from '@agentnet/protocol';
import { Batcher } from './batcher.js';

export class EventLog extends Batcher<BehaviorEvent> {
  record(kind: string, data: Record<string, unknown>): void {
    this.add({ at: Date.now(), kind, data });
  }
}
