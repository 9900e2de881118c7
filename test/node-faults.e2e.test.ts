/**
 * Node faults from a scenario file, end to end with real processes: pause and resume (messages to
 * a frozen node arrive after it resumes), crash (reported lost, messages to it accounted), and a
 * graceful stop of one node while the run goes on.
 */
import { describe, expect, it } from 'vitest';
import { CLOCK_MS, completedRun, faultMoment, scenarioFile, useClusters } from './helpers/cluster.js';
import { isAlive, readLogLines, waitUntil } from './helpers/processes.js';

const startCluster = useClusters();

describe('node faults', () => {
  it('pause/resume, crash and stop act on the right processes and every message is accounted', async () => {
    const file = scenarioFile(`timeline:
  - { at: 300ms, pause: n1 }
  - { at: 1300ms, resume: n1 }
  - { at: 1600ms, crash: n2 }
  - { at: 2000ms, stop: n3 }
`);
    const run = startCluster(['--nodes', '4', '--duration', '3s', '--interval', '20:40', '--seed', '41', '--scenario', file]);
    const { report, messages } = await completedRun(run);
    expect(report.faults.map((f) => f.kind)).toEqual(['pause', 'resume', 'crash', 'stop']);

    const faultAt = (kind: string) => readLogLines(run.coordinatorLog).find((l) => l.msg === 'fault' && l.kind === kind)?.time as number;
    // A node fault's record holds the moment its signal was sent, its log line a moment after: n1
    // was frozen from before the pause's log line until after the resume's record.
    const resumedAt = faultMoment(report, 'resume');
    // While n1 was frozen, what was sent to it waited; it arrived only after the resume.
    const toFrozen = messages.filter((m) => m.dest === 'n1' && m.sent_at > faultAt('pause') + CLOCK_MS && m.sent_at < resumedAt - CLOCK_MS);
    expect(toFrozen.length).toBeGreaterThan(10);
    const early = toFrozen.filter((m) => m.status !== 'delivered' || (m.received_at ?? 0) < resumedAt - CLOCK_MS);
    expect(early, `resumed at ${resumedAt}`).toEqual([]);

    const byId = new Map(report.per_node.map((n) => [n.id, n]));
    expect(byId.get('n2')?.status).toBe('lost');
    expect(byId.get('n2')?.lost?.reason).toBe('crashed by a fault (SIGKILL)');
    // What others sent n2 after its crash was dropped, never silently lost.
    const afterCrash = messages.filter((m) => m.dest === 'n2' && m.sent_at > faultAt('crash') + 50);
    expect(afterCrash.length).toBeGreaterThan(5);
    expect(afterCrash.every((m) => m.status === 'dropped')).toBe(true);
    // n3 stopped gracefully: not lost, with its own final counters.
    expect(byId.get('n3')?.status).toBe('ok');
    expect(byId.get('n3')?.reported).not.toBeNull();
    await waitUntil(() => report.per_node.every((n) => !isAlive(n.pid)), 5_000, 'every node process to be gone');
  });
});
