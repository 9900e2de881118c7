import { describe, expect, it } from 'vitest';
import type { FaultKind, FaultPeriod, PeriodStats, Percentiles, Report } from '@agentnet/protocol';
import { formatReport } from './format-report.js';

const NO_SAMPLES: Percentiles = { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };

function stats(sent: number, delivered: number, latency: Percentiles = NO_SAMPLES, delay: Percentiles = NO_SAMPLES, overhead: Percentiles = NO_SAMPLES): PeriodStats {
  return { sent, delivered, dropped: sent - delivered, in_flight: 0, delivery_ratio: sent === 0 ? null : delivered / sent, dropped_by_reason: {}, latency_ms: latency, delay_ms: delay, overhead_ms: overhead };
}
const pct = (p50: number, p99: number, count = 10): Percentiles => ({ count, p50, p95: p99, p99, max: p99, mean: p50 });

function report(overrides: Partial<Report> = {}): Report {
  const base: Report = {
    run_id: '20240101-000000-abcd',
    run_dir: 'runs/20240101-000000-abcd',
    seed: 42,
    nodes: 3,
    duration_ms: 10_000,
    elapsed_ms: 10_250,
    started_at: '2024-01-01T00:00:00.000Z',
    interrupted: false,
    stopped_by: 'duration',
    security: { mode: 'off', refused: { total: 0, by_guard: {} } },
    config: { nodes: 3, duration_ms: 10_000, seed: 42, delay: 'uniform:50:150', interval: '1000:3000', behavior: 'chatter', message_size: 100, peer_validation: true, network: 'delay=uniform:50:150 loss=0 duplicate=0 reorder=0 bandwidth=none', links: [], topology: 'mesh', routing: null, checker: null, params: {}, settle_ms: 3000 },
    rerun: 'npm run cluster -- --nodes 3 --duration 10000ms --seed 42 --delay uniform:50:150 --interval 1000:3000',
    coordinator: { pid: 1, url: 'ws://127.0.0.1:7000' },
    totals: { sent: 17, delivered: 14, dropped: 0, in_flight: 3, dropped_by_reason: {}, duplicated: 0 },
    links: [],
    summary: { total_exchanged: 14, average_per_node: 4.67, most_received: { id: 'n2', count: 6 } },
    per_node: [
      { id: 'n0', pid: 101, url: 'ws://x', hostname: 'h', status: 'ok', lost: null, sent: 6, received: 3, dropped: 0, in_flight: 1, incarnation: 0, restarts: [], reported: null, behavior_errors: null },
      { id: 'n1', pid: 102, url: 'ws://x', hostname: 'h', status: 'ok', lost: null, sent: 5, received: 5, dropped: 0, in_flight: 1, incarnation: 0, restarts: [], reported: null, behavior_errors: null },
      { id: 'n2', pid: 10333, url: 'ws://x', hostname: 'h', status: 'ok', lost: null, sent: 6, received: 6, dropped: 0, in_flight: 1, incarnation: 0, restarts: [], reported: null, behavior_errors: null },
    ],
    latency_ms: { count: 14, p50: 101.25, p95: 148.5, p99: 149.9, max: 149.9, mean: 100 },
    delay_ms: { count: 14, p50: 100, p95: 147, p99: 148, max: 148, mean: 99 },
    overhead_ms: { count: 14, p50: 1.25, p95: 1.5, p99: 1.9, max: 1.9, mean: 1.3 },
    faults: [],
    fault_periods: [],
    inside_faults: stats(0, 0),
    outside_faults: stats(17, 14),
    graph: { topology: 'mesh', nodes: 3, edges: 3, connected: true, diameter: 1, degree: { min: 2, max: 2, mean: 2, histogram: { '2': 3 } }, average_shortest_path: 1, edge_list: [['n0', 'n1'], ['n0', 'n2'], ['n1', 'n2']], svg: 'graph.svg' },
    routing: null,
    broadcast: null,
    workload: null,
    verdict: null,
    warnings: [],
  };
  return { ...base, ...overrides };
}

