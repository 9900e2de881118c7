/**
 * One Raft server's state (figure 2) shared by its parts (election, replication, the key-value
 * state machine, the client workload), its timing, and the term rule every part obeys: a message
 * with a higher term makes this server a follower of that term.
 *
 * Persistent state (currentTerm, votedFor, the log) is on the node's stable storage
 * (`node.storage`): every change is stored before the call that made it returns, so before any
 * message that depends on it leaves, and a restarted process starts from where the crashed one
 * stopped, as figure 2 requires. Volatile state (commit index, what is applied, the role) starts
 * over: the state machine is rebuilt from the log as the commit index is learned again.
 */
import { z } from 'zod';
import type { NodeApi } from '../api/node-api.js';
import { RaftLog } from './raft-log.js';

/** How currentTerm and votedFor are stored (one record, so they change together). */
const StoredTerm = z.object({ term: z.number().int().nonnegative(), voted_for: z.string().nullable() });
type StoredTerm = z.infer<typeof StoredTerm>;
const TERM_KEY = 'raft_term';
const LOG_LIST = 'raft_log';

export const RAFT_TIMING = {
  /** Election timeouts are drawn uniformly from this range, as in the paper's evaluation (§9.3). */
  electionMinMs: 150,
  electionMaxMs: 300,
  /** A leader sends each follower AppendEntries at least this often (heartbeats). */
  heartbeatMs: 50,
  /** How often the election timer is looked at; bounds how late a timeout fires. */
  tickMs: 10,
  /** At most this many entries per AppendEntries, so a follower far behind catches up in steps. */
  maxBatch: 200,
  /**
   * At most this many AppendEntries on their way to one follower at a time. Only a follower more
   * than a full batch behind gets more than one: with one per round trip it would catch up at
   * maxBatch entries per round trip, which over multi-hop routes is less than the writes coming in.
   */
  maxInflight: 8,
};

export type Role = 'follower' | 'candidate' | 'leader';

export interface RaftOptions {
  /** Grant votes without the log up-to-date check (§5.4.1): the mistake the checker must catch. */
  broken?: boolean;
  /** Timing other than RAFT_TIMING (`--param election_ms=1500:3000 --param heartbeat_ms=300`). */
  timing?: Partial<typeof RAFT_TIMING>;
  /** Writes the built-in client submits per second on each node (`--param rate=50`). */
  writesPerSecond?: number;
}

export class RaftState {
  private term = 0;
  private vote: string | undefined;
  readonly log: RaftLog;
  commitIndex = 0;
  lastApplied = 0;
  role: Role = 'follower';
  /** Whom this server believes leads the current term (itself when leader). */
  leader: string | undefined;
  /** When the election timer fires unless a leader or a granted vote resets it. */
  electionDeadline = 0;

  readonly others: string[];
  readonly majority: number;

  /** RAFT_TIMING with the run's `--param` overrides. */
  readonly timing: typeof RAFT_TIMING;
  constructor(
    readonly node: NodeApi,
    readonly options: RaftOptions,
  ) {
    this.timing = { ...RAFT_TIMING, ...options.timing };
    this.others = node.nodeIds.filter((id) => id !== node.id);
    this.majority = Math.floor(node.nodeIds.length / 2) + 1;
    const stored = node.storage.get(TERM_KEY);
    if (stored !== undefined) {
      const saved = StoredTerm.parse(stored);
      this.term = saved.term;
      this.vote = saved.voted_for ?? undefined;
    }
    this.log = new RaftLog(node.storage.list(LOG_LIST));
    if (node.incarnation > 0) node.log.info({ term: this.term, voted_for: this.vote ?? null, last_index: this.log.lastIndex }, 'raft_restored');
  }

  get currentTerm(): number {
    return this.term;
  }

  /** Whom this server voted for in the current term. */
  get votedFor(): string | undefined {
    return this.vote;
  }

  /** Stores the term and vote: on storage before the vote or the candidacy it stands for is sent. */
  setTermAndVote(term: number, votedFor: string | undefined): void {
    const record: StoredTerm = { term, voted_for: votedFor ?? null };
    this.node.storage.set(TERM_KEY, record);
    this.term = term;
    this.vote = votedFor;
  }

  /** Draws the next election timeout from now (node.rng: the same seed, the same draws). */
  resetElectionTimer(): void {
    this.electionDeadline = Date.now() + this.node.rng.uniform(this.timing.electionMinMs, this.timing.electionMaxMs);
  }

  /**
   * The rule for all servers (figure 2): a term above ours makes us a follower of it, with no vote
   * cast in it yet. Returns whether the message's term is current (not stale).
   */
  observeTerm(term: number): boolean {
    if (term > this.currentTerm) {
      this.setTermAndVote(term, undefined);
      this.leader = undefined;
      this.becomeFollower();
    }
    return term === this.currentTerm;
  }

  /**
   * A leader that steps down starts a fresh election timeout, as a follower that just heard from
   * a leader: its old deadline passed long ago and would make it stand again at once. Its
   * bookkeeping of followers is rebuilt when it next wins (RaftReplication.lead).
   */
  becomeFollower(): void {
    if (this.role === 'leader') this.resetElectionTimer();
    this.role = 'follower';
  }
}
