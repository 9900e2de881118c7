/**
 * What the terminal summary says beyond the numbers, on reports made by analyze() from node facts:
 * behaviour errors in the node table and under warnings, what happened to routing that did not
 * converge, counts with their nouns in agreement, and "no samples" where there is nothing to measure.
 */
import { describe, expect, it } from 'vitest';
import type { RoutingReport } from '@agentnet/protocol';
import { analyze, type AnalysisInput, type NodeFacts } from './analysis.js';
import { formatReport } from './format-report.js';

const node = (id: string, opts: Partial<NodeFacts> = {}): NodeFacts => ({ id, pid: 100 + Number(id.slice(1)), url: 'ws://x', hostname: 'h', lost: null, reported: null, ...opts });

function input(nodes: NodeFacts[], extra: Partial<AnalysisInput> = {}): AnalysisInput {
  const n = nodes.length;
  return {
    runId: 'r1',
    runDir: 'runs/r1',
    startedAt: '2024-01-01T00:00:00.000Z',
    elapsedMs: 10_000,
    interrupted: false,
    stoppedBy: 'duration',
    security: { mode: 'off', refused: { total: 0, by_guard: {} } },
    config: { nodes: n, duration_ms: 10_000, seed: 42, delay: 'uniform:50:150', interval: '1000:3000', behavior: 'module', message_size: 100, peer_validation: true, network: 'delay=uniform:50:150', links: [], topology: 'mesh', routing: null, checker: null, params: {}, settle_ms: 3000 },
    rerun: 'npm run cluster -- --seed 42',
    coordinator: { pid: 1, url: 'ws://127.0.0.1:7000' },
    nodes,
    lines: [],
    anomalies: [],
    faults: [],
    graph: { topology: 'mesh', nodes: n, edges: n - 1, connected: true, diameter: 1, degree: { min: 1, max: 1, mean: 1, histogram: { '1': n } }, average_shortest_path: 1, edge_list: null, svg: null },
    routing: null,
    broadcast: null,
    ...extra,
  };
}

const linesOf = (i: AnalysisInput) => formatReport(analyze(i)).split('\n');

describe('formatReport: behaviour errors', () => {
  const boom = { count: 33, first: { kind: 'timer_failed' as const, text: 'Error: boom' } };

  it("shows each node's count in its status and the first error under warnings", () => {
    const lines = linesOf(input([node('n0', { behaviorErrors: boom }), node('n1', { behaviorErrors: { count: 0, first: null } })]));
    const row = (id: string) => lines.find((l) => l.startsWith(`${id} `))?.split(/ {2,}/);
    expect(row('n0')?.at(-1)).toBe('ok, 33 behaviour errors');
    expect(row('n1')?.at(-1)).toBe('ok');
    expect(lines).toContain('warning: n0: 33 behaviour errors, first: timer_failed: Error: boom');
    expect(lines.filter((l) => l.startsWith('warning:'))).toHaveLength(1);
  });

  it('puts the count after a restart count, in the singular for one', () => {
    const restarts = [{ at_ms: 100, pid: 7, previous_pid: 100, previous_lost: 'SIGKILL' }];
    const one = { count: 1, first: { kind: 'send_failed' as const, text: 'UnknownPeerError: n99 is not a peer of n0' } };
    const lines = linesOf(input([node('n0', { restarts, incarnation: 1, behaviorErrors: one })]));
    expect(lines.find((l) => l.startsWith('n0 '))?.split(/ {2,}/).at(-1)).toBe('ok, restarted 1x, 1 behaviour error');
    expect(lines).toContain('warning: n0: 1 behaviour error, first: send_failed: UnknownPeerError: n99 is not a peer of n0');
  });
});

describe('formatReport: wording', () => {
  const routing = (convergence: RoutingReport['convergence']): RoutingReport => {
    const totals = { sent: 0, bytes: 0, received: 0, dropped: 0 };
    const none = { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
    const start = convergence.find((c) => c.cause === 'start');
    return { protocol: 'distance-vector', interval_ms: 500, ttl: 16, converged_ms: start?.converged_ms ?? null, convergence, hops: none, hops_histogram: {}, stretch: none, control_messages: totals, data_messages: totals, dropped: { no_route: 0, ttl: 0 }, ttl_after_convergence: 0, mismatch_at_end: null };
  };

  it('says what became of a convergence that did not happen, never "converged never"', () => {
    const r = analyze(input([node('n0'), node('n1')]));
    const lines = formatReport({
      ...r,
      routing: routing([
        { at_ms: 0, cause: 'start', converged_ms: 1200 },
        { at_ms: 3000, cause: 'crash n1', converged_ms: null },
        { at_ms: 4000, cause: 'restart n1', converged_ms: 800 },
        { at_ms: 6000, cause: 'partition p1', converged_ms: null },
      ]),
    }).split('\n');
    expect(lines).toContain('routing: distance-vector (every 500 ms, ttl 16), after start: converged in 1200 ms');
    expect(lines).toContain('  after crash n1 at 3.00 s: did not converge before the next change');
    expect(lines).toContain('  after restart n1 at 4.00 s: converged in 800 ms');
    expect(lines).toContain('  after partition p1 at 6.00 s: not converged at stop');
    const never = formatReport({ ...r, routing: routing([{ at_ms: 0, cause: 'start', converged_ms: null }]) });
    expect(never).toContain('after start: not converged at stop');
    expect(never).not.toContain('never');
  });

  it('puts a count of one in the singular: 1 node, 1 link', () => {
    const lines = linesOf(input([node('n0'), node('n1')], { config: { ...input([]).config, nodes: 1 } }));
    expect(lines.find((l) => l.startsWith('graph:'))).toMatch(/^graph: mesh, 2 nodes, 1 link, /);
    expect(lines.find((l) => l.startsWith('run r1:'))).toMatch(/^run r1: seed 42, 1 node, /);
  });

  it('says "no samples" for latencies of a run without messages, no dashes with a unit', () => {
    const text = formatReport(analyze(input([node('n0'), node('n1')])));
    expect(text).toContain('latency ms (observed):  no samples');
    expect(text).not.toMatch(/- ms/);
  });
});