const linesOf = (r: Report) => formatReport(r).split('\n');

describe('formatReport: the notebook lines', () => {
  it('prints total, average (two decimals) and the node that received most', () => {
    const lines = linesOf(report());
    expect(lines).toContain('Total messages exchanged: 14');
    expect(lines).toContain('Average messages per node: 4.67');
    expect(lines).toContain('Node n2 received the most messages: 6');
    // In this order, at the top.
    const at = (s: string) => lines.indexOf(s);
    expect(at('Total messages exchanged: 14')).toBeLessThan(at('Average messages per node: 4.67'));
    expect(at('Average messages per node: 4.67')).toBeLessThan(at('Node n2 received the most messages: 6'));
    expect(at('Total messages exchanged: 14')).toBeLessThan(3);
  });

  it('pads the average to two decimals', () => {
    const r = report({ summary: { total_exchanged: 10, average_per_node: 2, most_received: { id: 'n1', count: 4 } } });
    expect(linesOf(r)).toContain('Average messages per node: 2.00');
    const s = report({ summary: { total_exchanged: 10, average_per_node: 3.5, most_received: { id: 'n1', count: 4 } } });
    expect(linesOf(s)).toContain('Average messages per node: 3.50');
  });

  it('says so when there is no most-received node', () => {
    const r = report({ summary: { total_exchanged: 0, average_per_node: 0, most_received: null } });
    const lines = linesOf(r);
    expect(lines).toContain('No node received any message');
    expect(lines.some((l) => l.includes('received the most'))).toBe(false);
  });
});

describe('formatReport: accounting and details', () => {
  it('prints the accounting identity', () => {
    expect(linesOf(report())).toContain('accounting: sent 17 = delivered 14 + dropped 0 + in flight 3');
  });

  it('adds drop reasons when something was dropped', () => {
    const r = report({ totals: { sent: 20, delivered: 14, dropped: 5, in_flight: 1, dropped_by_reason: { crash: 3, link_down: 2 }, duplicated: 0 } });
    const accounting = linesOf(r).find((l) => l.startsWith('accounting:'));
    expect(accounting).toBe('accounting: sent 20 = delivered 14 + dropped 5 + in flight 1  (dropped: crash 3, link_down 2)');
  });

  it('says what security refused, by guard and reason', () => {
    expect(linesOf(report({ security: { mode: 'on', refused: { total: 0, by_guard: {} } } }))).toContain('security: on, nothing refused');
    const refused = report({ security: { mode: 'on', refused: { total: 4, by_guard: { register: { no_proof: 1 }, link: { bad_proof: 2, replayed: 1 } } } } });
    expect(linesOf(refused)).toContain('security: on, refused 4 (register: no_proof 1; link: bad_proof 2, replayed 1)');
  });

  it('prints a per-node table with aligned columns', () => {
    const lines = linesOf(report());
    const header = lines.findIndex((l) => l.startsWith('node'));
    expect(header).toBeGreaterThan(0);
    const rows = lines.slice(header, header + 4);
    expect(rows[0]?.split(/\s+/)).toEqual(['node', 'pid', 'sent', 'received', 'dropped', 'in_flight', 'status']);
    expect(rows[3]?.split(/\s+/)).toEqual(['n2', '10333', '6', '6', '0', '1', 'ok']);
    // Every column starts at the same place in every row (n2's pid is wider than the others).
    const starts = rows.map((r) => [...r.matchAll(/\S+/g)].map((m) => m.index));
    for (const s of starts) expect(s).toEqual(starts[0]);
  });

  it('prints percentiles with one decimal, or "no samples"', () => {
    const lines = linesOf(report());
    expect(lines).toContain('latency ms (observed):  p50 101.3  p95 148.5  p99 149.9  max 149.9  (n=14)');
    const none = linesOf(report({ latency_ms: NO_SAMPLES, delay_ms: NO_SAMPLES, overhead_ms: NO_SAMPLES }));
    expect(none).toContain('latency ms (observed):  no samples');
    expect(none).toContain('overhead ms:            no samples');
  });

  it('prints the run line, files and the rerun command', () => {
    const text = formatReport(report());
    expect(text).toContain('run 20240101-000000-abcd: seed 42, 3 nodes, 10250 ms, interval 1000:3000');
    expect(text).toContain('network: delay=uniform:50:150 loss=0 duplicate=0 reorder=0 bandwidth=none');
    expect(text).toContain('files: runs/20240101-000000-abcd/{report.html,report.json,messages.jsonl,coordinator.log,n*.log}');
    expect(text).toContain('rerun: npm run cluster -- --nodes 3 --duration 10000ms --seed 42 --delay uniform:50:150 --interval 1000:3000');
    // Security off and nothing refused: no line about it.
    expect(text).not.toContain('security:');
  });
});

