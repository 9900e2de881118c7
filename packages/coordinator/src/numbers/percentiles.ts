/**
 * Nearest-rank percentiles: one module so the run analysis and the per-fault-period analysis share
 * them without importing each other.
 */
import type { Percentiles } from '@agentnet/protocol';

const round = (x: number) => Math.round(x * 1000) / 1000;

/** Nearest-rank percentiles (the value below which q of the samples fall), plus max and mean. */
export function percentiles(samples: ArrayLike<number>): Percentiles {
  if (samples.length === 0) return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  // A typed copy sorts numerically in native code: several times faster than Array#sort with a
  // comparator on the millions of samples of a long run, and it leaves the input as it was.
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
  let sum = 0;
  for (const x of sorted) sum += x;
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted[sorted.length - 1] as number),
    mean: round(sum / sorted.length),
  };
}

/**
 * `p50 10 ms, max 400 ms` for the fields asked, or `no samples`: a dash with a unit (`p50 - ms`)
 * reads as a number that went missing.
 */
export function msText(p: Percentiles, fields: ReadonlyArray<'p50' | 'p95' | 'p99' | 'max'>): string {
  if (p.count === 0) return 'no samples';
  return fields.map((f) => `${f} ${p[f]} ms`).join(', ');
}
