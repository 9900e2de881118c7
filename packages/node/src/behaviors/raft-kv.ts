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

/** How many client writes a leader remembers for answering retries (about a minute of the built-in workload on 16 nodes). */
const REMEMBERED_WRITES = 20_000;

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
  /**
   * Client writes this leader appended, by key and value (a write's value is unique to it): a
   * client that retries one after its timeout waits for the entry already appended, or gets the
   * index it was applied at, instead of appending it again (§8). Over multi-hop routes a forwarded
   * write takes longer than the client's timeout, and each retry appended a copy, several per
   * write, until the log grew faster than it could be replicated. A write not yet applied is
   * reused only in the term that appended it (a later leader may have cut it off); an applied
   * one always (committed entries stay). The oldest are forgotten past REMEMBERED_WRITES.
   */
  private readonly proposed = new Map<string, { term: number; answer: Promise<Applied>; applied: boolean }>();

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
    const id = JSON.stringify([key, value]);
    let pending = this.proposed.get(id);
    if (!pending || (!pending.applied && pending.term !== s.currentTerm)) {
      const entry = { term: s.currentTerm, answer: this.submit({ key, value }), applied: false };
      pending = entry;
      this.proposed.delete(id);
      this.proposed.set(id, entry);
      const oldest = this.proposed.keys().next();
      if (this.proposed.size > REMEMBERED_WRITES && !oldest.done) this.proposed.delete(oldest.value);
      entry.answer.then(
        () => {
          entry.applied = true;
        },
        () => {
          if (this.proposed.get(id) === entry) this.proposed.delete(id);
        },
      );
    }
    return pending.answer.then(({ index, term }) => ({ type: 'raft_write_ok', index, term }));
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