describe('formatReport: interruptions and warnings', () => {
  it('has no INTERRUPTED note for a complete run', () => {
    expect(formatReport(report())).not.toContain('INTERRUPTED');
  });

  it('notes an interrupted run', () => {
    expect(linesOf(report({ interrupted: true }))).toContain('INTERRUPTED: this is a partial report of what was collected before the stop.');
  });

  it('prints each warning on its own line', () => {
    const lines = linesOf(report({ warnings: ['n2 was lost at 4322 ms: exited', 'n0 reported 3 sent, the journal holds 2'] }));
    expect(lines).toContain('warning: n2 was lost at 4322 ms: exited');
    expect(lines).toContain('warning: n0 reported 3 sent, the journal holds 2');
  });

  it('shows a lost node in the table', () => {
    const r = report();
    r.per_node[1] = { ...r.per_node[1]!, status: 'lost', lost: { at_ms: 10, reason: 'x' } };
    expect(linesOf(r).find((l) => l.startsWith('n1'))?.split(/\s+/).at(-1)).toBe('lost');
  });

  it('says how often a node was restarted', () => {
    const r = report();
    r.per_node[2] = { ...r.per_node[2]!, incarnation: 2, restarts: [1, 2].map((i) => ({ at_ms: i * 1000, pid: 200 + i, previous_pid: 199 + i, previous_lost: 'x' })) };
    expect(linesOf(r).find((l) => l.startsWith('n2'))).toMatch(/ok, restarted 2x$/);
  });
});

