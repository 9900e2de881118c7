/**
 * What the run's guards refuse, by where and why: the closed sets report.json's `security` section
 * counts by, and the texts the refusals are logged and answered with.
 */
import { z } from 'zod';
import { SecurityMode } from './run-secret.js';
import { enumOfKeys } from '../runtime/closed-sets.js';

/** Where a refusal happened: a node's register at the coordinator, a link hello at a node, a control API call. */
export const GUARDS = {
  register: 'a register at the coordinator',
  link: 'a link hello at a node (from a peer or a workload client)',
  api: 'a call to the control API',
} as const;
export const Guard = enumOfKeys(GUARDS);
export type Guard = z.infer<typeof Guard>;

/** Why: each with the text the refused side is told. */
export const REFUSALS = {
  no_proof: 'no proof of the run secret (is it running with --security on and the run secret?)',
  bad_proof: 'the proof does not match the run secret',
  replayed: 'the proof was used before (a replay)',
} as const;
export const RefusalReason = enumOfKeys(REFUSALS);
export type RefusalReason = z.infer<typeof RefusalReason>;

/** Refusals counted by reason. */
export const RefusalCounts = z.partialRecord(RefusalReason, z.number().int().nonnegative());
export type RefusalCounts = z.infer<typeof RefusalCounts>;

export const SecurityReport = z.object({
  /** `--security`: whether every way into the run asks for the run secret. */
  mode: SecurityMode,
  refused: z.object({
    total: z.number().int().nonnegative(),
    /** By guard, then by reason; a node's link refusals are summed over the nodes. */
    by_guard: z.partialRecord(Guard, RefusalCounts),
  }),
});
export type SecurityReport = z.infer<typeof SecurityReport>;

/** Counts refusals by reason, for one guard. */
export class RefusalCounter {
  private readonly counts = new Map<RefusalReason, number>();

  add(reason: RefusalReason): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  toJSON(): RefusalCounts {
    return Object.fromEntries(this.counts);
  }
}

/** The report's section from each guard's counts (a node's are summed into `link`). */
export function securityReport(mode: SecurityMode, byGuard: Partial<Record<Guard, RefusalCounts[]>>): SecurityReport {
  const merged: Partial<Record<Guard, RefusalCounts>> = {};
  let total = 0;
  for (const guard of Guard.options) {
    const sum: RefusalCounts = {};
    for (const counts of byGuard[guard] ?? []) {
      for (const reason of RefusalReason.options) {
        const n = counts[reason] ?? 0;
        if (n === 0) continue;
        sum[reason] = (sum[reason] ?? 0) + n;
        total += n;
      }
    }
    if (Object.keys(sum).length > 0) merged[guard] = sum;
  }
  return { mode, refused: { total, by_guard: merged } };
}
