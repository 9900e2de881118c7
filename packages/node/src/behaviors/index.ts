/**
 * The built-in behaviours written on the node API, by `--behavior` name. Each also has a variant
 * with a deliberate mistake (an option of its factory), which only the tests load, from
 * test/fixtures/*-broken.ts, to show the checkers catching it.
 */
import { parseMsRange } from '@agentnet/protocol';
import type { BehaviorFactory } from '../node-api.js';
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
  constructor(key: string, value: string, expected: string) {
    super(`--param ${key}=${value}: expected ${expected}`);
    this.name = 'BehaviorParamError';
  }
}

/** Raft's settings from `--param`: election_ms=MIN:MAX, heartbeat_ms=N, rate=N (writes/s per node). */
export function raftParams(params: Readonly<Record<string, string>>): RaftOptions {
  const out: RaftOptions = {};
  const timing: NonNullable<RaftOptions['timing']> = {};
  const election = params.election_ms;
  if (election !== undefined) {
    const range = parseMsRange(election);
    if (!range) throw new BehaviorParamError('election_ms', election, 'MIN:MAX in ms with MIN < MAX');
    timing.electionMinMs = range.min;
    timing.electionMaxMs = range.max;
  }
  const positive = (key: string) => {
    const v = params[key];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new BehaviorParamError(key, v, 'a whole number above 0');
    return Number(v);
  };
  const heartbeat = positive('heartbeat_ms');
  if (heartbeat !== undefined) timing.heartbeatMs = heartbeat;
  const rate = positive('rate');
  if (rate !== undefined) out.writesPerSecond = rate;
  if (Object.keys(timing).length > 0) out.timing = timing;
  return out;
}
