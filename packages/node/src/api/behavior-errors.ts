/**
 * The errors a node catches from its behaviour's code, counted for the run's report: a behaviour
 * that throws in every tick would otherwise end the run with every node `ok` and only log lines to
 * show for it. Each error is counted once, where the node first catches it.
 */
import type { BehaviorErrorKind, BehaviorErrors } from '@agentnet/protocol';

/** Longer texts are cut: the report wants where to start looking, not the whole stack. */
const MAX_TEXT = 500;

export class BehaviorErrorTally {
  private count = 0;
  private first: BehaviorErrors['first'] = null;
  /** Errors already counted where they were raised (a send to a node that does not exist), not again where they end up. */
  private readonly seen = new WeakSet<object>();

  /** Counts `err` unless it was counted before. */
  note(kind: BehaviorErrorKind, err: unknown): void {
    if (typeof err === 'object' && err !== null) {
      if (this.seen.has(err)) return;
      this.seen.add(err);
    }
    this.count++;
    this.first ??= { kind, text: textOf(err).slice(0, MAX_TEXT) };
  }

  snapshot(): BehaviorErrors {
    return { count: this.count, first: this.first };
  }
}

/** `Error: boom` for an Error (its name says which kind), the value itself for anything else thrown. */
function textOf(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  try {
    return typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
  } catch {
    return String(err);
  }
}
