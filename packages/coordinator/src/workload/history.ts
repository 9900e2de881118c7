/**
 * The workload's history as it happens: every operation an `invoke` line, then exactly one
 * completion (`ok`, `fail` or `info`) pointing back at it. Lines are numbered in the order they
 * are recorded, which is the order of their times, so history.jsonl reads top to bottom.
 */
import type { HistoryEntry, KvKey, OpF } from '@agentnet/protocol';

export interface Invocation {
  process: string;
  f: OpF;
  key: KvKey;
  value: HistoryEntry['value'];
  node: string;
  final?: boolean;
}

export interface Completion {
  type: 'ok' | 'fail' | 'info';
  /** A read's value when ok; otherwise the invoke's value is repeated. */
  value?: HistoryEntry['value'];
  error?: { code: number; text: string };
  /** The request's journal id, when a request was sent. */
  msg?: string;
}

export class History {
  readonly entries: HistoryEntry[] = [];
  private readonly open = new Map<number, HistoryEntry>();

  constructor(private readonly elapsedMs: () => number) {}

  invoke(op: Invocation): HistoryEntry {
    const entry: HistoryEntry = {
      index: this.entries.length,
      type: 'invoke',
      process: op.process,
      f: op.f,
      key: op.key,
      value: op.value,
      node: op.node,
      time_ms: round(this.elapsedMs()),
      ...(op.final ? { final: true as const } : {}),
    };
    this.entries.push(entry);
    this.open.set(entry.index, entry);
    return entry;
  }

  /** Records the completion; undefined when the operation was already completed (closed at the end of the run). */
  complete(invoke: HistoryEntry, c: Completion): HistoryEntry | undefined {
    if (!this.open.delete(invoke.index)) return undefined;
    const entry: HistoryEntry = {
      index: this.entries.length,
      type: c.type,
      process: invoke.process,
      f: invoke.f,
      key: invoke.key,
      value: c.value === undefined ? invoke.value : c.value,
      node: invoke.node,
      time_ms: round(this.elapsedMs()),
      invoke_index: invoke.index,
      ...(c.msg === undefined ? {} : { msg: c.msg }),
      ...(c.error === undefined ? {} : { error: c.error }),
      ...(invoke.final ? { final: true as const } : {}),
    };
    this.entries.push(entry);
    return entry;
  }

  /** Operations invoked and not completed yet. */
  get outstanding(): HistoryEntry[] {
    return [...this.open.values()];
  }

  /** Completes every outstanding operation as `info`: the run ended before they did. */
  closeOutstanding(text: string): void {
    for (const invoke of this.outstanding) this.complete(invoke, { type: 'info', error: { code: 0, text } });
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;
