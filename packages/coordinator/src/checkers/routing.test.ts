/**
 * The routing checker: a table set is converged only when every live node has exactly the shortest
 * paths of the live graph (right hop count, a next hop on a shortest path, no route to what is
 * unreachable or down), and convergence is timed from each change.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Route } from '@agentnet/protocol';
import { RoutingChecker, type LiveState } from './routing.js';
import { allPairsHops, makeGraph, withoutEdges, type Graph } from '../topology/topology.js';
import { createLogger } from '@agentnet/protocol';

const { log } = createLogger({ role: 'coordinator', level: 'silent', pretty: false });
const NONE = { sent: 0, bytes: 0, received: 0, dropped: 0 };
const ring = (n: number): Graph => makeGraph(Array.from({ length: n }, (_, i) => `n${i}`), Array.from({ length: n }, (_, i) => [`n${i}`, `n${(i + 1) % n}`] as [string, string]));

/** The tables a correct router would hold on `graph`: shortest paths, lowest-numbered next hop. */
function correctTables(graph: Graph): Map<string, Route[]> {
  const dist = allPairsHops(graph);
  const out = new Map<string, Route[]>();
  for (const u of graph.nodes) {
    const routes: Route[] = [];
    for (const v of graph.nodes) {
      const d = dist.get(u)?.get(v);
      if (v === u || d === undefined) continue;
      const next = (graph.adjacency.get(u) ?? []).find((nb) => dist.get(nb)?.get(v) === d - 1) as string;
      routes.push([v, next, d]);
    }
    out.set(u, routes);
  }
  return out;
}

describe('RoutingChecker', () => {
  let live: LiveState;
  let checker: RoutingChecker;
  const graph = ring(6);
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    live = { down: new Set(), cuts: new Set() };
    checker = new RoutingChecker(graph, { protocol: 'distance-vector', interval_ms: 100, ttl: 8 }, () => live, () => Date.now() - 1_000_000, log);
  });
  afterEach(() => vi.useRealTimers());

  const report = (tables: Map<string, Route[]>) => {
    for (const [node, routes] of tables) checker.onRoutes(node, routes, NONE, NONE);
  };

  it('times convergence from the start and accepts only shortest-path tables', () => {
    checker.start();
    const right = correctTables(graph);
    const wrong = new Map(right);
    // n0 -> n3 the long way round in a 6-ring is still 3 hops, but via n1 -> n2 -> n3 and via n5 -> n4 -> n3 both are shortest; a 4-hop route is not.
    wrong.set('n0', (right.get('n0') ?? []).map(([d, nx, h]) => (d === 'n2' ? ['n2', 'n5', 4] : [d, nx, h])) as Route[]);
    vi.advanceTimersByTime(300);
    report(wrong);
    expect(checker.firstMismatch()).toBe('n0 routes to n2 via n5 in 4 hops, shortest is 2');
    expect(checker.convergence[0]?.converged_ms).toBeNull();
    vi.advanceTimersByTime(200);
    report(right);
    expect(checker.firstMismatch()).toBeUndefined();
    expect(checker.convergence).toEqual([{ at_ms: 0, cause: 'start', converged_ms: 500 }]);
  });

  it('after a cut, wants the new shortest paths and no route through the cut link', () => {
    checker.start();
    report(correctTables(graph));
    vi.advanceTimersByTime(1000);
    live = { down: new Set(), cuts: new Set(['n0>n1']) };
    checker.changed('partition p1');
    expect(checker.firstMismatch()).toMatch(/^n0 routes to n1 via n1/);
    vi.advanceTimersByTime(250);
    report(correctTables(withoutEdges(graph, [['n0', 'n1']])));
    expect(checker.convergence[1]).toEqual({ at_ms: 1000, cause: 'partition p1', converged_ms: 250 });
    // The live graph of each moment is kept for stretch.
    expect(checker.distancesAt(1_000_500)?.get('n0')?.get('n1')).toBe(1);
    expect(checker.distancesAt(Date.now())?.get('n0')?.get('n1')).toBe(5);
  });

  it('wants no route to a node that is down, and none from it', () => {
    checker.start();
    live = { down: new Set(['n3']), cuts: new Set() };
    checker.changed('lost n3');
    report(correctTables(graph));
    expect(checker.firstMismatch()).toMatch(/routes to unreachable n3|routes to n\d via/);
    const tables = correctTables(makeGraph(graph.nodes, graph.edges.filter(([a, b]) => a !== 'n3' && b !== 'n3')));
    tables.delete('n3');
    report(tables);
    expect(checker.firstMismatch()).toBeUndefined();
    // The change before it never converged.
    expect(checker.convergence.map((c) => c.converged_ms === null)).toEqual([true, false]);
  });
});
