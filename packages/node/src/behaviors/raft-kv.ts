/**
 * The replicated key-value store: the state machine every server applies committed entries to, in
 * log order, and the leader's side of an operation (append, answer once it is applied). An
 * operation is answered only when the entry applied at its index is the one appended for it; an
 * entry cut off by a later leader is answered with `abort`, as it never commits. Reads go through
 * the log too, so a read sees every write acknowledged before it began (linearizable reads without
 * leases); what a read or cas found is decided when it is applied, the same on every server.
 */
import { ErrorCode, RpcError } from '@agentnet/protocol';
import type { RaftEntry } from './raft-log.js';
import { Write, parseBody, type WriteAnswer } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

/** What applying an entry came to: the value a read found, or why a read or cas failed. */
export type Outcome = { ok: true; value?: string } | { ok: false; code: number; text: string };

/** An operation the leader appended and applied. */
export interface Applied {
  index: number;
  term: number;
  outcome: Outcome;
}

interface Waiter {
  term: number;
  resolve: (applied: Applied) => void;
  reject: (err: Error) => void;
}

export class RaftKv {
  /** The state machine: the last value applied for each key. */
  readonly data = new Map<string, string>();
  /** Writes this server appended as leader, by index, waiting to be applied. */
  private readonly waiters = new Map<number, Waiter>();

  constructor(
    private readonly s: RaftState,
    /** A leader's new entry should go out to the followers now rather than at the next heartbeat. */
    private readonly replicate: () => void,
  ) {
    s.node.on('raft_write', (msg) => {
      const w = parseBody(Write, msg);
      return this.propose(w.key, w.value);
    });
  }

  /**
   * A client write: the leader appends it and answers once it is committed and applied; any other
   * server names the leader it knows instead.
   */
  propose(key: string, value: string): Promise<WriteAnswer> {
    const s = this.s;
    if (s.role !== 'leader') return Promise.resolve({ type: 'raft_write_redirect', leader: s.leader ?? null });
    return this.submit({ key, value }).then(({ index, term }) => ({ type: 'raft_write_ok', index, term }));
  }

  /** The leader appends an operation and resolves once it is applied; only a leader may call it. */
  submit(op: Omit<RaftEntry, 'term'>): Promise<Applied> {
    const term = this.s.currentTerm;
    const index = this.s.log.append({ ...op, term });
    const answer = new Promise<Applied>((resolve, reject) => this.waiters.set(index, { term, resolve, reject }));
    this.replicate();
    return answer;
  }

  /** The state machine's step: the same entry gives the same outcome on every server. */
  private execute(entry: RaftEntry): Outcome {
    const current = this.data.get(entry.key);
    if (entry.op === undefined) {
      this.data.set(entry.key, entry.value);
      return { ok: true };
    }
    if (current === undefined) return { ok: false, code: ErrorCode.key_does_not_exist, text: `key ${entry.key} does not exist` };
    if (entry.op === 'read') return { ok: true, value: current };
    if (current !== entry.from) return { ok: false, code: ErrorCode.precondition_failed, text: `key ${entry.key} is ${current}, not ${String(entry.from)}` };
    this.data.set(entry.key, entry.value);
    return { ok: true };
  }

  /** Applies committed entries in index order (figure 2: lastApplied follows commitIndex). */
  applyCommitted(): void {
    const s = this.s;
    while (s.lastApplied < s.commitIndex) {
      const index = s.lastApplied + 1;
      const entry = s.log.entry(index);
      if (!entry) return; // cannot happen: commitIndex never passes the log's end
      s.lastApplied = index;
      const outcome = this.execute(entry);
      s.node.record('apply', { index, term: entry.term, key: entry.key, value: entry.value, ...(entry.op === undefined ? {} : { op: entry.op }) });
      const waiter = this.waiters.get(index);
      if (!waiter) continue;
      this.waiters.delete(index);
      if (waiter.term === entry.term) waiter.resolve({ index, term: entry.term, outcome });
      else waiter.reject(new RpcError(ErrorCode.abort, `entry ${index} of term ${waiter.term} was replaced by one of term ${entry.term}`));
    }
  }

  /**
   * The log lost its entries from `from` on to a conflicting leader. Writes waiting there never
   * commit. Losing an applied entry breaks Raft's safety: it is logged, and the entries that
   * replace it are applied again so the checkers see the change in this node's events.
   */
  truncated(from: number): void {
    const s = this.s;
    if (from <= s.commitIndex) {
      s.node.log.error({ from, commit_index: s.commitIndex, last_applied: s.lastApplied, term: s.currentTerm }, 'raft_committed_entry_truncated');
      s.commitIndex = from - 1;
      s.lastApplied = Math.min(s.lastApplied, from - 1);
    }
    for (const [index, waiter] of this.waiters) {
      if (index < from) continue;
      this.waiters.delete(index);
      waiter.reject(new RpcError(ErrorCode.abort, `entry ${index} of term ${waiter.term} was overwritten by a later leader`));
    }
  }
}
