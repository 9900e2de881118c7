/**
 * The built-in behaviours written on the node API, by `--behavior` name. Each also has a variant
 * with a deliberate mistake (an option of its factory), which only the tests load, from
 * test/fixtures/*-broken.ts, to show the checkers catching it.
 */
import { parseBehaviorParams } from '@agentnet/protocol';
import type { BehaviorFactory } from '../api/node-api.js';
import { createBully } from './bully.js';
import { createReliableBroadcast } from './reliable-broadcast.js';
import { createRaft } from './raft.js';
import type { RaftOptions } from './raft-state.js';

export const BUILTIN_API_BEHAVIORS: Partial<Record<string, BehaviorFactory>> = {
  bully: (node) => createBully(node),
  'reliable-broadcast': (node) => createReliableBroadcast(node, { antiEntropy: true }),
  raft: (node) => createRaft(node, raftParams(node.params)),
};

export class BehaviorParamError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BehaviorParamError';
  }
}

/**
 * Raft's settings from `--param` (election_ms=MIN:MAX, heartbeat_ms=N, rate=N writes/s per node),
 * read through the schema the launcher and coordinator check them with before the run starts.
 */
export function raftParams(params: Readonly<Record<string, string>>): RaftOptions {
  const parsed = parseBehaviorParams('raft', params);
  if (!parsed.ok) throw new BehaviorParamError(parsed.error);
  const { election_ms: election, heartbeat_ms: heartbeat, rate } = parsed.value;
  const out: RaftOptions = {};
  const timing: NonNullable<RaftOptions['timing']> = {};
  if (election !== undefined) {
    timing.electionMinMs = election.min;
    timing.electionMaxMs = election.max;
  }
  if (heartbeat !== undefined) timing.heartbeatMs = heartbeat;
  if (rate !== undefined) out.writesPerSecond = rate;
  if (Object.keys(timing).length > 0) out.timing = timing;
  return out;
}