describe('formatReport: fault periods', () => {
  const period = (name: string, kind: FaultKind, start_ms: number, end_ms: number, s: PeriodStats): FaultPeriod => ({ name, kind, detail: `${name}: ...`, start_ms, end_ms, ...s });
  const withFaults = report({
    faults: [
      { at_ms: 1000, kind: 'partition', detail: 'p1 (drop)', name: 'p1' },
      { at_ms: 3000, kind: 'heal', detail: 'p1', ends: ['p1'] },
      { at_ms: 5000, kind: 'pause', detail: 'n2: SIGSTOP to pid 103', name: 'pause n2' },
    ],
    fault_periods: [
      period('p1', 'partition', 1000, 3000, stats(8, 2, pct(101.25, 148.5), pct(99, 147), pct(2.25, 3))),
      period('pause n2', 'pause', 5000, 10_250, stats(6, 0)),
    ],
    inside_faults: stats(14, 2, pct(101.25, 148.5), pct(99, 147), pct(2.25, 3)),
    outside_faults: stats(3, 3, pct(90, 120), pct(88, 118), pct(1.5, 2)),
  });

  it('prints nothing about fault periods for a run without faults', () => {
    const text = formatReport(report());
    expect(text).not.toContain('fault periods');
    expect(text).not.toContain('inside faults');
  });

  it('prints a row per period and one each for inside and outside faults', () => {
    const lines = linesOf(withFaults);
    const header = lines.findIndex((l) => l.startsWith('fault periods'));
    expect(header).toBeGreaterThan(0);
    expect(lines[header - 1]).toBe('');
    const rows = lines.slice(header, header + 5);
    // Cells hold spaces (`pause n2`, `p50/p99`), so split on the gaps of two or more.
    const cells = rows.map((r) => r.split(/ {2,}/));
    expect(cells).toEqual([
      ['fault periods', 'kind', 'from-to s', 'sent', 'delivered', 'latency p50/p99', 'injected p50', 'overhead p50'],
      ['p1', 'partition', '1.00-3.00', '8', '25.0%', '101.3/148.5', '99.0', '2.3'],
      ['pause n2', 'pause', '5.00-10.25', '6', '0.0%', '-', '-', '-'],
      ['inside faults', '14', '14.3%', '101.3/148.5', '99.0', '2.3'],
      ['outside faults', '3', '100.0%', '90.0/120.0', '88.0', '1.5'],
    ]);
    expect(lines[header + 5]).not.toMatch(/^(inside|outside)/);
  });

  it('aligns every column of the table', () => {
    const lines = linesOf(withFaults);
    const header = lines.findIndex((l) => l.startsWith('fault periods'));
    const rows = lines.slice(header, header + 5);
    // Where each cell starts: after the line start or a gap of two spaces (`pause n2` is one cell).
    const starts = rows.map((r) => [...r.matchAll(/(?<=^| {2})\S/g)].map((m) => m.index));
    expect(starts[0]).toHaveLength(8);
    expect(starts[1]).toEqual(starts[0]);
    expect(starts[2]).toEqual(starts[0]);
    // Inside and outside leave kind and from-to empty; their numbers sit under the same headers.
    const without = (xs: (number | undefined)[] | undefined) => xs?.filter((_, i) => i !== 1 && i !== 2);
    expect(starts[3]).toEqual(without(starts[0]));
    expect(starts[4]).toEqual(without(starts[0]));
  });

  it('shows "-" for a delivery ratio of nothing sent', () => {
    const r = report({ ...withFaults, inside_faults: stats(0, 0) });
    const inside = linesOf(r).find((l) => l.startsWith('inside faults'));
    expect(inside?.split(/ {2,}/)).toEqual(['inside faults', '0', '-', '-', '-', '-']);
  });
});

describe('formatReport: the client workload', () => {
  const workload: NonNullable<Report['workload']> = {
    kind: 'kv', rate: 10, concurrency: 3, keys: 2, op_timeout_ms: 1000, history: 'history.jsonl',
    ops: { read: { ok: 4, fail: 1, info: 0 }, write: { ok: 5, fail: 0, info: 1 }, cas: { ok: 2, fail: 3, info: 0 } },
    ok_latency_ms: pct(20, 40, 11),
    throughput: { invoked_per_s: 1.7, ok_per_s: 1.1 },
    final_reads: [{ key: 0, ok: true, value: 7, node: 'n1', attempts: 1 }, { key: 1, ok: false, value: null, node: 'n2', attempts: 4 }],
    clients: [{ id: 'c1', sent: 6, received: 6, dropped: 0, in_flight: 0 }, { id: 'c2', sent: 5, received: 4, dropped: 1, in_flight: 0 }],
  };

  it('prints nothing about a workload for a run without one', () => {
    expect(formatReport(report())).not.toContain('workload');
  });

  it('prints the operations by outcome, their latency, the final reads and the history file', () => {
    const lines = linesOf(report({ workload }));
    expect(lines).toContain('workload: kv, 3 clients at 10 ops/s on 2 keys (timeout 1000 ms): 1.7 invoked/s, 1.1 ok/s');
    expect(lines).toContain('  read ok 4, fail 1, info 0; write ok 5, fail 0, info 1; cas ok 2, fail 3, info 0');
    expect(lines).toContain('ok latency ms:          p50 20.0  p95 40.0  p99 40.0  max 40.0  (n=11)');
    expect(lines).toContain('final reads: 0=7 1=?; clients sent 11 requests; every operation in history.jsonl');
  });
});
