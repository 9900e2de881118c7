/**
 * The built-in client workload: every node writes at a constant rate to the leader it knows (to
 * itself, or through `rpc` to another node), and records each acknowledgement with the time the
 * write was first submitted, so the checkers can find every acknowledged write in the final log
 * and measure the latency. A write nobody takes (no leader known, a timeout, a redirect, an entry
 * overwritten) is tried again at the next tick until it is acknowledged or too old.
 */
import { RpcError } from '@agentnet/protocol';
import type { RaftKv } from './raft-kv.js';
import { WriteAnswer, type Write } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

/** The built-in client's defaults; `--param rate=R` sets the writes per second per node. */
export const RAFT_WORKLOAD = {
  writesPerSecond: 20,
  /** Keys k0..k9: few enough that writes to one key follow each other closely. */
  keys: 10,
  /** How long a forwarded write may take to be committed before it is tried again. */
  timeoutMs: 1000,
  /** A write still unacknowledged this long after it was first submitted is given up. */
  giveUpMs: 5000,
};

interface PendingWrite {
  key: string;
  value: string;
  /** Epoch ms when it was first submitted. */
  submitted: number;
}

export class RaftClient {
  private queue: PendingWrite[] = [];
  private seq = 0;
  readonly stats = { submitted: 0, acked: 0, retried: 0, abandoned: 0 };

  constructor(
    private readonly s: RaftState,
    private readonly kv: RaftKv,
  ) {}

  start(): void {
    this.s.node.every(1000 / (this.s.options.writesPerSecond ?? RAFT_WORKLOAD.writesPerSecond), () => {
      const key = `k${this.s.node.rng.int(RAFT_WORKLOAD.keys)}`;
      // Unique across the node's processes too: a restarted process counts from 1 again.
      this.queue.push({ key, value: `${this.s.node.id}.${this.s.node.incarnation}.${++this.seq}`, submitted: Date.now() });
      this.stats.submitted++;
      this.pump();
    });
  }

  /** Sends every queued write to the known leader; without one they wait for the next tick. */
  private pump(): void {
    const now = Date.now();
    const fresh = this.queue.filter((w) => now - w.submitted < RAFT_WORKLOAD.giveUpMs);
    this.stats.abandoned += this.queue.length - fresh.length;
    this.queue = fresh;
    const leader = this.s.leader;
    if (leader === undefined) return;
    for (const w of this.queue.splice(0)) this.submit(w, leader);
  }

  private submit(w: PendingWrite, leader: string): void {
    const node = this.s.node;
    const answer: Promise<WriteAnswer> =
      leader === node.id
        ? this.kv.propose(w.key, w.value)
        : node.rpc(leader, { type: 'raft_write', key: w.key, value: w.value } satisfies Write, { timeoutMs: RAFT_WORKLOAD.timeoutMs }).then((body) => WriteAnswer.parse(body));
    answer.then(
      (a) => {
        if (a.type === 'raft_write_redirect') return this.retry(w);
        this.stats.acked++;
        node.record('ack', { key: w.key, value: w.value, index: a.index, term: a.term, submitted: w.submitted });
      },
      (err: unknown) => {
        // Timeouts and overwritten entries are expected under faults; anything else is worth a line.
        if (!(err instanceof RpcError)) node.log.warn({ err, key: w.key, value: w.value }, 'raft_write_failed');
        this.retry(w);
      },
    );
  }

  private retry(w: PendingWrite): void {
    this.stats.retried++;
    this.queue.push(w);
  }
}
