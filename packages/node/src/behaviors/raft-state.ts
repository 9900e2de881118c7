/**
 * One Raft server's state (figure 2) shared by its parts (election, replication, the key-value
 * state machine, the client workload), its timing, and the term rule every part obeys: a message
 * with a higher term makes this server a follower of that term.
 *
 * Persistent state (currentTerm, votedFor, the log) lives in this process's memory: the node API
 * has no storage that outlives a SIGKILL, so a restarted node comes back empty. How Raft stays
 * safe anyway is in raft-election.ts (`intact`).
 */
import { randomUUID } from 'node:crypto';
import type { NodeApi } from '../node-api.js';
import { RaftLog } from './raft-log.js';

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
  currentTerm = 0;
  votedFor: string | undefined;
  readonly log = new RaftLog();
  commitIndex = 0;
  lastApplied = 0;
  role: Role = 'follower';
  /** Whom this server believes leads the current term (itself when leader). */
  leader: string | undefined;
  /**
   * Whether this process has copied a leader's whole log since it started: from then on its log
   * holds every committed entry, whatever a previous process of this node knew.
   */
  caughtUp = false;
  /** This process's incarnation once a peer has told it (0: the node's first process). */
  incarnation: number | undefined;
  /**
   * Names this process among the node's processes: a restarted node may receive answers to what
   * its previous process asked, and must not take them for its own. (node.rng would draw the same
   * tag again: it is keyed by the node, not the process.)
   */
  readonly processTag = randomUUID();
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
  }

  /** A first process has lost nothing; a restarted one is whole again once it caught up. */
  get intact(): boolean {
    return this.caughtUp || this.incarnation === 0;
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
      this.currentTerm = term;
      this.votedFor = undefined;
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
