import { describe, expect, it } from 'vitest';
import { Report, type MessageLine, type NodeCounters } from '@agentnet/protocol';
import { formatReport } from './format-report.js';
import { analyze, percentiles, type AnalysisInput, type NodeFacts } from './analysis.js';

function line(id: string, src: string, dest: string, status: MessageLine['status'], opts: Partial<MessageLine> = {}): MessageLine {
  const sent_at = opts.sent_at ?? 1000;
  const delay_ms = opts.delay_ms ?? 100;
  const received_at = status === 'delivered' ? (opts.received_at ?? sent_at + delay_ms + 2) : null;
  return {
    id,
    src,
    dest,
    sent_at,
    delay_ms,
    status,
    duplicates: opts.duplicates ?? 0,
    received_at,
    latency_ms: received_at === null ? null : received_at - sent_at,
    drop_reason: status === 'dropped' ? (opts.drop_reason ?? 'link_down') : null,
    hops: status === 'delivered' ? (opts.hops ?? 1) : null,
    dropped_by: null,
  };
}

function node(id: string, opts: Partial<NodeFacts> = {}): NodeFacts {
  return { id, pid: 100 + Number(id.slice(1)), url: `ws://127.0.0.1:${7000 + Number(id.slice(1))}`, hostname: 'h', lost: null, reported: null, ...opts };
}

const GRAPH: AnalysisInput['graph'] = { topology: 'mesh', nodes: 3, edges: 3, connected: true, diameter: 1, degree: { min: 2, max: 2, mean: 2, histogram: { '2': 3 } }, average_shortest_path: 1, edge_list: [['n0', 'n1'], ['n0', 'n2'], ['n1', 'n2']], svg: 'graph.svg' };

function input(nodes: NodeFacts[], lines: MessageLine[], extra: Partial<AnalysisInput> = {}): AnalysisInput {
  return {
    runId: 'r1',
    runDir: 'runs/r1',
    startedAt: '2024-01-01T00:00:00.000Z',
    elapsedMs: 10_123.4,
    interrupted: false,
    stoppedBy: 'duration',
    security: { mode: 'off', refused: { total: 0, by_guard: {} } },
    config: { nodes: nodes.length, duration_ms: 10_000, seed: 42, delay: 'uniform:50:150', interval: '1000:3000', behavior: 'chatter', message_size: 100, peer_validation: true, network: 'delay=uniform:50:150 loss=0 duplicate=0 reorder=0 bandwidth=none', links: [], topology: 'mesh', routing: null, checker: null, params: {}, settle_ms: 3000 },
    rerun: 'npm run cluster -- --seed 42',
    coordinator: { pid: 1, url: 'ws://127.0.0.1:7000' },
    nodes,
    lines,
    anomalies: [],
    faults: [],
    graph: GRAPH,
    routing: null,
    broadcast: null,
    ...extra,
  };
}

/** Three nodes; n2 lost; a mix of every status. */
const MIXED = [
  line('a', 'n0', 'n1', 'delivered'),
  line('b', 'n0', 'n1', 'delivered'),
  line('c', 'n1', 'n0', 'delivered'),
  line('d', 'n1', 'n2', 'dropped', { drop_reason: 'crash' }),
  line('e', 'n0', 'n2', 'dropped', { drop_reason: 'crash' }),
  line('f', 'n2', 'n0', 'dropped', { drop_reason: 'link_down' }),
  line('g', 'n0', 'n1', 'in_flight'),
  line('h', 'n2', 'n1', 'delivered'),
];

