/**
 * Raft leader election (§5.2, §5.4.1): a follower that hears no leader within its randomized
 * election timeout becomes a candidate for the next term and asks every server for its vote; a
 * server grants at most one vote per term, and only to a candidate whose log is at least as
 * up-to-date as its own; a candidate with votes from a majority leads the term.

 *
 * The term and the vote are stored (RaftState.setTermAndVote) before the candidacy or the vote
 * goes out, so a server that crashes and restarts cannot vote twice in a term, and its log check
 * still covers every entry it acknowledged.
 */
import type { Incoming } from '../api/behavior.js';
import { RequestVote, Vote, parseBody } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

export class RaftElection {
  /** Servers that granted this candidacy their vote (not this server). */
  private votes = new Set<string>();

  constructor(
    private readonly s: RaftState,
    /** Called when this server wins: the leader's side of replication takes over. */
    private readonly onElected: () => void,
  ) {
    s.node.on('raft_request_vote', (msg) => this.onRequestVote(msg));
    s.node.on('raft_vote', (msg) => this.onVote(msg));
  }

  start(): void {
    this.s.resetElectionTimer();
    this.s.node.every(this.s.timing.tickMs, () => {
      if (this.s.role !== 'leader' && Date.now() >= this.s.electionDeadline) this.campaign();
    });
  }

  /** Becomes a candidate for the next term: votes for itself and asks everyone else. */
  campaign(): void {
    const s = this.s;
    s.setTermAndVote(s.currentTerm + 1, s.node.id);
    s.role = 'candidate';
    s.leader = undefined;
    this.votes = new Set();
    s.resetElectionTimer();
    const ask: RequestVote = { type: 'raft_request_vote', term: s.currentTerm, last_index: s.log.lastIndex, last_term: s.log.lastTerm };
    for (const peer of s.others) s.node.send(peer, ask);
    this.tally();
  }

  private onRequestVote(msg: Incoming): void {
    const s = this.s;
    const ask = parseBody(RequestVote, msg);
    s.observeTerm(ask.term);
    // The broken variant skips the log comparison: a candidate missing committed entries can win.
    const upToDate = s.options.broken === true || s.log.candidateIsUpToDate(ask.last_index, ask.last_term);
    const granted = ask.term === s.currentTerm && (s.votedFor === undefined || s.votedFor === msg.src) && upToDate;
    if (granted) {
      s.setTermAndVote(s.currentTerm, msg.src);
      // Granting a vote resets the timer (figure 2), so the candidate gets its chance to win.
      s.resetElectionTimer();
    }
    const vote: Vote = { type: 'raft_vote', term: s.currentTerm, granted };
    s.node.send(msg.src, vote);
  }

  private onVote(msg: Incoming): void {
    const s = this.s;
    const vote = parseBody(Vote, msg);
    // A vote of an earlier term (this node's earlier candidacy, or an earlier process's) has a stale term.
    if (!s.observeTerm(vote.term) || s.role !== 'candidate') return;
    if (vote.granted) this.votes.add(msg.src);
    this.tally();
  }

  private tally(): void {
    const s = this.s;
    if (s.role !== 'candidate' || this.votes.size + 1 < s.majority) return;
    s.role = 'leader';
    s.leader = s.node.id;
    s.node.record('leader', { term: s.currentTerm });
    s.node.log.info({ term: s.currentTerm, votes: [...this.votes] }, 'raft_leader');
    this.onElected();
  }
}
