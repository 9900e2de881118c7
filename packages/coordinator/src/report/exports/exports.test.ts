import { describe, expect, it } from 'vitest';
import { messageLine } from '../../../fixtures/message-line.js';
import { dominates, spaceTimeEvents } from './space-time.js';
import { SHIVIZ_REGEX, shivizLine } from './shiviz-log.js';
import { traceEvents, type TraceEvent } from './chrome-trace.js';

const line = messageLine;

describe('space-time exports', () => {
  // n0 -> n1, then n1 -> n2 after it: n2's receipt knows of n0's send. n2 -> n0 stamped before its
  // send (another host's clock): still after it. n0 -> n2 dropped.
  const lines = [
    line('n0-1', 'n0', 'n1', 1000, 1010),
    line('n1-1', 'n1', 'n2', 1020, 1030),
    line('n2-1', 'n2', 'n0', 1040, 1035),
    line('n0-2', 'n0', 'n2', 1050, null),
  ];

  it('gives each node its own count, and every receipt a clock after its send', () => {
    const events = [...spaceTimeEvents(lines)];
    expect(events.map((e) => [e.kind, e.line.id, e.clock])).toEqual([
      ['send', 'n0-1', { n0: 1 }],
      ['receive', 'n0-1', { n0: 1, n1: 1 }],
      ['send', 'n1-1', { n0: 1, n1: 2 }],
      ['receive', 'n1-1', { n0: 1, n1: 2, n2: 1 }],
      ['send', 'n2-1', { n0: 1, n1: 2, n2: 2 }],
      ['receive', 'n2-1', { n0: 2, n1: 2, n2: 2 }],
      ['send', 'n0-2', { n0: 3, n1: 2, n2: 2 }],
    ]);
    for (const m of lines.filter((l) => l.status === 'delivered')) {
      const send = events.find((e) => e.kind === 'send' && e.line === m);
      const receive = events.find((e) => e.kind === 'receive' && e.line === m);
      expect(receive && send && dominates(receive.clock, send.clock) && !dominates(send.clock, receive.clock)).toBe(true);
    }
  });

  it("keeps each host's own order when its clock is behind another's: a reply comes after the request it answers", () => {
    // n1's clock is 20 ms behind n0's: it stamps the request's receipt (990) before its send (1000), and its reply at 995.
    const skewed = [line('n0-1', 'n0', 'n1', 1000, 990), line('n1-1', 'n1', 'n0', 995, 1012)];
    const events = [...spaceTimeEvents(skewed)];
    expect(events.map((e) => [e.kind, e.line.id, e.clock])).toEqual([
      ['send', 'n0-1', { n0: 1 }],
      ['receive', 'n0-1', { n0: 1, n1: 1 }],
      ['send', 'n1-1', { n0: 1, n1: 2 }],
      ['receive', 'n1-1', { n0: 2, n1: 2 }],
    ]);
  });

  it("writes ShiViz lines its own regular expression parses back", () => {
    const parsed = [...spaceTimeEvents(lines)].map((e) => new RegExp(`^${SHIVIZ_REGEX}$`).exec(shivizLine(e))?.groups);
    expect(parsed[0]).toEqual({ host: 'n0', clock: '{"n0":1}', event: 'send n0-1 chatter to n1' });
    expect(parsed[1]?.event).toBe('receive n0-1 chatter from n0 (10 ms, 1 hop)');
    expect(parsed[6]?.event).toBe('send n0-2 chatter to n2, dropped: partition');
  });

  it('traces a track per node and for faults, a flow from each send to its receipt, drops and fault periods', () => {
    const period = { name: 'split', kind: 'partition', detail: 'split: 2 links cut', start_ms: 10, end_ms: 40 } as never;
    const events = [...traceEvents({ runId: 'r1', startedAt: 1000, nodes: ['n0', 'n1', 'n2'], faultPeriods: [period] }, lines)].map((t) => JSON.parse(t) as TraceEvent);
    expect(events.filter((e) => e.ph === 'M').map((e) => [e.tid, e.args?.name])).toEqual([[0, 'agentnet run r1'], [0, 'faults'], [1, 'n0'], [2, 'n1'], [3, 'n2']]);
    // A sender the run did not list (a workload client) gets a track of its own, named before its first event.
    const client = [...traceEvents({ runId: 'r1', startedAt: 1000, nodes: ['n0'], faultPeriods: [] }, [line('c1-1', 'c1', 'n0', 1000, 1002)])].map((t) => JSON.parse(t) as TraceEvent);
    expect(client.slice(3, 5)).toMatchObject([{ name: 'thread_name', tid: 2, args: { name: 'c1' } }, { name: 'send chatter', tid: 2 }]);
    // A fault period is an async span (periods may overlap): its begin and end.
    expect(events.filter((e) => e.cat === 'fault')).toMatchObject([
      { name: 'split', ph: 'b', id: 1, tid: 0, ts: 10_000 },
      { name: 'split', ph: 'e', id: 1, tid: 0, ts: 40_000 },
    ]);
    const starts = events.filter((e) => e.ph === 's');
    const ends = events.filter((e) => e.ph === 'f');
    expect(starts.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(ends.map((e) => [e.id, e.tid])).toEqual([[1, 2], [2, 3], [3, 1]]);
    // n2-1's receipt was stamped before its send: its slice comes after the send's all the same.
    expect((ends[2]?.ts ?? 0) > (starts[2]?.ts ?? 0)).toBe(true);
    expect(events.find((e) => e.ph === 'i')).toMatchObject({ name: 'drop partition', tid: 1, ts: 55_000 });
  });
});
