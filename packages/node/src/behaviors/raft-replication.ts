/**
 * Raft log replication (§5.3, §5.4.2): the leader sends each follower AppendEntries from that
 * follower's nextIndex (empty ones are heartbeats), backs off on a mismatch and advances
 * matchIndex on success; an entry of the leader's current term stored on a majority is committed,
 * and everything before it with it. Followers check consistency, truncate conflicts, learn the
 * commit index from the leader and apply.
 *
 * A follower that is up to date has one AppendEntries outstanding at a time: its reply (or a
 * heartbeat interval without one) sends the next, so entries written meanwhile travel together in
 * one batch. A follower more than a full batch behind (after a partition, a crash, or a burst of
 * writes) gets the following full batches at once, up to maxInflight on their way, and each
 * reply lets one more go: one batch per round trip would cap its catch-up at maxBatch entries per
 * round trip, which over multi-hop routes is below the rate writes arrive, so it would never
 * catch up. Only full batches are pipelined: the tail waits for the replies, as above.
 */
import type { Incoming } from '../api/behavior.js';
import type { RaftKv } from './raft-kv.js';
import { AppendEntries, AppendResult, parseBody } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

export class RaftReplication {
  private readonly nextIndex = new Map<string, number>();
  private readonly matchIndex = new Map<string, number>();
  /** When the last AppendEntries still awaited by each follower went out. */
  private readonly inflightAt = new Map<string, number>();
  /** How many AppendEntries to each follower are awaited. */
  private readonly inflight = new Map<string, number>();
  /** The last index the AppendEntries sent to each follower carry: the next full batch starts after it. */
  private readonly sentTo = new Map<string, number>();
  /**
   * Followers whose place in the log is unsure (a new term, a refusal, answers overdue): they get
   * one AppendEntries at a time, from nextIndex, until one succeeds; batches after a misplaced one
   * would be refused too.
   */
  private readonly probing = new Set<string>();
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
      this.probing.add(peer);
    }
    this.inflightAt.clear();
    this.inflight.clear();
    this.sentTo.clear();
    this.heartbeat();
    // A one-server cluster commits on its own.
    this.advanceCommit();
  }

  /**
   * The leader has a new entry: on the next turn of the event loop, followers with nothing
   * awaited get it, and followers a full batch behind their next batch if the window has room.
   */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    this.s.node.after(0, () => {
      this.kickPending = false;
      if (this.s.role !== 'leader') return;
      for (const peer of this.s.others) this.replicate(peer);
      this.advanceCommit();
    });
  }

  private heartbeat(): void {
    if (this.s.role !== 'leader') return;
    const now = Date.now();
    for (const peer of this.s.others) {
      const at = this.inflightAt.get(peer);
      if (at !== undefined && now - at < this.s.timing.heartbeatMs) continue;
      if (at !== undefined) {
        // An answer lost to a partition or a crash must not stall the follower: after an interval
        // what is awaited counts as lost and one AppendEntries from nextIndex goes again (one, not
        // the window: a follower cut off, or farther than the interval, must not get it each time).
        this.probing.add(peer);
        this.settled(peer);
      }
      this.replicate(peer);
    }
  }

  /** Nothing more is awaited from `peer`: answered, or presumed lost. */
  private settled(peer: string): void {
    this.inflightAt.delete(peer);
    this.inflight.delete(peer);
  }

  /**
   * Sends `peer` what it should get now: with nothing awaited, one AppendEntries from its nextIndex
   * (what was written meanwhile, or a heartbeat); then, unless probing, further full batches while
   * the window has room. Partial batches are not pipelined: they wait for the answers and go together.
   */
  private replicate(peer: string): void {
    const { log, timing } = this.s;
    const next = this.nextIndex.get(peer) ?? log.lastIndex + 1;
    const probing = this.probing.has(peer);
    // Batches presumed lost at a heartbeat may still arrive (a round trip longer than the
    // interval): past the probe, what follows them goes next, and a gap is refused and probed.
    if (!this.inflight.get(peer)) this.send(peer, probing ? next : Math.max(next, (this.sentTo.get(peer) ?? 0) + 1));
    if (probing) return;
    for (;;) {
      const after = Math.max(this.sentTo.get(peer) ?? 0, next - 1);
      if ((this.inflight.get(peer) ?? 0) >= timing.maxInflight || log.lastIndex - after < timing.maxBatch) return;
      this.send(peer, after + 1);
    }
  }

  private send(peer: string, from: number): void {
    const { log, currentTerm, commitIndex } = this.s;
    const next = Math.min(from, log.lastIndex + 1);
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
    this.inflight.set(peer, (this.inflight.get(peer) ?? 0) + 1);
    this.sentTo.set(peer, Math.max(this.sentTo.get(peer) ?? 0, prev + body.entries.length));
  }

  private onAppend(msg: Incoming): void {
    const s = this.s;
    const ae = parseBody(AppendEntries, msg);
    const answer = (success: boolean, match: number, hint: number) => {
      const result: AppendResult = { type: 'raft_append_result', term: s.currentTerm, success, match, hint, prev_index: ae.prev_index };
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
    const match = this.matchIndex.get(peer) ?? 0;
    const next = this.nextIndex.get(peer) ?? s.log.lastIndex + 1;
    // A stale refusal: the follower has since matched past it (its log is stored, so it keeps what
    // it matched), or it answers a batch sent before the probe now awaited, which is no longer
    // counted. Acting on it would resend what is already on its way.
    if (!r.success && (r.prev_index <= match || (this.probing.has(peer) && r.prev_index !== next - 1))) return;
    // A late answer to AppendEntries already presumed lost finds nothing awaited: it only informs.
    const awaited = Math.max(0, (this.inflight.get(peer) ?? 0) - 1);
    if (awaited === 0) this.settled(peer);
    else this.inflight.set(peer, awaited);
    if (r.success) {
      // Answers can arrive out of order: what a follower once matched in this term it still matches.
      this.matchIndex.set(peer, Math.max(match, r.match));
      this.nextIndex.set(peer, Math.max(next, r.match + 1));
      this.probing.delete(peer);
      this.advanceCommit();
    } else {
      // Never below what the follower matched: its stored log keeps those entries, restarts included.
      this.nextIndex.set(peer, Math.max(match + 1, Math.min(next - 1, r.hint), 1));
      // Batches sent after the refused one cannot fit either: one at a time from the new nextIndex.
      this.probing.add(peer);
      this.sentTo.delete(peer);
      this.settled(peer);
    }
    // More full batches while some are awaited; with none awaited, whatever was written meanwhile.
    if (this.inflight.has(peer) || (this.nextIndex.get(peer) ?? 0) <= s.log.lastIndex) this.replicate(peer);
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
