/**
 * Raft log replication (§5.3, §5.4.2): the leader sends each follower AppendEntries from that
 * follower's nextIndex (empty ones are heartbeats), backs off on a mismatch and advances
 * matchIndex on success; an entry of the leader's current term stored on a majority is committed,
 * and everything before it with it. Followers check consistency, truncate conflicts, learn the
 * commit index from the leader and apply.
 *
 * One AppendEntries is outstanding per follower at a time: a reply (or a heartbeat interval
 * without one) sends the next, so entries written meanwhile travel together in one batch.
 */
import type { Incoming } from '../behavior.js';
import type { RaftKv } from './raft-kv.js';
import { AppendEntries, AppendResult, parseBody } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

export class RaftReplication {
  private readonly nextIndex = new Map<string, number>();
  private readonly matchIndex = new Map<string, number>();
  /** When the outstanding AppendEntries to each follower went out. */
  private readonly inflightAt = new Map<string, number>();
  private kickPending = false;

  constructor(
    private readonly s: RaftState,
    private readonly kv: RaftKv,
  ) {
    s.node.on('raft_append', (msg) => this.onAppend(msg));
    s.node.on('raft_append_result', (msg) => this.onResult(msg));
  }

  start(): void {
    this.s.node.every(this.s.timing.heartbeatMs, () => this.heartbeat());
  }

  /** A new leader (figure 2, "volatile state on leaders"): nextIndex after its log, nothing matched; heartbeats at once. */
  lead(): void {
    for (const peer of this.s.others) {
      this.nextIndex.set(peer, this.s.log.lastIndex + 1);
      this.matchIndex.set(peer, 0);
    }
    this.inflightAt.clear();
    this.heartbeat();
    // A one-server cluster commits on its own.
    this.advanceCommit();
  }

  /** The leader has a new entry: followers with nothing outstanding get it on the next turn of the event loop. */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    this.s.node.after(0, () => {
      this.kickPending = false;
      if (this.s.role !== 'leader') return;
      for (const peer of this.s.others) if (!this.inflightAt.has(peer)) this.send(peer);
      this.advanceCommit();
    });
  }

  private heartbeat(): void {
    if (this.s.role !== 'leader') return;
    const now = Date.now();
    for (const peer of this.s.others) {
      const at = this.inflightAt.get(peer);
      // An answer lost to a partition or a crash must not stall the follower: resend after an interval.
      if (at === undefined || now - at >= this.s.timing.heartbeatMs) this.send(peer);
    }
  }

  private send(peer: string): void {
    const { log, currentTerm, commitIndex } = this.s;
    const next = Math.min(this.nextIndex.get(peer) ?? log.lastIndex + 1, log.lastIndex + 1);
    const prev = next - 1;
    const body: AppendEntries = {
      type: 'raft_append',
      term: currentTerm,
      prev_index: prev,
      prev_term: log.termAt(prev) ?? 0,
      entries: log.from(next, this.s.timing.maxBatch),
      leader_commit: commitIndex,
    };
    this.s.node.send(peer, body);
    this.inflightAt.set(peer, Date.now());
  }

  private onAppend(msg: Incoming): void {
    const s = this.s;
    const ae = parseBody(AppendEntries, msg);
    const answer = (success: boolean, match: number, hint: number) => {
      const result: AppendResult = { type: 'raft_append_result', term: s.currentTerm, success, match, hint };
      s.node.send(msg.src, result);
    };
    if (!s.observeTerm(ae.term)) return answer(false, 0, 0); // a stale leader learns the newer term
    if (s.role === 'leader') {
      // Two leaders in one term: votes were counted wrongly somewhere. The checker judges it from the `leader` events.
      s.node.log.error({ term: ae.term, other: msg.src }, 'raft_two_leaders');
    }
    // Only the term's leader sends AppendEntries of the current term: a candidate of it gives up.
    s.becomeFollower();
    // Once per term: whom this server follows, for the checker's agreement after the last heal.
    if (s.leader !== msg.src) s.node.record('follow', { term: s.currentTerm, leader: msg.src });
    s.leader = msg.src;
    s.resetElectionTimer();
    const r = s.log.accept(ae.prev_index, ae.prev_term, ae.entries);
    if (!r.ok) return answer(false, 0, r.hint);
    if (r.truncatedFrom !== undefined) this.kv.truncated(r.truncatedFrom);
    // Only entries known to match the leader's may be committed here (figure 2, receiver step 5).
    const commit = Math.min(ae.leader_commit, r.lastNew);
    if (commit > s.commitIndex) {
      s.commitIndex = commit;
      this.kv.applyCommitted();
    }
    answer(true, r.lastNew, 0);
  }

  private onResult(msg: Incoming): void {
    const s = this.s;
    const r = parseBody(AppendResult, msg);
    if (!s.observeTerm(r.term) || s.role !== 'leader') return;
    const peer = msg.src;
    this.inflightAt.delete(peer);
    const match = this.matchIndex.get(peer) ?? 0;
    const next = this.nextIndex.get(peer) ?? s.log.lastIndex + 1;
    if (r.success) {
      // Answers can arrive out of order: what a follower once matched in this term it still matches.
      this.matchIndex.set(peer, Math.max(match, r.match));
      this.nextIndex.set(peer, Math.max(next, r.match + 1));
      this.advanceCommit();
    } else {
      // Never below what the follower matched: its stored log keeps those entries, restarts included.
      this.nextIndex.set(peer, Math.max(match + 1, Math.min(next - 1, r.hint), 1));
    }
    if ((this.nextIndex.get(peer) ?? 0) <= s.log.lastIndex) this.send(peer);
  }

  /**
   * The highest index of the current term stored on a majority becomes the commit index (§5.4.2:
   * entries of earlier terms are committed only through one of the current term).
   */
  private advanceCommit(): void {
    const s = this.s;
    if (s.role !== 'leader') return;
    for (let n = s.log.lastIndex; n > s.commitIndex; n--) {
      // Terms never decrease along a log: below an earlier term's entry there is no current-term one.
      if (s.log.termAt(n) !== s.currentTerm) return;
      const stored = 1 + s.others.filter((peer) => (this.matchIndex.get(peer) ?? 0) >= n).length;
      if (stored < s.majority) continue;
      s.commitIndex = n;
      s.node.record('commit', { index: n, term: s.currentTerm });
      this.kv.applyCommitted();
      return;
    }
  }
}
