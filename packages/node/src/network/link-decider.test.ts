/**
 * The network model's per-message decisions: independent loss at its rate, Gilbert-Elliott loss
 * against its closed forms (long-run loss rate and mean burst length), duplication and reordering
 * at their rates, and all of it repeatable from the seed.
 */
import { describe, expect, it } from 'vitest';
import { LossText, type LinkModel } from '@agentnet/protocol';
import { LinkDecider, type Decision } from './link-decider.js';

function model(over: Partial<LinkModel> = {}): LinkModel {
  return { delay: { kind: 'constant', ms: 10 }, loss: { kind: 'none' }, duplicate: 0, reorder: 0, bandwidth: null, queue: null, ...over };
}

function run(m: LinkModel, n: number, seed = 1): Decision[] {
  const d = new LinkDecider(seed, 'n0', 'n1', m);
  return Array.from({ length: n }, () => d.next());
}

/** Lengths of the runs of consecutive losses. */
function bursts(ds: Decision[]): number[] {
  const out: number[] = [];
  let run = 0;
  for (const d of ds) {
    if (d.lost) run++;
    else if (run > 0) {
      out.push(run);
      run = 0;
    }
  }
  return out;
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('LinkDecider', () => {
  it('loses independently at the given rate, with geometric (short) bursts', () => {
    const ds = run(model({ loss: LossText.parse('0.2') }), 50_000);
    const rate = ds.filter((d) => d.lost).length / ds.length;
    expect(rate).toBeGreaterThan(0.19);
    expect(rate).toBeLessThan(0.21);
    // Independent losses: mean burst length 1 / (1 - p) = 1.25.
    expect(mean(bursts(ds))).toBeCloseTo(1.25, 1);
  });

  it('Gilbert-Elliott (lossless good, lossy bad state): loss rate p/(p+r) and mean burst 1/r', () => {
    const [p, r] = [0.05, 0.25];
    const ds = run(model({ loss: LossText.parse(`ge:${p}:${r}:0:1`) }), 200_000);
    const rate = ds.filter((d) => d.lost).length / ds.length;
    expect(rate).toBeGreaterThan((p / (p + r)) * 0.95);
    expect(rate).toBeLessThan((p / (p + r)) * 1.05);
    expect(mean(bursts(ds))).toBeGreaterThan((1 / r) * 0.95);
    expect(mean(bursts(ds))).toBeLessThan((1 / r) * 1.05);
  });

  it('Gilbert-Elliott with loss in both states: rate = pi_good * loss_good + pi_bad * loss_bad', () => {
    const [p, r, lg, lb] = [0.1, 0.3, 0.02, 0.6];
    const ds = run(model({ loss: LossText.parse(`ge:${p}:${r}:${lg}:${lb}`) }), 200_000);
    const expected = (r / (p + r)) * lg + (p / (p + r)) * lb;
    const rate = ds.filter((d) => d.lost).length / ds.length;
    expect(Math.abs(rate - expected) / expected).toBeLessThan(0.05);
  });

  it('duplicates and reorders at their rates; a lost message is never duplicated', () => {
    const ds = run(model({ loss: LossText.parse('0.5'), duplicate: 0.3, reorder: 0.1 }), 50_000);
    const kept = ds.filter((d) => !d.lost);
    expect(ds.filter((d) => d.lost && d.duplicateDelayMs !== null)).toEqual([]);
    expect(kept.filter((d) => d.duplicateDelayMs !== null).length / kept.length).toBeCloseTo(0.3, 1);
    expect(ds.filter((d) => d.reorder).length / ds.length).toBeCloseTo(0.1, 1);
  });

  it('decides the same for the same seed and link, differently for another seed or link', () => {
    const m = model({ loss: LossText.parse('ge:0.1:0.3:0:1'), duplicate: 0.1, reorder: 0.1, delay: { kind: 'exponential', mean: 20 } });
    expect(run(m, 2000, 5)).toEqual(run(m, 2000, 5));
    expect(run(m, 2000, 5)).not.toEqual(run(m, 2000, 6));
    const other = new LinkDecider(5, 'n1', 'n0', m);
    expect(Array.from({ length: 2000 }, () => other.next())).not.toEqual(run(m, 2000, 5));
  });

  it('keeps the delay of message k independent of the loss model (same key as without loss)', () => {
    const plain = run(model({ delay: { kind: 'uniform', min: 0, max: 100 } }), 500);
    const lossy = run(model({ delay: { kind: 'uniform', min: 0, max: 100 }, loss: LossText.parse('0.5') }), 500);
    expect(lossy.map((d) => d.delayMs)).toEqual(plain.map((d) => d.delayMs));
  });
});
