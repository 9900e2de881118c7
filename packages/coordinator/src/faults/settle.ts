/**
 * The settle phase: before checkers judge liveness, a run with faults ends them all (heal, resume,
 * restart) and lets the cluster settle for `--settle`; a client workload always settles, then reads
 * every key. The settle period starts once the restarted nodes are back: a process still starting
 * on a loaded machine would otherwise be judged on a settle it never had.
 */
import type { Logger } from '@agentnet/protocol';
import type { Conditions, WaitResult } from '../cluster/conditions.js';
import type { NodeTable } from '../cluster/node-table.js';
import type { Workload } from '../workload/workload.js';
import type { FaultTimeline } from './fault-timeline.js';

export interface SettleParts {
  workload: Workload | undefined;
  timeline: FaultTimeline;
  nodes: NodeTable;
  conditions: Conditions;
  log: Logger;
  /** Whether a checker judges the behaviour (without one, faults need no settle). */
  judged: boolean;
  flags: { settle: number; 'ready-timeout': number };
}

/** `settled`: whether the settle period ran to its end (absent when none was needed or it never began). */
export async function settleAfterFaults(p: SettleParts, signal: AbortSignal): Promise<{ result: WaitResult; settled?: boolean }> {
  p.workload?.stopIssuing();
  const faults = p.timeline.faults.length > 0;
  if (!p.workload && (!p.judged || !faults)) return { result: 'ok' };
  const incarnations = new Map(p.nodes.all.map((e) => [e.id, e.incarnation]));
  const restarted = p.timeline.endFaults();
  // Back means a new process, ready: a crash just before may not have been seen yet, its entry still `ready`.
  const isBack = (id: string) => {
    const e = p.nodes.get(id);
    return e !== undefined && e.incarnation > (incarnations.get(id) ?? 0) && e.state === 'ready';
  };
  const back = await p.conditions.waitFor(() => restarted.every(isBack), p.flags['ready-timeout'], signal);
  if (back === 'aborted') return { result: back };
  if (back === 'timeout') p.log.warn({ nodes: restarted.filter((id) => !isBack(id)) }, 'not_back');
  p.log.info({ settle_ms: p.flags.settle, restarted }, 'settle');
  const r = await p.conditions.waitFor(() => false, p.flags.settle, signal);
  const settled = r !== 'aborted';
  return { result: r === 'aborted' || !p.workload ? r : await p.workload.finalReads(signal), settled };
}
