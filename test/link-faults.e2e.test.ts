/**
 * The network model from a scenario file and faults that change links while the run goes on, end
 * to end with real processes: the file's default model and per-link override apply; a link fault
 * loses one direction of one link for its period only; a node paused in drop mode has what is sent
 * to it dropped as `paused`; a link's queue limit drops what a hold partition cannot keep as
 * `overflow`, and the rest is delivered on heal.
 */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { CLOCK_MS, completedRun, faultMoment, scenarioFile, useClusters } from './helpers/cluster.js';
import { readLogLines } from './helpers/processes.js';

const startCluster = useClusters();

/** Epoch ms of each fault as the coordinator logged it, by kind and occurrence. */
function faultTimes(coordinatorLog: string): (kind: string, nth?: number) => number {
  const faults = readLogLines(coordinatorLog).filter((l) => l.msg === 'fault');
  return (kind, nth = 0) => faults.filter((l) => l.kind === kind)[nth]?.time as number;
}

const within = (m: MessageLine, from: number, to: number) => m.sent_at > from + 50 && m.sent_at < to - 50;

describe('link faults', () => {
  it('applies the scenario network model, a one-way link fault for its period, and pause in drop mode', async () => {
    const file = scenarioFile(`network: { delay: "constant:10" }
links: ["n0>n1 delay=constant:40"]
timeline:
  - { at: 500ms, link: { name: cut01, from: [n0], to: [n1], loss: 1 } }
  - { at: 1500ms, heal: cut01 }
  - { at: 1800ms, pause: { node: n2, mode: drop } }
  - { at: 2500ms, resume: n2 }
`);
    const run = startCluster(['--nodes', '3', '--duration', '3500ms', '--interval', '10:20', '--seed', '44', '--scenario', file]);
    const { report, messages } = await completedRun(run);
    expect(report.config.network).toMatch(/^delay=constant:10 /);
    expect(report.config.links).toEqual(['n0>n1 delay=constant:40']);
    expect(report.rerun).not.toContain('--delay');
    const at = faultTimes(run.coordinatorLog);

    // The file's model: 10 ms everywhere but n0 -> n1 (40 ms).
    const delayOf = (src: string, dest: string) => new Set(messages.filter((m) => m.src === src && m.dest === dest).map((m) => m.delay_ms));
    expect([...delayOf('n0', 'n1')]).toEqual([40]);
    expect([...delayOf('n1', 'n0')]).toEqual([10]);

    // The link fault lost n0 -> n1 during its period only; n1 -> n0 stayed open.
    const inFault = messages.filter((m) => within(m, at('link'), at('heal')));
    const cutOnes = inFault.filter((m) => m.src === 'n0' && m.dest === 'n1');
    expect(cutOnes.length).toBeGreaterThan(10);
    expect(cutOnes.every((m) => m.drop_reason === 'loss')).toBe(true);
    expect(inFault.filter((m) => m.src === 'n1' && m.dest === 'n0').every((m) => m.status === 'delivered')).toBe(true);
    // n2's pause (from 1800 ms) does not touch n0 -> n1: the whole second after the heal is counted,
    // so a CPU-starved node still sends a handful in it.
    const afterHeal = messages.filter((m) => m.src === 'n0' && m.dest === 'n1' && within(m, at('heal'), at('resume')));
    expect(afterHeal.length).toBeGreaterThan(5);
    expect(afterHeal.every((m) => m.status === 'delivered' && m.delay_ms === 40)).toBe(true);

    // Paused in drop mode: the senders dropped what they sent to n2 while it was frozen.
    const toPaused = messages.filter((m) => m.dest === 'n2' && within(m, at('pause'), at('resume')));
    expect(toPaused.length).toBeGreaterThan(10);
    expect(toPaused.every((m) => m.drop_reason === 'paused')).toBe(true);
    expect(report.totals.dropped_by_reason.paused).toBe(messages.filter((m) => m.drop_reason === 'paused').length);
    const afterResume = messages.filter((m) => m.dest === 'n2' && m.sent_at > at('resume') + 100 && m.sent_at < at('resume') + 600);
    expect(afterResume.length).toBeGreaterThan(5);
    expect(afterResume.every((m) => m.status === 'delivered')).toBe(true);

    // The report's fault periods see it too.
    const period = report.fault_periods.find((p) => p.name === 'pause n2');
    expect(period?.dropped_by_reason.paused).toBeGreaterThan(0);
  });

  it('drops what a held link cannot queue as overflow and delivers the rest on heal', async () => {
    const file = scenarioFile(`timeline:
  - { at: 300ms, partition: { name: hold, groups: [[n0], [n1, n2]], mode: hold } }
  - { at: 1300ms, heal: hold }
`);
    const run = startCluster(['--nodes', '3', '--duration', '2500ms', '--interval', '5:10', '--delay', 'constant:5', '--queue', '3k', '--seed', '45', '--scenario', file]);
    const { report, messages } = await completedRun(run);
    const at = faultTimes(run.coordinatorLog);

    const overflow = messages.filter((m) => m.drop_reason === 'overflow');
    expect(overflow.length).toBeGreaterThan(10);
    // Only links the partition held overflowed, and only while it held them (or right after the
    // heal, while the released messages still fill the queue).
    const crosses = (m: MessageLine) => (m.src === 'n0') !== (m.dest === 'n0');
    const late = overflow.filter((m) => !crosses(m) || m.sent_at < at('partition') || m.sent_at > at('heal') + 100);
    expect(late.map((m) => ({ ...m, after_heal_ms: m.sent_at - at('heal') }))).toEqual([]);
    // What fitted in the queue was kept and delivered after the heal.
    const held = messages.filter((m) => crosses(m) && within(m, at('partition'), at('heal')) && m.status === 'delivered');
    expect(held.length).toBeGreaterThan(5);
    // None before the heal: the moment the coordinator told the nodes, before it logged it.
    expect(held.filter((m) => (m.received_at ?? 0) < faultMoment(report, 'heal') - CLOCK_MS)).toEqual([]);
    // Links the partition never held dropped nothing while the run was on; a send a node makes
    // after the coordinator stopped the run, before the stop reaches it, is dropped as link_down.
    const stoppedAt = readLogLines(run.coordinatorLog).find((l) => l.msg === 'stop')?.time as number;
    expect(messages.filter((m) => !crosses(m) && m.drop_reason !== null && m.sent_at < stoppedAt)).toEqual([]);
    expect(messages.filter((m) => !crosses(m) && m.drop_reason !== null && m.drop_reason !== 'link_down')).toEqual([]);
  });
});
