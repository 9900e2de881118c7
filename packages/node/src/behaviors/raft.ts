/**
 * Raft consensus (Ongaro & Ousterhout 2014) on the node API, replicating a key-value store, with a
 * client workload inside: `--behavior raft`. The parts, one file each:
 *
 * - raft-state.ts: a server's state, timing and the higher-term rule;
 * - raft-log.ts: the log, its consistency check and the up-to-date comparison;
 * - raft-election.ts: randomized election timeouts and RequestVote;
 * - raft-replication.ts: AppendEntries, heartbeats and commitment;
 * - raft-kv.ts: the state machine and the leader's side of a write;
 * - raft-client.ts: every node writing at a constant rate and recording acknowledgements (unless
 *   the run has a client workload);
 * - raft-service.ts: read, write and cas from client connections (`--workload kv`), proxied to the leader.
 *
 * Events for the checkers (packages/coordinator/src/checkers/raft.ts): `leader {term}` when a
 * server wins an election; `follow {term, leader}` when a server first hears a term's leader; `commit {index, term}` when a leader's commit index advances;
 * `apply {index, term, key, value}` on every server as it applies an entry; `ack {key, value,
 * index, term, submitted}` when a client's write is acknowledged.
 *
 * `broken: true` (test/fixtures/raft-broken.ts, for the tests) grants votes without comparing
 * logs, so under partitions a server that missed committed entries can win and overwrite them:
 * the state machine safety the checker guards.
 */
import type { NodeApi } from '../api/node-api.js';
import { RaftClient } from './raft-client.js';
import { RaftElection } from './raft-election.js';
import { RaftKv } from './raft-kv.js';
import { RaftReplication } from './raft-replication.js';
import { RaftService } from './raft-service.js';
import { RaftState, type RaftOptions } from './raft-state.js';

/** The parts of one server, exposed for tests that look inside. */
export interface RaftServer {
  state: RaftState;
  kv: RaftKv;
  client: RaftClient;
  election: RaftElection;
}

export function createRaftServer(node: NodeApi, options: RaftOptions = {}, workload = true): RaftServer & { start: () => void; stop: () => void } {
  const state = new RaftState(node, options);
  const kv = new RaftKv(state, () => replication.kick());
  const replication = new RaftReplication(state, kv);
  const election = new RaftElection(state, () => replication.lead());
  const client = new RaftClient(state, kv);
  new RaftService(state, kv);
  return {
    state,
    kv,
    client,
    election,
    start() {
      election.start();
      replication.start();
      if (workload) client.start();
    },
    stop() {
      node.log.info({ term: state.currentTerm, role: state.role, last_index: state.log.lastIndex, commit_index: state.commitIndex, ...client.stats }, 'raft_stop');
    },
  };
}

export function createRaft(node: NodeApi, options: RaftOptions = {}) {
  // With a client workload the clients are the load; the built-in writers stand down.
  const server = createRaftServer(node, options, node.workload === null);
  return { start: server.start, stop: server.stop };
}
