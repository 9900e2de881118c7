/**
 * Each delay sampler against its distribution: 10,000 seeded draws, their mean and variance
 * against the closed forms, and the Kolmogorov-Smirnov statistic against the CDF (the 1% critical
 * value for n = 10,000 is 1.63 / sqrt(n) = 0.0163).
 */
import { describe, expect, it } from 'vitest';
import { keyedRng } from './prng.js';
import { DelaySpecText, delayCdf, delayQuantile, formatDelaySpec, parseMsRange, sampleDelay, type DelaySpec } from './distributions.js';

const N = 10_000;
const KS_CRITICAL = 1.63 / Math.sqrt(N);

function draws(spec: DelaySpec, seed = 7): number[] {
  return Array.from({ length: N }, (_, i) => sampleDelay(spec, keyedRng(seed, 'test', i)));
}

function moments(xs: number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

function ks(spec: DelaySpec, xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  let d = 0;
  sorted.forEach((x, i) => {
    const f = delayCdf(spec, x);
    d = Math.max(d, Math.abs((i + 1) / N - f), Math.abs(f - i / N));
  });
  return d;
}

const CASES: Array<{ text: string; mean: number; variance: number; tolerance: number }> = [
  { text: 'uniform:10:30', mean: 20, variance: 400 / 12, tolerance: 0.03 },
  { text: 'normal:50:10', mean: 50, variance: 100, tolerance: 0.04 },
  { text: 'exponential:20', mean: 20, variance: 400, tolerance: 0.06 },
  // Pareto type I: mean = a s / (a - 1), variance = s^2 a / ((a - 1)^2 (a - 2)).
  { text: 'pareto:10:5', mean: 12.5, variance: (100 * 5) / (16 * 3), tolerance: 0.12 },
  // Lognormal: mean = e^(mu + s^2/2), variance = (e^(s^2) - 1) e^(2 mu + s^2).
  { text: 'lognormal:3:0.5', mean: Math.exp(3.125), variance: (Math.exp(0.25) - 1) * Math.exp(6.25), tolerance: 0.08 },
];

describe('delay samplers', () => {
  it.each(CASES)('$text matches its mean, variance and CDF', ({ text, mean, variance, tolerance }) => {
    const spec = DelaySpecText.parse(text);
    const xs = draws(spec);
    const m = moments(xs);
    expect(Math.abs(m.mean - mean) / mean).toBeLessThan(tolerance / 3);
    expect(Math.abs(m.variance - variance) / variance).toBeLessThan(tolerance);
    expect(ks(spec, xs)).toBeLessThan(KS_CRITICAL);
    expect(xs.every((x) => x >= 0)).toBe(true);
  });

  it('the KS check rejects a sampler for another distribution', () => {
    // Exponential draws judged against a uniform of the same mean must fail the same test.
    const xs = draws(DelaySpecText.parse('exponential:20'));
    expect(ks(DelaySpecText.parse('uniform:0:40'), xs)).toBeGreaterThan(KS_CRITICAL * 5);
  });

  it('truncates the normal at zero by drawing again, never by clamping', () => {
    const spec = DelaySpecText.parse('normal:5:10');
    const xs = draws(spec);
    expect(xs.every((x) => x >= 0)).toBe(true);
    // Clamping would put ~31% of the mass exactly at 0.
    expect(xs.filter((x) => x === 0).length).toBe(0);
    expect(ks(spec, xs)).toBeLessThan(KS_CRITICAL);
  });

  it('pareto is heavy-tailed: a far larger max than an exponential of the same mean', () => {
    const pareto = draws(DelaySpecText.parse('pareto:10:1.5'));
    const exponential = draws(DelaySpecText.parse('exponential:30'));
    expect(Math.max(...pareto)).toBeGreaterThan(3 * Math.max(...exponential));
  });

  it('is a function of the key: same seed and key, same draw; another seed, another draw', () => {
    for (const { text } of CASES) {
      const spec = DelaySpecText.parse(text);
      expect(draws(spec, 1)).toEqual(draws(spec, 1));
      expect(draws(spec, 1)).not.toEqual(draws(spec, 2));
    }
  });

  it.each(['constant:5', 'uniform:1:2.5', 'normal:50:10', 'exponential:20', 'pareto:10:1.5', 'lognormal:-1.5:0.25'])(
    '%s formats back to its text',
    (text) => expect(formatDelaySpec(DelaySpecText.parse(text))).toBe(text),
  );
});

describe('delayQuantile', () => {
  it('inverts the CDF of every distribution, and matches the closed forms', () => {
    expect(delayQuantile(DelaySpecText.parse('uniform:50:150'), 0.99)).toBeCloseTo(149, 3);
    expect(delayQuantile(DelaySpecText.parse('exponential:20'), 0.99)).toBeCloseTo(-20 * Math.log(0.01), 3);
    expect(delayQuantile(DelaySpecText.parse('constant:40'), 0.5)).toBeCloseTo(40, 3);
    for (const text of ['normal:50:10', 'pareto:10:2.5', 'lognormal:3:0.5']) {
      const spec = DelaySpecText.parse(text);
      for (const q of [0.1, 0.5, 0.99]) expect(delayCdf(spec, delayQuantile(spec, q)), `${text} q=${q}`).toBeCloseTo(q, 5);
    }
  });
});

describe('parseMsRange', () => {
  it('reads MIN:MAX with 1 <= MIN < MAX, and nothing else', () => {
    expect(parseMsRange('1500:3000')).toEqual({ min: 1500, max: 3000 });
    for (const bad of ['3', '0:10', '300:300', '300:150', '1.5:3', '', 'a:b']) expect(parseMsRange(bad), bad).toBeNull();
  });
});
