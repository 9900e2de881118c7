/**
 * The random nemesis (`--nemesis partition,crash,loss --nemesis-interval 5s`): a fault timeline
 * drawn from the run seed. Every interval it starts one fault, of a kind and on nodes drawn from a
 * generator keyed by (seed, 'nemesis', k), and ends it half an interval later (heal, resume,
 * restart), so the same seed gives the same faults at the same times. `crash-leader` is the one
 * exception: it strikes whichever node leads at that moment (scenario.ts, LEADER_TARGET).
 */
import { z } from 'zod';
import { keyedRng } from '@agentnet/protocol';
import { LEADER_TARGET, type Step } from './scenario.js';

export const NEMESIS_KINDS = ['partition', 'pause', 'crash', 'crash-leader', 'loss'] as const;
/** Loss probabilities the loss nemesis draws from for all links of one node. */
const LOSS_LEVELS = [0.1, 0.3, 0.5, 0.9] as const;

export const NemesisText = z.string().transform((text, ctx): Array<(typeof NEMESIS_KINDS)[number]> => {
  const kinds = text.split(',').map((k) => k.trim());
  for (const k of kinds) {
    if (!(NEMESIS_KINDS as readonly string[]).includes(k)) {
      ctx.addIssue({ code: 'custom', message: `nemesis "${k}" is not one of ${NEMESIS_KINDS.join(', ')}` });
      return z.NEVER;
    }
  }
  return kinds as Array<(typeof NEMESIS_KINDS)[number]>;
});

const PRESETS = ['halves', 'majority', 'isolate', 'bridge', 'ring'] as const;

/** The nemesis's steps for a run of `durationMs` over `ids`, every `intervalMs` from the first, each ended before the run ends. */
export function nemesisSteps(kinds: readonly (typeof NEMESIS_KINDS)[number][], intervalMs: number, durationMs: number, ids: readonly string[], seed: number): Step[] {
  const steps: Step[] = [];
  // A fault is drawn only when its end still falls inside the run: a crash with no restart, or a
  // partition nobody heals, would outlast the run's own measurements.
  for (let k = 0, at = intervalMs; at + Math.floor(intervalMs / 2) < durationMs && kinds.length > 0; k++, at += intervalMs) {
    const rng = keyedRng(seed, 'nemesis', k);
    const kind = kinds[rng.int(kinds.length)];
    const node = ids[rng.int(ids.length)] as string;
    const end = at + Math.floor(intervalMs / 2);
    const name = `nemesis-${k + 1}`;
    if (kind === 'crash') {
      steps.push({ at, crash: node }, { at: end, restart: node });
    } else if (kind === 'crash-leader') {
      // Whom it strikes is known only when it strikes: the node that leads then.
      steps.push({ at, crash: LEADER_TARGET }, { at: end, restart: LEADER_TARGET });
    } else if (kind === 'loss') {
      const loss = LOSS_LEVELS[rng.int(LOSS_LEVELS.length)] as number;
      const others = ids.filter((id) => id !== node);
      steps.push({ at, link: { name, from: [node], to: others, both: true, loss: { kind: 'bernoulli', p: loss } } }, { at: end, heal: name });
    } else if (kind === 'partition') {
      const preset = PRESETS[rng.int(PRESETS.length)] as (typeof PRESETS)[number];
      steps.push({ at, partition: { name, mode: 'drop', preset, ...(preset === 'isolate' ? { node } : {}) } });
      steps.push({ at: end, heal: name });
    } else {
      steps.push({ at, pause: node });
      steps.push({ at: end, resume: node });
    }
  }
  return steps;
}
