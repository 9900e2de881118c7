/**
 * Raft leader election (§5.2, §5.4.1): a follower that hears no leader within its randomized
 * election timeout becomes a candidate for the next term and asks every server for its vote; a
 * server grants at most one vote per term, and only to a candidate whose log is at least as
 * up-to-date as its own; a candidate with votes from a majority leads the term.
 *
 * Votes of restarted processes: a server's vote and log are meant to be on stable storage, but a
 * restarted node here comes back empty. Its vote could then repeat one its previous process cast
 * in the same term, and its up-to-date check would miss entries that process acknowledged (which
 * may have been needed for a majority). So a candidate counts a vote, its own included, only from
 * an intact process: a node's first process (incarnation 0, read from the envelope id of the
 * vote), or one that has copied a leader's whole log since it started. Any majority of intact
 * voters overlaps every commit majority in a process that still holds the entry, which is what
 * the up-to-date check needs. What this does not cover: a process that crashes, restarts and
 * catches up while an election its previous process voted in is still undecided may vote in that
 * term again. Only stable storage (which the node API does not offer) closes that window.
 */
import type { Incoming } from '../behavior.js';
import { RequestVote, Vote, incarnationOf, parseBody } from './raft-messages.js';
import type { RaftState } from './raft-state.js';

export class RaftElection {
  /** Intact servers that granted this candidacy their vote (not this server). */
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
    s.currentTerm++;
    s.role = 'candidate';
    s.votedFor = s.node.id;
    s.leader = undefined;
    this.votes = new Set();
    s.resetElectionTimer();
    const ask: RequestVote = { type: 'raft_request_vote', term: s.currentTerm, last_index: s.log.lastIndex, last_term: s.log.lastTerm, candidate_process: s.processTag };
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
      s.votedFor = msg.src;
      // Granting a vote resets the timer (figure 2), so the candidate gets its chance to win.
      s.resetElectionTimer();
    }
    const vote: Vote = { type: 'raft_vote', term: s.currentTerm, granted, caught_up: s.caughtUp, candidate_process: ask.candidate_process, candidate_incarnation: incarnationOf(msg) };
    s.node.send(msg.src, vote);
  }

  private onVote(msg: Incoming): void {
    const s = this.s;
    const vote = parseBody(Vote, msg);
    const mine = vote.candidate_process === s.processTag;
    // Every answer to this process says which incarnation it is.
    if (mine) s.incarnation ??= vote.candidate_incarnation;
    if (!s.observeTerm(vote.term) || s.role !== 'candidate' || !mine) return;
    if (vote.granted && (incarnationOf(msg) === 0 || vote.caught_up)) this.votes.add(msg.src);
    this.tally();
  }

  private tally(): void {
    const s = this.s;
    if (s.role !== 'candidate' || this.votes.size + (s.intact ? 1 : 0) < s.majority) return;
    s.role = 'leader';
    s.leader = s.node.id;
    s.node.record('leader', { term: s.currentTerm });
    s.node.log.info({ term: s.currentTerm, votes: [...this.votes] }, 'raft_leader');
    this.onElected();
  }
}
