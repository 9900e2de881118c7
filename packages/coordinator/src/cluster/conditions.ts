/**
 * Waiting for a condition on the run's state without polling: whoever changes the state calls
 * `changed()`, which re-checks every pending wait. A wait also ends on its timeout or on abort.
 */
export type WaitResult = 'ok' | 'timeout' | 'aborted';

export class Conditions {
  private readonly pending = new Set<() => void>();

  /** Re-checks every pending wait; call after anything a condition reads has changed. */
  changed(): void {
    for (const check of [...this.pending]) check();
  }

  /** Resolves when `holds()` is true, `timeoutMs` has passed, or `signal` aborts. */
  waitFor(holds: () => boolean, timeoutMs: number, signal?: AbortSignal): Promise<WaitResult> {
    return new Promise((resolve) => {
      const finish = (result: WaitResult) => {
        clearTimeout(timer);
        this.pending.delete(check);
        signal?.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const check = () => holds() && finish('ok');
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timeout'), timeoutMs);
      this.pending.add(check);
      signal?.addEventListener('abort', onAbort);
      if (signal?.aborted) onAbort();
      else check();
    });
  }
}
