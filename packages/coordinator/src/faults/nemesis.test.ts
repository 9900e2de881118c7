import { describe, expect, it } from 'vitest';
import { NemesisText, nemesisSteps } from './nemesis.js';
import { nodeIds } from '../topology/topology.js';

const IDS = nodeIds(5);

describe('nemesis', () => {
  it('strikes once per interval and ends each fault half an interval later, before the run ends', () => {
    // A fault at 4000 would end at 4500, with the run: it is not drawn.
    const steps = nemesisSteps(['partition', 'pause'], 1000, 4500, IDS, 7);
    expect(steps.map((s) => s.at)).toEqual([1000, 1500, 2000, 2500, 3000, 3500]);
    expect(nemesisSteps(['partition'], 1000, 4501, IDS, 7).at(-1)?.at).toBe(4500);
    for (let i = 0; i < steps.length; i += 2) {
      const [start, end] = [steps[i], steps[i + 1]];
      if (start?.partition) expect(end?.heal).toBe(start.partition.name);
      else expect(end?.resume).toBe(start?.pause);
    }
  });

  it('draws kinds and nodes from the seed: the same seed, the same faults; another, others', () => {
    const a = nemesisSteps(['partition', 'pause'], 500, 20_000, IDS, 1);
    expect(nemesisSteps(['partition', 'pause'], 500, 20_000, IDS, 1)).toEqual(a);
    expect(nemesisSteps(['partition', 'pause'], 500, 20_000, IDS, 2)).not.toEqual(a);
    // Both kinds occur, and isolate names a node of the run.
    expect(a.some((s) => s.partition)).toBe(true);
    expect(a.some((s) => s.pause)).toBe(true);
    for (const s of a) if (s.partition?.preset === 'isolate') expect(IDS).toContain(s.partition.node);
  });

  it('pairs each crash of the leader with a restart of the node it took, half an interval later', () => {
    expect(nemesisSteps(['crash-leader'], 1000, 3000, IDS, 7)).toEqual([
      { at: 1000, crash: 'leader' },
      { at: 1500, restart: 'leader' },
      { at: 2000, crash: 'leader' },
      { at: 2500, restart: 'leader' },
    ]);
  });

  it('accepts the available kinds and refuses the others clearly', () => {
    expect(NemesisText.parse('partition,pause,crash,loss')).toEqual(['partition', 'pause', 'crash', 'loss']);
    expect(NemesisText.safeParse('flood').error?.issues[0]?.message).toBe('nemesis "flood" is not one of partition, pause, crash, crash-leader, loss');
  });
});
