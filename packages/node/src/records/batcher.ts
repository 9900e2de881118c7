/**
 * What a node ships to the coordinator as it goes, the journal's records and the behaviour's
 * events, in batches: every `intervalMs` once started, as soon as a batch is full, and once more at
 * stop, before the node's final `stopped`. A node that crashes loses at most the batch it was filling.
 */
export interface BatcherOptions<T> {
  intervalMs: number;
  maxBatch: number;
  ship: (batch: T[]) => void;
}

export class Batcher<T> {
  private batch: T[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: BatcherOptions<T>) {}

  start(): void {
    this.timer ??= setInterval(() => this.flush(), this.options.intervalMs);
  }

  add(item: T): void {
    this.batch.push(item);
    if (this.batch.length >= this.options.maxBatch) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.options.ship(batch);
  }

  /** Ships what is left and stops the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
