/**
 * What the clients do, decided by the run seed alone: client `c<i>`'s k-th operation (its wait,
 * kind, key and node) comes from `keyedRng(seed, 'workload', 'c<i>', k)`, and a final read's node
 * from `keyedRng(seed, 'final-read', key, attempt)`, so the same seed makes the same decisions
 * whatever the timing. The values written are unique in the run (the k-th operation of c<i> of C
 * clients writes k * C + i), so a read names the one write it saw.
 */
import { keyedRng, type OpF } from '@agentnet/protocol';
import type { WorkloadSettings } from './settings.js';

/** Maelstrom's lin-kv mix: reads, writes and compare-and-sets, equally often. */
export const OPS: readonly OpF[] = ['read', 'write', 'cas'];

export interface PlannedOp {
  /** ms after the client's previous invoke (or its start) that this one is due. */
  waitMs: number;
  f: OpF;
  key: number;
  node: string;
  /** What a write writes, or what a cas sets (unused by a read). */
  value: number;
}

/** The k-th operation (from 0) of the client with `index` (from 1). */
export function plannedOp(seed: number, settings: Pick<WorkloadSettings, 'rate' | 'concurrency' | 'keys'>, nodeIds: readonly string[], index: number, k: number): PlannedOp {
  const rng = keyedRng(seed, 'workload', `c${index}`, k);
  // Each client issues rate / concurrency operations per second on average: all of them, the rate.
  const waitMs = rng.uniform(0, (2000 * settings.concurrency) / settings.rate);
  const f = OPS[rng.int(OPS.length)] as OpF;
  const key = rng.int(settings.keys);
  const node = nodeIds[rng.int(nodeIds.length)] as string;
  return { waitMs, f, key, node, value: k * settings.concurrency + index };
}

/** Which node the `attempt`-th try (from 0) of the final read of `key` goes to. */
export function finalReadNode(seed: number, nodeIds: readonly string[], key: number, attempt: number): string {
  return nodeIds[keyedRng(seed, 'final-read', key, attempt).int(nodeIds.length)] as string;
}

/** Which client reads `key` at the end: the keys are dealt out in turn. */
export function finalReader(key: number, concurrency: number): number {
  return (key % concurrency) + 1;
}
