/**
 * Every run writes shiviz.log (ShiViz) and trace.json (Perfetto, chrome://tracing) beside its
 * report. Both are parsed here as those tools would, and checked against messages.jsonl: a ShiViz
 * event per send and per receipt, each node's own clock entry counting 1, 2, 3, ..., every receipt's
 * clock after its send's; a trace track per node, a flow arrow from every delivered message's send
 * to its receipt, every drop, and the run's fault periods.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completedRun, scenarioFile, useClusters } from './helpers/cluster.js';

const startCluster = useClusters();

type Clock = Record<string, number>;
const dominates = (a: Clock, b: Clock): boolean => Object.entries(b).every(([h, n]) => (a[h] ?? 0) >= n);

describe('exports', () => {
  it('writes the run as ShiViz and Chrome Trace Event files whose clocks and flows match messages.jsonl', async () => {
    const scenario = scenarioFile('timeline:\n  - { at: 300ms, partition: { name: split, groups: [[n0, n1], [n2]] } }\n  - { at: 900ms, heal: split }\n');
    const run = startCluster(['--nodes', '3', '--duration', '1500ms', '--interval', '20:60', '--seed', '5', '--scenario', scenario]);
    const { report, messages } = await completedRun(run);
    const delivered = messages.filter((m) => m.status === 'delivered');
    expect(messages.some((m) => m.drop_reason === 'partition')).toBe(true);
    expect(messages.every((m) => m.type === 'chatter')).toBe(true);

    // ShiViz: the parsing regex on the first line, the executions delimiter (none) on the second.
    const [regex, delimiter, ...rest] = readFileSync(join(run.dir, 'shiviz.log'), 'utf8').split('\n');
    expect(delimiter).toBe('');
    const parse = new RegExp(`^${regex}$`);
    const events = rest.filter((l) => l !== '').map((l) => {
      const g = parse.exec(l)?.groups;
      if (!g?.host || !g.clock || g.event === undefined) throw new Error(`shiviz.log line does not parse: ${l}`);
      return { host: g.host, clock: JSON.parse(g.clock) as Clock, event: g.event };
    });
    expect(events.length).toBe(messages.length + delivered.length);
    const counted = new Map<string, number>();
    for (const e of events) {
      const n = (counted.get(e.host) ?? 0) + 1;
      counted.set(e.host, n);
      expect(e.clock[e.host], `${e.host}'s own entry at its event ${n}`).toBe(n);
    }
    const clockOf = (kind: 'send' | 'receive', id: string) => events.find((e) => e.event.startsWith(`${kind} ${id} `))?.clock;
    for (const m of delivered) {
      const sent = clockOf('send', m.id);
      const received = clockOf('receive', m.id);
      expect(sent && received && dominates(received, sent) && !dominates(sent, received), `clocks of ${m.id}`).toBe(true);
    }
    for (const m of messages.filter((x) => x.status === 'dropped')) expect(events.find((e) => e.event.startsWith(`send ${m.id} `))?.event).toContain(`dropped: ${m.drop_reason}`);

    // Chrome trace: a track per node and one for the faults; a flow per delivered message.
    const trace = JSON.parse(readFileSync(join(run.dir, 'trace.json'), 'utf8')) as { traceEvents: Array<{ ph: string; tid: number; id?: number; ts?: number; name: string; cat?: string; args?: { name?: string; id?: string } }> };
    const tracks = new Map(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => [e.args?.name, e.tid]));
    expect([...tracks.keys()]).toEqual(['faults', 'n0', 'n1', 'n2']);
    const flows = new Map<number, { s?: { tid: number; ts: number }; f?: { tid: number; ts: number } }>();
    for (const e of trace.traceEvents) {
      if ((e.ph !== 's' && e.ph !== 'f') || e.id === undefined) continue;
      const flow = flows.get(e.id) ?? {};
      flow[e.ph] = { tid: e.tid, ts: e.ts ?? 0 };
      flows.set(e.id, flow);
    }
    expect(flows.size).toBe(delivered.length);
    for (const f of flows.values()) expect((f.f?.ts ?? 0) > (f.s?.ts ?? Infinity)).toBe(true);
    const receipts = trace.traceEvents.filter((e) => e.ph === 'X' && e.cat === 'message' && e.name.startsWith('receive '));
    expect(receipts.map((e) => e.args?.id).sort()).toEqual(delivered.map((m) => m.id).sort());
    expect(trace.traceEvents.filter((e) => e.ph === 'i').length).toBe(messages.filter((m) => m.status === 'dropped').length);
    const faults = trace.traceEvents.filter((e) => e.cat === 'fault' && e.ph === 'b');
    expect(faults.map((e) => [e.name, e.tid])).toEqual(report.fault_periods.map((p) => [p.name, tracks.get('faults')]));
    expect(trace.traceEvents.filter((e) => e.cat === 'fault' && e.ph === 'e').length).toBe(faults.length);
    expect(report.fault_periods.map((p) => p.name)).toContain('split');
  });
});
