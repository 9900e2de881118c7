/**
 * Checkers by name: each judges a finished run from the events its nodes recorded (and the run's
 * facts) and the verdict combines them: invalid if any check failed, unknown if none failed but one
 * could not be judged, else valid. A built-in behaviour has its own checker; a module names one
 * with --checker and records the events that checker reads.
 */
import { z } from 'zod';
import type { Check, Verdict } from '@agentnet/protocol';
import { broadcastChecks } from './broadcast.js';
import { electionChecks } from './election.js';
import { raftChecks } from './raft.js';
import type { CheckInput } from './check-input.js';

export type { CheckInput, FaultMoment } from './check-input.js';

export const CheckerName = z.enum(['election', 'raft', 'broadcast']);
export type CheckerName = z.infer<typeof CheckerName>;

const CHECKERS: Record<CheckerName, (input: CheckInput) => Check[]> = {
  election: electionChecks,
  raft: raftChecks,
  broadcast: broadcastChecks,
};

/** `extra`: checks that do not come from the behaviour (a client workload's); null when there are none at all. */
export function verdictOf(checker: CheckerName | null, input: CheckInput, extra: readonly Check[] = []): Verdict | null {
  if (checker === null && extra.length === 0) return null;
  const checks = [...(checker === null ? [] : CHECKERS[checker](input)), ...extra];
  const valid = checks.some((c) => c.valid === false) ? false : checks.some((c) => c.valid === 'unknown') ? 'unknown' : true;
  return { valid, checks };
}

/** Maelstrom's exit codes: 0 valid, 1 invalid, 2 unknown. */
export function verdictExitCode(verdict: Verdict | null): number {
  if (!verdict) return 0;
  return verdict.valid === true ? 0 : verdict.valid === false ? 1 : 2;
}
