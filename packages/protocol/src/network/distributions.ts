/**
 * Delay distributions for the network model, in milliseconds: their zod schema, their text form
 * (`--delay`, scenario files), sampling from a keyed generator, and their CDF (for the tests that
 * check each sampler against its distribution).
 */
import { z } from 'zod';
import type { Rng } from './prng.js';

const ms = z.number().nonnegative();
const positive = z.number().positive();

export const DelaySpec = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant'), ms }),
  z.object({ kind: z.literal('uniform'), min: ms, max: ms }),
  /** Normal, truncated at 0 (negative draws are drawn again). */
  z.object({ kind: z.literal('normal'), mean: ms, sd: ms }),
  z.object({ kind: z.literal('exponential'), mean: positive }),
  /** Pareto type I: P(X > x) = (scale / x)^shape for x >= scale; heavy-tailed for small shape. */
  z.object({ kind: z.literal('pareto'), scale: positive, shape: positive }),
  /** exp(N(mu, sigma)): mu and sigma of the logarithm of the delay in ms. */
  z.object({ kind: z.literal('lognormal'), mu: z.number(), sigma: ms }),
]);
export type DelaySpec = z.infer<typeof DelaySpec>;

/** The text forms, by kind: the parameter names in order. */
const FORMS: Record<DelaySpec['kind'], string[]> = {
  constant: ['ms'],
  uniform: ['min', 'max'],
  normal: ['mean', 'sd'],
  exponential: ['mean'],
  pareto: ['scale', 'shape'],
  lognormal: ['mu', 'sigma'],
};

export const DELAY_FORMS = Object.entries(FORMS).map(([kind, params]) => [kind, ...params.map((p) => p.toUpperCase())].join(':'));

/** Parses `constant:MS`, `uniform:MIN:MAX`, `normal:MEAN:SD`, `exponential:MEAN`, `pareto:SCALE:SHAPE`, `lognormal:MU:SIGMA`. */
export const DelaySpecText = z.string().transform((text, ctx): DelaySpec => {
  const [kind, ...args] = text.split(':');
  const params = Object.hasOwn(FORMS, kind ?? '') ? FORMS[kind as DelaySpec['kind']] : undefined;
  const values = args.map((a) => (/^-?\d+(\.\d+)?$/.test(a) ? Number(a) : NaN));
  if (params && args.length === params.length && values.every(Number.isFinite)) {
    const parsed = DelaySpec.safeParse(Object.fromEntries([['kind', kind], ...params.map((p, i) => [p, values[i]])]));
    if (parsed.success) {
      if (parsed.data.kind !== 'uniform' || parsed.data.min <= parsed.data.max) return parsed.data;
      ctx.addIssue({ code: 'custom', message: `delay "${text}": MIN must not exceed MAX` });
      return z.NEVER;
    }
    const problem = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    ctx.addIssue({ code: 'custom', message: `delay "${text}": ${problem} (forms: ${DELAY_FORMS.join(', ')})` });
    return z.NEVER;
  }
  ctx.addIssue({ code: 'custom', message: `delay "${text}" is not one of ${DELAY_FORMS.join(', ')} (milliseconds)` });
  return z.NEVER;
});

export function formatDelaySpec(spec: DelaySpec): string {
  const values = FORMS[spec.kind].map((p) => (spec as unknown as Record<string, number>)[p]);
  return [spec.kind, ...values].join(':');
}

/** A standard normal draw (Box-Muller; the second value is not kept, so a draw uses two uniforms). */
function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Draws one delay in milliseconds. */
export function sampleDelay(spec: DelaySpec, rng: Rng): number {
  switch (spec.kind) {
    case 'constant':
      return spec.ms;
    case 'uniform':
      return rng.uniform(spec.min, spec.max);
    case 'normal':
      for (let i = 0; i < 1000; i++) {
        const x = spec.mean + spec.sd * gaussian(rng);
        if (x >= 0) return x;
      }
      return 0;
    case 'exponential':
      return -spec.mean * Math.log(1 - rng.next());
    case 'pareto':
      return spec.scale / Math.pow(1 - rng.next(), 1 / spec.shape);
    case 'lognormal':
      return Math.exp(spec.mu + spec.sigma * gaussian(rng));
  }
}

/** The standard normal CDF (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** P(delay <= x), for checking samplers. */
export function delayCdf(spec: DelaySpec, x: number): number {
  switch (spec.kind) {
    case 'constant':
      return x >= spec.ms ? 1 : 0;
    case 'uniform':
      return x < spec.min ? 0 : x >= spec.max ? 1 : (x - spec.min) / (spec.max - spec.min);
    case 'normal': {
      if (x < 0) return 0;
      const below0 = spec.sd === 0 ? 0 : phi(-spec.mean / spec.sd);
      return spec.sd === 0 ? (x >= spec.mean ? 1 : 0) : (phi((x - spec.mean) / spec.sd) - below0) / (1 - below0);
    }
    case 'exponential':
      return x <= 0 ? 0 : 1 - Math.exp(-x / spec.mean);
    case 'pareto':
      return x < spec.scale ? 0 : 1 - Math.pow(spec.scale / x, spec.shape);
    case 'lognormal':
      return x <= 0 ? 0 : spec.sigma === 0 ? (Math.log(x) >= spec.mu ? 1 : 0) : phi((Math.log(x) - spec.mu) / spec.sigma);
  }
}

/** The delay below which a fraction `q` (0 < q < 1) of draws fall, found on the CDF by bisection. */
export function delayQuantile(spec: DelaySpec, q: number): number {
  let lo = 0;
  let hi = 1;
  while (delayCdf(spec, hi) < q) hi *= 2;
  for (let i = 0; i < 60 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (delayCdf(spec, mid) < q) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * `MIN:MAX` in ms with 1 <= MIN < MAX (Raft's `--param election_ms`), or null: one reading for the
 * node that uses the range and the coordinator that sizes the settle to it.
 */
export function parseMsRange(text: string): { min: number; max: number } | null {
  const m = /^(\d+):(\d+)$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) <= Number(m[1])) return null;
  return { min: Number(m[1]), max: Number(m[2]) };
}
