/**
 * The built-in behaviours written on the node API, by `--behavior` name. The `-broken` variants
 * carry a deliberate mistake; they exist so the tests can show the checkers catching it.
 */
import type { BehaviorFactory } from '../node-api.js';
import { createBully } from './bully.js';
import { createReliableBroadcast } from './reliable-broadcast.js';
import { createRaft } from './raft.js';

export const BUILTIN_API_BEHAVIORS: Partial<Record<string, BehaviorFactory>> = {
  bully: (node) => createBully(node),
  'bully-broken': (node) => createBully(node, { broken: true }),
  'reliable-broadcast': (node) => createReliableBroadcast(node, { antiEntropy: true }),
  'reliable-broadcast-broken': (node) => createReliableBroadcast(node, { antiEntropy: false }),
  raft: (node) => createRaft(node),
  'raft-broken': (node) => createRaft(node, { broken: true }),
};
