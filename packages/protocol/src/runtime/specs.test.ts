import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { keyedRng } from '../network/prng.js';
import { DurationText, IntervalSpecText, OPEN_DURATION_MS, RunDurationText, SeedText, formatDuration, formatIntervalSpec, intText } from './specs.js';
import { DelaySpecText, formatDelaySpec, sampleDelay, type DelaySpec } from '../network/distributions.js';

/** The single error message of a failed parse (fails the test when the parse succeeded). */
function errorOf(schema: z.ZodType, text: string): string {
  const res = schema.safeParse(text);
  if (res.success) throw new Error(`expected "${text}" to be rejected, got ${JSON.stringify(res.data)}`);
  return res.error.issues.map((i) => i.message).join('; ');
}

describe('DelaySpecText', () => {
  it('parses constant:MS', () => {
    expect(DelaySpecText.parse('constant:100')).toEqual({ kind: 'constant', ms: 100 });
    expect(DelaySpecText.parse('constant:0')).toEqual({ kind: 'constant', ms: 0 });
    expect(DelaySpecText.parse('constant:2.5')).toEqual({ kind: 'constant', ms: 2.5 });
  });

  it('parses uniform:MIN:MAX, including MIN = MAX', () => {
    expect(DelaySpecText.parse('uniform:50:150')).toEqual({ kind: 'uniform', min: 50, max: 150 });
    expect(DelaySpecText.parse('uniform:7:7')).toEqual({ kind: 'uniform', min: 7, max: 7 });
    expect(DelaySpecText.parse('uniform:0.5:1.25')).toEqual({ kind: 'uniform', min: 0.5, max: 1.25 });
  });

  it.each([
    'constant',
    'constant:',
    'constant:abc',
    'constant:-5',
    'constant:1:2',
    'uniform:50',
    'uniform:50:',
    'uniform:a:b',
    'uniform:-1:5',
    'uniform:1:2:3',
    'normal:50',
    'pareto:0:2',
    '',
    '100',
    'Constant:100',
    'constant:1e3',
  ])('rejects %j naming the accepted forms', (text) => {
    const message = errorOf(DelaySpecText, text);
    expect(message).toContain(`delay "${text}"`);
    expect(message).toContain('constant:MS, uniform:MIN:MAX');
  });

  it('rejects MIN > MAX with its own message', () => {
    const message = errorOf(DelaySpecText, 'uniform:150:50');
    expect(message).toBe('delay "uniform:150:50": MIN must not exceed MAX');
  });
});

describe('IntervalSpecText', () => {
  it('parses MIN:MAX and a single MS', () => {
    expect(IntervalSpecText.parse('1000:3000')).toEqual({ min: 1000, max: 3000 });
    expect(IntervalSpecText.parse('250')).toEqual({ min: 250, max: 250 });
    expect(IntervalSpecText.parse('5:5')).toEqual({ min: 5, max: 5 });
    expect(IntervalSpecText.parse('0.5:1.5')).toEqual({ min: 0.5, max: 1.5 });
  });

  it.each(['0', '0:100', '3000:1000', '1:2:3', 'a:b', '', ':', '10:', '-1:5', '1000-3000'])('rejects %j', (text) => {
    expect(errorOf(IntervalSpecText, text)).toBe(
      `interval "${text}" is not MIN:MAX or MS with 0 < MIN <= MAX (milliseconds)`,
    );
  });
});

describe('DurationText', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['0.5m', 30_000],
    ['1ms', 1],
    ['2.4ms', 2],
    [' 10s ', 10_000],
  ])('parses %j as %i ms', (text, ms) => {
    expect(DurationText.parse(text)).toBe(ms);
  });

  it.each(['10', 's', '10 s', '10h', '-1s', '0s', '0ms', '1,5s', '.5s', 'ten seconds', '', '10S'])('rejects %j', (text) => {
    expect(errorOf(DurationText, text)).toBe(`duration "${text}" is not like 500ms, 10s or 2m`);
  });

  it('never yields a zero duration (a sub-millisecond value must not round down to 0)', () => {
    // The schema checks `value > 0` before rounding, so 0.4ms passes the check and becomes 0.
    for (const text of ['0.4ms', '0.0001s']) {
      const res = DurationText.safeParse(text);
      expect(res.success ? res.data : 1, text).toBeGreaterThan(0);
    }
  });
});

describe('RunDurationText (--duration)', () => {
  it('takes a duration, or open, which reads back as open', () => {
    expect(RunDurationText.parse('10s')).toBe(10_000);
    expect(RunDurationText.parse(' open ')).toBe(OPEN_DURATION_MS);
    expect(formatDuration(RunDurationText.parse('open'))).toBe('open');
    expect(errorOf(RunDurationText, 'forever')).toBe('duration "forever" is not like 500ms, 10s, 2m or open');
  });
});

