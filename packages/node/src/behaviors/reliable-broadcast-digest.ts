/**
 * The values a reliable-broadcast node holds, and the digest its anti-entropy exchanges. A value is
 * `${origin}:${k}` with `k` counting up from 1 at its origin, so what a node holds of one origin is
 * the run 1..floor plus a few values above it (those that overtook a lost or partitioned one). The
 * digest says per origin the highest counter held and the ranges missing below it: its size grows
 * with the number of origins and gaps, not of values. From a peer's digest a node computes exactly
 * the values the peer lacks, so a repair sends nothing the peer already has.
 */
import { z } from 'zod';

const Counter = z.number().int().min(1);

/** `${origin}:${k}`: the origin has no colon, `k` counts from 1. */
export const Value = z.string().regex(/^[^:\s]{1,80}:[1-9]\d{0,14}$/, 'a value is ORIGIN:K with K from 1');

/**
 * Per origin: `top`, the highest counter held, and `gaps`, the inclusive ranges of counters below
 * it not held, ascending and disjoint (checked, so computing what a peer lacks costs at most one
 * look per counter this node holds).
 */
export const Digest = z.record(
  z.string().min(1).max(80),
  z
    .object({ top: Counter, gaps: z.array(z.tuple([Counter, Counter])) })
    .refine(({ top, gaps }) => gaps.every(([a, b], i) => a <= b && b < top && (i === 0 || a > (gaps[i - 1] as [number, number])[1])), {
      message: 'gaps must be ascending, disjoint ranges below top',
    }),
);
export type Digest = z.infer<typeof Digest>;

/** A value that is not `ORIGIN:K`; only this node's own code could hand one over unchecked. */
export class MalformedValueError extends Error {
  constructor(value: string) {
    super(`"${value}" is not a broadcast value ORIGIN:K`);
    this.name = 'MalformedValueError';
  }
}

export function parseValue(value: string): { origin: string; k: number } {
  if (!Value.safeParse(value).success) throw new MalformedValueError(value);
  const at = value.lastIndexOf(':');
  return { origin: value.slice(0, at), k: Number(value.slice(at + 1)) };
}

/** What is held of one origin: 1..floor, and the counters above floor + 1. */
interface OriginRun {
  floor: number;
  above: Set<number>;
  top: number;
}

const holds = (run: OriginRun, k: number) => k <= run.floor || run.above.has(k);

export class HeldValues {
  private readonly origins = new Map<string, OriginRun>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  has(value: string): boolean {
    const { origin, k } = parseValue(value);
    const run = this.origins.get(origin);
    return run !== undefined && holds(run, k);
  }

  /** Adds a value; false when it was already held (the duplicate suppression of gossip). */
  add(value: string): boolean {
    const { origin, k } = parseValue(value);
    let run = this.origins.get(origin);
    if (!run) this.origins.set(origin, (run = { floor: 0, above: new Set(), top: 0 }));
    if (holds(run, k)) return false;
    if (k === run.floor + 1) {
      run.floor = k;
      while (run.above.delete(run.floor + 1)) run.floor++;
    } else {
      run.above.add(k);
    }
    run.top = Math.max(run.top, k);
    this.count++;
    return true;
  }

  digest(): Digest {
    const digest: Digest = {};
    for (const [origin, run] of this.origins) {
      const gaps: Array<[number, number]> = [];
      let prev = run.floor;
      for (const k of [...run.above].sort((a, b) => a - b)) {
        if (k > prev + 1) gaps.push([prev + 1, k - 1]);
        prev = k;
      }
      digest[origin] = { top: run.top, gaps };
    }
    return digest;
  }

  /** The values held here that the holder of `peer` lacks, by origin and counter. */
  missingFrom(peer: Digest): string[] {
    const out: string[] = [];
    for (const origin of [...this.origins.keys()].sort()) {
      const run = this.origins.get(origin) as OriginRun;
      const theirs = peer[origin] ?? { top: 0, gaps: [] };
      const lacking = (k: number) => holds(run, k) && out.push(`${origin}:${k}`);
      for (const [a, b] of theirs.gaps) for (let k = a; k <= Math.min(b, run.top); k++) lacking(k);
      for (let k = theirs.top + 1; k <= run.top; k++) lacking(k);
    }
    return out;
  }
}
