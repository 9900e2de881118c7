/**
 * Every kind of fault step, in one table: what it strikes (a node's process, links, or nothing of
 * its own), whether it starts a fault period or ends them, the signal a node fault sends, whether
 * it ends the struck node's process or brings a node back. The fault timeline, the report, the checkers and the control API read this table
 * instead of lists of kind strings of their own: a new node fault is one entry here plus its action.
 */
import { z } from 'zod';
import { enumOfKeys } from '../runtime/closed-sets.js';

export interface FaultKindInfo {
  /** `node`: one node's process; `links`: directed links; `all`: whatever is in force. */
  strikes: 'node' | 'links' | 'all';
  /** Starts a fault period (named, ended by a later step) or ends periods. */
  role: 'starts' | 'ends';
  /** The signal a node fault sends to the node's process. */
  signal?: NodeJS.Signals;
  /** The struck node's process ends (what it recorded before came from an earlier process). */
  endsProcess?: boolean;
  /** Brings a struck node back (a new or resumed process): it costs no leader. */
  returns?: boolean;
  /** The struck node's process runs on as it was (only what it sends changes): it costs no leader. */
  keepsRunning?: boolean;
}

export const FAULT_KINDS = {
  partition: { strikes: 'links', role: 'starts' },
  link: { strikes: 'links', role: 'starts' },
  pause: { strikes: 'node', role: 'starts', signal: 'SIGSTOP' },
  crash: { strikes: 'node', role: 'starts', signal: 'SIGKILL', endsProcess: true },
  stop: { strikes: 'node', role: 'starts', signal: 'SIGTERM', endsProcess: true },
  /** The node attacks (docs/security.md) until a heal of `byzantine NODE`, or a reset. */
  byzantine: { strikes: 'node', role: 'starts', keepsRunning: true },
  heal: { strikes: 'links', role: 'ends' },
  resume: { strikes: 'node', role: 'ends', signal: 'SIGCONT', returns: true },
  restart: { strikes: 'node', role: 'ends', endsProcess: true, returns: true },
  reset: { strikes: 'all', role: 'ends' },
} as const satisfies Record<string, FaultKindInfo>;

export const FaultKind = enumOfKeys(FAULT_KINDS);
export type FaultKind = z.infer<typeof FaultKind>;

/** The node faults that are a signal to the node's process, with it. */
export type SignalFault = { [K in FaultKind]: (typeof FAULT_KINDS)[K] extends { signal: NodeJS.Signals } ? K : never }[FaultKind];
export const SIGNAL_FAULTS = (Object.keys(FAULT_KINDS) as FaultKind[]).filter((k): k is SignalFault => 'signal' in FAULT_KINDS[k]);
