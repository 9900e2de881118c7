/**
 * The seed decides: two runs with the same seed make the same decision (target and injected delay)
 * for every message they both sent, whatever the timing; another seed decides differently. With a
 * scenario (its network model, a per-link override, a partition in its timeline) the decision
 * journal, target, delay, loss and duplication per message, is identical too.
 */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { scenarioFile, useClusters } from './helpers/cluster.js';

const startCluster = useClusters();

async function decisions(seed: number): Promise<Map<string, { dest: string; delay_ms: number }>> {
  const run = startCluster(['--nodes', '4', '--duration', '2s', '--interval', '20:60', '--seed', String(seed)]);
  const { code } = await run.exit;
  expect(code, run.stderr()).toBe(0);
  return new Map(run.messages().map((m: MessageLine) => [m.id, { dest: m.dest, delay_ms: m.delay_ms }]));
}

describe('seeded decisions', () => {
  it('are identical per message for the same seed and differ for another seed', async () => {
    const a = await decisions(7);
    const b = await decisions(7);
    const c = await decisions(8);
    const common = [...a.keys()].filter((id) => b.has(id));
    // Runs end at slightly different points; most messages are in both.
    expect(common.length).toBeGreaterThan(0.8 * Math.min(a.size, b.size));
    expect(common.length).toBeGreaterThan(50);
    for (const id of common) expect(b.get(id), id).toEqual(a.get(id));

    const withOther = [...a.keys()].filter((id) => c.has(id));
    const same = withOther.filter((id) => JSON.stringify(a.get(id)) === JSON.stringify(c.get(id)));
    expect(same.length).toBeLessThan(withOther.length / 2);
  });
});

describe('seeded decisions with a scenario', () => {
  it('make identical decision journals for the same seed and scenario', async () => {
    const file = scenarioFile(`network: { delay: "exponential:15", loss: 0.1, duplicate: 0.1, reorder: 0.2 }
links: ["n0>n1 loss=ge:0.2:0.4:0:0.9 delay=pareto:5:2"]
timeline:
  - { at: 500ms, partition: { preset: halves, mode: hold } }
  - { at: 1000ms, heal: true }
`);
    const journal = async () => {
      const run = startCluster(['--nodes', '4', '--duration', '2s', '--interval', '10:30', '--seed', '9', '--scenario', file]);
      const { code } = await run.exit;
      expect(code, run.stderr()).toBe(0);
      // The decisions: target, drawn delay, lost by the model, duplicated. Messages still in flight
      // at stop may not have shown their duplicate yet, so only settled messages count.
      const report = run.report();
      const settledBefore = Date.parse(report.started_at) + report.elapsed_ms - 500;
      const settled = run.messages().filter((m) => m.status !== 'in_flight' && m.sent_at < settledBefore);
      return new Map(settled.map((m) => [m.id, { dest: m.dest, delay_ms: m.delay_ms, lost: m.drop_reason === 'loss', duplicated: m.duplicates > 0 }]));
    };
    const a = await journal();
    const b = await journal();
    const common = [...a.keys()].filter((id) => b.has(id));
    expect(common.length).toBeGreaterThan(0.8 * Math.min(a.size, b.size));
    expect(common.length).toBeGreaterThan(100);
    const differing = common.filter((id) => JSON.stringify(a.get(id)) !== JSON.stringify(b.get(id)));
    expect(differing.map((id) => [id, a.get(id), b.get(id)])).toEqual([]);
    // The model really decided something: losses and duplicates are in the journal.
    expect(common.filter((id) => a.get(id)?.lost).length).toBeGreaterThan(5);
    expect(common.filter((id) => a.get(id)?.duplicated).length).toBeGreaterThan(5);
  });
});
