/**
 * What the coordinator knows of each behaviour, in one table: whether it sends at `--interval`
 * (only the notebook's chatter and the broadcast traffic do: a rerun line carrying it for the
 * others would suggest a setting that changes nothing), whether it answers the kv workload's
 * clients, and the checker that comes with it. A module's are its own (`--checker`, its handlers).
 * A new built-in is one entry here (the compiler asks for it) besides its node side.
 */
import type { TrafficKind } from '@agentnet/protocol';
import type { CheckerName } from '../checkers/index.js';

export interface BehaviorTraits {
  sendsAtIntervals: boolean;
  servesKv: boolean;
  checker: CheckerName | null;
}

export const BEHAVIORS: Record<TrafficKind, BehaviorTraits> = {
  chatter: { sendsAtIntervals: true, servesKv: false, checker: null },
  flood: { sendsAtIntervals: false, servesKv: false, checker: null },
  broadcast: { sendsAtIntervals: true, servesKv: false, checker: null },
  bully: { sendsAtIntervals: false, servesKv: false, checker: 'election' },
  raft: { sendsAtIntervals: false, servesKv: true, checker: 'raft' },
  'reliable-broadcast': { sendsAtIntervals: false, servesKv: false, checker: 'broadcast' },
  // A module may serve clients (its handlers decide) and names its checker with --checker.
  module: { sendsAtIntervals: false, servesKv: true, checker: null },
};

/** A behaviour's own checker: a built-in algorithm's, else none (a module names one with --checker). */
export function ownChecker(kind: TrafficKind): CheckerName | null {
  return BEHAVIORS[kind].checker;
}
