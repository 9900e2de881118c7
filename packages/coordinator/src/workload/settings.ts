/**
 * The workload's settings, from the flags (`--workload kv --rate R --concurrency C --keys K`) and
 * the network model: how long a client waits for a reply before an operation is `info`, scaled to
 * the injected delay as Maelstrom scales its clients' timeout to the network's latency.
 */
import { DEFAULT_WORKLOAD_KEYS, DEFAULT_WORKLOAD_RATE, MIN_OP_TIMEOUT_MS, OP_TIMEOUT_DELAYS, delayCdf, type DelaySpec } from '@agentnet/protocol';

/** What the workload's settings take from the run's flags. */
export interface WorkloadFlags {
  workload?: 'kv' | undefined;
  rate?: number | undefined;
  concurrency?: number | undefined;
  keys?: number | undefined;
  nodes: number;
  settle: number;
}

export interface WorkloadSettings {
  kind: 'kv';
  /** Operations per second over all clients. */
  rate: number;
  /** Clients, each with at most one operation outstanding. */
  concurrency: number;
  keys: number;
  opTimeoutMs: number;
  /** How long the final reads may take, retries included (`--settle`). */
  finalReadsMs: number;
}

/** The delay half the messages stay under: bisection on the distribution's CDF. */
export function medianDelay(spec: DelaySpec): number {
  let lo = 0;
  let hi = 1;
  while (delayCdf(spec, hi) < 0.5 && hi < 1e9) hi *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (delayCdf(spec, mid) < 0.5) lo = mid;
    else hi = mid;
  }
  return hi;
}

export function opTimeoutMs(delay: DelaySpec): number {
  return Math.max(MIN_OP_TIMEOUT_MS, Math.ceil(OP_TIMEOUT_DELAYS * medianDelay(delay)));
}

/** The run's workload, or null without `--workload`. */
export function workloadSettings(flags: WorkloadFlags, delay: DelaySpec): WorkloadSettings | null {
  if (flags.workload === undefined) return null;
  return {
    kind: flags.workload,
    rate: flags.rate ?? DEFAULT_WORKLOAD_RATE,
    concurrency: flags.concurrency ?? flags.nodes,
    keys: flags.keys ?? DEFAULT_WORKLOAD_KEYS,
    opTimeoutMs: opTimeoutMs(delay),
    finalReadsMs: flags.settle,
  };
}

/** The flags that repeat the workload in a rerun line (every setting spelled out). */
export function workloadFlags(flags: WorkloadFlags): string[] {
  if (flags.workload === undefined) return [];
  const s = workloadSettings(flags, { kind: 'constant', ms: 0 }) as WorkloadSettings;
  return [`--workload ${s.kind} --rate ${s.rate} --concurrency ${s.concurrency} --keys ${s.keys}`];
}
