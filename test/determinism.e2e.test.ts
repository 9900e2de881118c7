/**
 * The seed decides: two runs with the same seed make the same decision (target and injected delay)
 * for every message they both sent, whatever the timing; another seed decides differently.
 */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { useClusters } from './helpers/cluster.js';

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