describe('percentiles', () => {
  it('is all null for no samples', () => {
    expect(percentiles([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null, mean: null });
  });

  it('uses nearest rank on 1..100', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // unsorted on purpose
    expect(percentiles(xs)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
  });

  it('uses nearest rank on small samples', () => {
    expect(percentiles([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7, mean: 7 });
    // ranks: p50 -> ceil(0.5*4)=2nd, p95/p99 -> 4th
    expect(percentiles([40, 10, 30, 20])).toEqual({ count: 4, p50: 20, p95: 40, p99: 40, max: 40, mean: 25 });
    // 20 samples: p95 -> 19th value, not the max
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentiles(twenty)).toMatchObject({ p50: 10, p95: 19, p99: 20 });
  });

  it('sorts numerically, not as text', () => {
    expect(percentiles([100, 9, 20]).p50).toBe(20);
  });

  it('rounds to microseconds and does not reorder the input', () => {
    const xs = [1.23456789, 0.5];
    expect(percentiles(xs)).toMatchObject({ p50: 0.5, max: 1.235, mean: 0.867 });
    expect(xs).toEqual([1.23456789, 0.5]);
  });
});

describe('analyze: accounting', () => {
  const report = analyze(input([node('n0'), node('n1'), node('n2', { lost: { at_ms: 4321.6, reason: 'exited with code 1' } })], MIXED));

  it('produces a report the schema accepts', () => {
    expect(Report.safeParse(report).success).toBe(true);
  });

  it('sent = delivered + dropped + in_flight', () => {
    expect(report.totals).toEqual({ sent: 8, delivered: 4, dropped: 3, in_flight: 1, dropped_by_reason: { crash: 2, link_down: 1 }, duplicated: 0 });
    const t = report.totals;
    expect(t.delivered + t.dropped + t.in_flight).toBe(t.sent);
  });

  it('per-node counts: sent/dropped/in_flight by sender, received by destination', () => {
    const by = Object.fromEntries(report.per_node.map((n) => [n.id, [n.sent, n.received, n.dropped, n.in_flight, n.status]]));
    expect(by).toEqual({
      n0: [4, 1, 1, 1, 'ok'],
      n1: [2, 3, 1, 0, 'ok'],
      n2: [2, 0, 1, 0, 'lost'],
    });
    const sum = (k: 'sent' | 'received' | 'dropped' | 'in_flight') => report.per_node.reduce((s, n) => s + n[k], 0);
    expect(sum('sent')).toBe(report.totals.sent);
    expect(sum('received')).toBe(report.totals.delivered);
    expect(sum('dropped')).toBe(report.totals.dropped);
    expect(sum('in_flight')).toBe(report.totals.in_flight);
  });

  it('summary: total exchanged, average per node, most received', () => {
    expect(report.summary).toEqual({ total_exchanged: 4, average_per_node: 1.33, most_received: { id: 'n1', count: 3 } });
  });

  it('copies the run facts', () => {
    expect(report).toMatchObject({ run_id: 'r1', seed: 42, nodes: 3, duration_ms: 10_000, elapsed_ms: 10_123, interrupted: false, stopped_by: 'duration' });
    expect(report.per_node[2]).toMatchObject({ pid: 102, url: 'ws://127.0.0.1:7002', lost: { at_ms: 4321.6, reason: 'exited with code 1' } });
  });

  it('warns about the lost node', () => {
    expect(report.warnings).toEqual(['n2 was lost at 4322 ms: exited with code 1']);
  });

  it('latency, delay and overhead percentiles come from delivered messages only', () => {
    expect(report.latency_ms).toMatchObject({ count: 4, p50: 102, max: 102 });
    expect(report.delay_ms).toMatchObject({ count: 4, p50: 100 });
    expect(report.overhead_ms).toMatchObject({ count: 4, p50: 2, mean: 2 });
  });
});

describe('analyze: summary', () => {
  it('rounds the average to two decimals', () => {
    const lines = Array.from({ length: 10 }, (_, i) => line(`m${i}`, 'n0', i % 2 ? 'n1' : 'n2', 'delivered'));
    const r = analyze(input([node('n0'), node('n1'), node('n2')], lines));
    expect(r.summary.average_per_node).toBe(3.33);
    expect(r.summary.total_exchanged).toBe(10);
  });

  it('does not count undelivered messages as exchanged', () => {
    const r = analyze(input([node('n0'), node('n1')], [line('a', 'n0', 'n1', 'in_flight'), line('b', 'n0', 'n1', 'dropped')]));
    expect(r.summary.total_exchanged).toBe(0);
    expect(r.summary.average_per_node).toBe(0);
  });

  it('has no most_received and a zero average without nodes', () => {
    const r = analyze(input([], []));
    expect(r.summary).toEqual({ total_exchanged: 0, average_per_node: 0, most_received: null });
    expect(r.totals).toMatchObject({ sent: 0, delivered: 0, dropped: 0, in_flight: 0, dropped_by_reason: {} });
    expect(r.latency_ms.count).toBe(0);
  });

  it('names no node as most received when nobody received anything', () => {
    const r = analyze(input([node('n0'), node('n1')], [line('a', 'n0', 'n1', 'in_flight')]));
    expect(r.summary.most_received).toBeNull();
    expect(formatReport(r)).toContain('No node received any message');
  });

  it('breaks a tie for most received by node order', () => {
    const r = analyze(input([node('n0'), node('n1'), node('n2')], [line('a', 'n0', 'n2', 'delivered'), line('b', 'n2', 'n1', 'delivered')]));
    expect(r.summary.most_received).toEqual({ id: 'n1', count: 1 });
  });
});

describe('analyze: warnings', () => {
  const reported = (c: Partial<NodeCounters>): NodeCounters => ({ sent: 0, received: 0, dropped: 0, in_flight: 0, ...c });
  const lines = [line('a', 'n0', 'n1', 'delivered'), line('b', 'n0', 'n1', 'delivered'), line('c', 'n1', 'n0', 'in_flight')];

  it('is quiet when the nodes agree with the journal', () => {
    const r = analyze(input([node('n0', { reported: reported({ sent: 2, received: 0 }) }), node('n1', { reported: reported({ sent: 1, received: 2, in_flight: 1 }) })], lines));
    expect(r.warnings).toEqual([]);
  });

  it('warns when a node reports other sent/received counts than the journal holds', () => {
    const r = analyze(input([node('n0', { reported: reported({ sent: 3, received: 0 }) }), node('n1', { reported: reported({ sent: 1, received: 5 }) })], lines));
    expect(r.warnings).toEqual(['n0 reported 3 sent, the journal holds 2', 'n1 reported 5 received, the journal holds 2']);
    expect(r.per_node[0]?.reported).toEqual(reported({ sent: 3 }));
  });

  it('does not compare counters of a node that never reported', () => {
    const r = analyze(input([node('n0'), node('n1')], lines));
    expect(r.warnings).toEqual([]);
  });

  it('puts ledger anomalies first', () => {
    const r = analyze(input([node('n0', { lost: { at_ms: 10, reason: 'x' } })], [], { anomalies: ['message a was received twice'] }));
    expect(r.warnings).toEqual(['message a was received twice', 'n0 was lost at 10 ms: x']);
  });

  it('warns when messages arrived sooner than their injected delay', () => {
    const early = [
      line('a', 'n0', 'n1', 'delivered', { sent_at: 1000, delay_ms: 100, received_at: 1050 }),
      line('b', 'n0', 'n1', 'delivered', { sent_at: 1000, delay_ms: 100, received_at: 1099.5 }), // within 1 ms: fine
    ];
    const r = analyze(input([node('n0'), node('n1')], early));
    expect(r.warnings).toEqual(['1 message arrived sooner than their injected delay (clock trouble?)']);
  });

  it("lists each node's behaviour errors with the first one, and keeps them per node", () => {
    const errors = { count: 33, first: { kind: 'timer_failed' as const, text: 'Error: boom' } };
    const one = { count: 1, first: { kind: 'send_failed' as const, text: 'UnknownPeerError: n99 is not a peer of n0' } };
    const r = analyze(input([node('n0', { behaviorErrors: errors }), node('n1', { behaviorErrors: one }), node('n2', { behaviorErrors: { count: 0, first: null } }), node('n3')], []));
    expect(r.warnings).toEqual(['n0: 33 behaviour errors, first: timer_failed: Error: boom', 'n1: 1 behaviour error, first: send_failed: UnknownPeerError: n99 is not a peer of n0']);
    expect(r.per_node.map((n) => n.behavior_errors)).toEqual([errors, one, { count: 0, first: null }, null]);
    expect(() => Report.parse(r)).not.toThrow();
  });
});

describe('analyze: fault periods', () => {
  // Fault times count from started_at; sent_at is epoch ms.
  const t0 = Date.parse('2024-01-01T00:00:00.000Z');
  const lines = [
    line('a', 'n0', 'n1', 'delivered', { sent_at: t0 + 500 }),
    line('b', 'n0', 'n1', 'dropped', { sent_at: t0 + 1500, drop_reason: 'partition' }),
    line('c', 'n1', 'n0', 'delivered', { sent_at: t0 + 1600, delay_ms: 300 }),
    line('d', 'n1', 'n0', 'delivered', { sent_at: t0 + 9000 }),
  ];
  const faults = [
    { at_ms: 1000, kind: 'partition' as const, detail: 'p1 (drop): preset halves, 4 directed links cut', name: 'p1' },
    { at_ms: 2000, kind: 'heal' as const, detail: 'p1', ends: ['p1'] },
    { at_ms: 8000, kind: 'crash' as const, detail: 'n2: SIGKILL to pid 1', name: 'crash n2' },
  ];
  const report = analyze(input([node('n0'), node('n1')], lines, { faults }));

  it('splits the traffic by the periods the faults start and end', () => {
    expect(Report.safeParse(report).success).toBe(true);
    expect(report.fault_periods.map((p) => [p.name, p.start_ms, p.end_ms, p.sent, p.delivery_ratio])).toEqual([
      ['p1', 1000, 2000, 2, 0.5],
      // Never ended: lasts until the end of the run (elapsed_ms, rounded like the report's).
      ['crash n2', 8000, 10_123, 1, 1],
    ]);
    expect(report.fault_periods[0]).toMatchObject({ kind: 'partition' as const, dropped_by_reason: { partition: 1 }, delay_ms: { p50: 300 }, overhead_ms: { p50: 2 } });
    expect(report.inside_faults).toMatchObject({ sent: 3, delivered: 2, dropped: 1 });
    expect(report.outside_faults).toMatchObject({ sent: 1, delivered: 1, delivery_ratio: 1 });
    expect(report.faults).toEqual(faults);
  });

  it('puts everything outside when the run had no faults', () => {
    const r = analyze(input([node('n0'), node('n1')], lines));
    expect(r.fault_periods).toEqual([]);
    expect(r.inside_faults).toMatchObject({ sent: 0, delivery_ratio: null });
    expect(r.outside_faults).toMatchObject({ sent: 4, delivered: 3, dropped: 1, in_flight: 0, delivery_ratio: 0.75 });
  });
});

describe('analyze: client links', () => {
  // A client's request and the node's reply: counted like any message, but never shaped.
  const lines = [
    line('a', 'n0', 'n1', 'delivered', { delay_ms: 100 }),
    line('c1-1', 'c1', 'n0', 'delivered', { delay_ms: 0, received_at: 1001 }),
    line('n0-2', 'n0', 'c1', 'delivered', { delay_ms: 0, received_at: 1003 }),
    line('c1-2', 'c1', 'n1', 'dropped', { delay_ms: 0, drop_reason: 'crash' }),
  ];

  it('counts their messages in the totals, the nodes and the periods, but not in the network latency', () => {
    const r = analyze(input([node('n0'), node('n1')], lines, { startedAt: new Date(500).toISOString(), faults: [{ at_ms: 0, kind: 'partition' as const, detail: 'x', name: 'p1' }] }));
    expect(r.totals).toMatchObject({ sent: 4, delivered: 3, dropped: 1 });
    expect(r.per_node.map((n) => [n.id, n.sent, n.received])).toEqual([['n0', 2, 1], ['n1', 0, 1]]);
    expect([r.latency_ms.count, r.delay_ms.count, r.overhead_ms.count]).toEqual([1, 1, 1]);
    expect(r.delay_ms.p50).toBe(100);
    expect(r.inside_faults).toMatchObject({ sent: 4, delivered: 3, latency_ms: { count: 1 } });
  });
});
