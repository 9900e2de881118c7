/**
 * Log lines for verbs that fire once per message (send, recv, drop). A chatter run logs every one;
 * a flood would spend more time logging than sending, so each verb gets at most `perSecond` lines
 * per second and one `sampled` line then says how many it left out. messages.jsonl keeps every
 * message either way.
 */
import type { Logger } from '@agentnet/protocol';

export class HotLog {
  private second = 0;
  private readonly written = new Map<string, number>();
  private readonly skipped = new Map<string, number>();

  constructor(
    private readonly log: Logger,
    private readonly perSecond: number,
  ) {}

  info(fields: Record<string, unknown>, verb: string): void {
    if (!this.log.isLevelEnabled('info')) return;
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) this.roll(second);
    const n = (this.written.get(verb) ?? 0) + 1;
    if (n <= this.perSecond) {
      this.written.set(verb, n);
      this.log.info(fields, verb);
    } else {
      this.skipped.set(verb, (this.skipped.get(verb) ?? 0) + 1);
    }
  }

  /** Reports what the last second left out; call at stop so no count is lost. */
  roll(second = Math.floor(Date.now() / 1000)): void {
    for (const [verb, skipped] of this.skipped) {
      this.log.info({ verb, skipped, limit_per_s: this.perSecond }, 'sampled');
    }
    this.skipped.clear();
    this.written.clear();
    this.second = second;
  }
}