describe('formatDuration', () => {
  it('uses the largest unit that divides the duration', () => {
    expect(formatDuration(120_000)).toBe('2m');
    expect(formatDuration(10_000)).toBe('10s');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(1_500)).toBe('1500ms');
    expect(formatDuration(1)).toBe('1ms');
  });

  it('reads back as the same number of milliseconds', () => {
    for (const ms of [1, 999, 1000, 1001, 59_999, 60_000, 61_000, 3_600_000, 86_400_123]) {
      expect(DurationText.parse(formatDuration(ms)), String(ms)).toBe(ms);
    }
    for (const text of ['500ms', '10s', '1.5s', '2m', '0.5m', '2.0005s']) {
      const ms = DurationText.parse(text);
      expect(DurationText.parse(formatDuration(ms))).toBe(ms);
    }
  });
});

describe('SeedText', () => {
  it('parses non-negative integers', () => {
    expect(SeedText.parse('0')).toBe(0);
    expect(SeedText.parse('42')).toBe(42);
    expect(SeedText.parse('4294967295')).toBe(4294967295);
    expect(SeedText.parse('999999999999999')).toBe(999999999999999);
  });

  it.each(['-1', '1.5', 'abc', '', '1e3', '0x10', '9999999999999999'])('rejects %j', (text) => {
    expect(errorOf(SeedText, text)).toBe('seed must be a non-negative integer');
  });
});

describe('intText', () => {
  const nodes = intText('nodes', 2, 10);

  it('accepts whole numbers within bounds, inclusive', () => {
    expect(nodes.parse('2')).toBe(2);
    expect(nodes.parse('10')).toBe(10);
    expect(nodes.parse('05')).toBe(5);
  });

  it.each(['x', '2.5', '-3', '', ' 5'])('rejects %j as not a whole number', (text) => {
    expect(errorOf(nodes, text)).toBe('nodes must be a whole number');
  });

  it.each(['0', '1', '11', '1000'])('rejects %j as out of range', (text) => {
    expect(errorOf(nodes, text)).toBe('nodes must be between 2 and 10');
  });
});

describe('sampleDelay', () => {
  it('returns the constant for a constant spec', () => {
    const rng = keyedRng(1, 'x');
    for (let i = 0; i < 10; i++) expect(sampleDelay({ kind: 'constant', ms: 80 }, rng)).toBe(80);
  });

  it('stays within [min, max) for a uniform spec and spreads over the range', () => {
    const spec: DelaySpec = { kind: 'uniform', min: 50, max: 150 };
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < 5000; i++) {
      const d = sampleDelay(spec, keyedRng(7, 'delay', 'n0', 'n1', i));
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThan(150);
      lo = Math.min(lo, d);
      hi = Math.max(hi, d);
    }
    // Not stuck at one end: 5000 uniform draws cover nearly the whole range.
    expect(lo).toBeLessThan(52);
    expect(hi).toBeGreaterThan(148);
  });

  it('returns MIN for uniform:MIN:MIN', () => {
    expect(sampleDelay({ kind: 'uniform', min: 30, max: 30 }, keyedRng(3, 'k'))).toBe(30);
  });

  it('is determined by the generator: same key, same delay', () => {
    const spec: DelaySpec = { kind: 'uniform', min: 0, max: 1000 };
    expect(sampleDelay(spec, keyedRng(9, 'a', 1))).toBe(sampleDelay(spec, keyedRng(9, 'a', 1)));
    expect(sampleDelay(spec, keyedRng(9, 'a', 1))).not.toBe(sampleDelay(spec, keyedRng(9, 'a', 2)));
  });
});

describe('formatDelaySpec / formatIntervalSpec', () => {
  it.each(['constant:0', 'constant:100', 'constant:2.5', 'uniform:50:150', 'uniform:0:0', 'uniform:0.25:7.5'])(
    'delay %j round-trips',
    (text) => {
      const spec = DelaySpecText.parse(text);
      expect(formatDelaySpec(spec)).toBe(text);
      expect(DelaySpecText.parse(formatDelaySpec(spec))).toEqual(spec);
    },
  );

  it('formats specs built in code so they parse back to the same spec', () => {
    const specs: DelaySpec[] = [
      { kind: 'constant', ms: 42 },
      { kind: 'uniform', min: 1.5, max: 99 },
    ];
    for (const spec of specs) expect(DelaySpecText.parse(formatDelaySpec(spec))).toEqual(spec);
  });

  it.each(['1000:3000', '250', '0.5:1.5'])('interval %j round-trips', (text) => {
    const spec = IntervalSpecText.parse(text);
    expect(formatIntervalSpec(spec)).toBe(text);
    expect(IntervalSpecText.parse(formatIntervalSpec(spec))).toEqual(spec);
  });

  it('formats an interval with MIN = MAX as a single number', () => {
    expect(formatIntervalSpec({ min: 500, max: 500 })).toBe('500');
    expect(IntervalSpecText.parse(formatIntervalSpec({ min: 500, max: 500 }))).toEqual({ min: 500, max: 500 });
    expect(formatIntervalSpec({ min: 500, max: 700 })).toBe('500:700');
  });
});
