/**
 * Both routing protocols on an in-memory network with fake timers: after convergence every
 * node's route to every destination has the BFS hop count of the live graph and a next hop on a
 * shortest path; after a cut link or a dead node they converge again to the new graph.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keyedRng, type RoutingBody } from '@agentnet/protocol';
import { DistanceVectorRouter } from './distance-vector.js';
import { LinkStateRouter } from './link-state.js';
import type { Router } from './router.js';

const INTERVAL = 100;
type Edge = [string, string];

function ids(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `n${i}`);
}
const ring = (n: number): Edge[] => ids(n).map((id, i) => [id, `n${(i + 1) % n}`]);
function grid(side: number): Edge[] {
  const edges: Edge[] = [];
  for (let r = 0; r < side; r++) {
    for (let c = 0; c < side; c++) {
      if (c + 1 < side) edges.push([`n${r * side + c}`, `n${r * side + c + 1}`]);
      if (r + 1 < side) edges.push([`n${r * side + c}`, `n${(r + 1) * side + c}`]);
    }
  }
  return edges;
}
/** A connected random graph: a random spanning tree plus extra edges, from a fixed seed. */
function randomGraph(n: number, extra: number): Edge[] {
  const rng = keyedRng(5, 'test-graph');
  const edges: Edge[] = [];
  for (let i = 1; i < n; i++) edges.push([`n${rng.int(i)}`, `n${i}`]);
  while (edges.length < n - 1 + extra) {
    const a = rng.int(n);
    const b = rng.int(n);
    if (a !== b && !edges.some(([x, y]) => (x === `n${a}` && y === `n${b}`) || (x === `n${b}` && y === `n${a}`))) edges.push([`n${a}`, `n${b}`]);
  }
  return edges;
}

/** Hop distances from every node over `edges` among the live `nodes`. */
function bfs(nodes: string[], edges: Edge[]): Map<string, Map<string, number>> {
  const adj = new Map(nodes.map((id) => [id, [] as string[]]));
  for (const [a, b] of edges) if (adj.has(a) && adj.has(b)) adj.get(a)?.push(b), adj.get(b)?.push(a);
  const out = new Map<string, Map<string, number>>();
  for (const s of nodes) {
    const dist = new Map([[s, 0]]);
    let frontier = [s];
    while (frontier.length > 0) {
      const nextFrontier: string[] = [];
      for (const u of frontier) for (const v of adj.get(u) ?? []) if (!dist.has(v)) dist.set(v, (dist.get(u) as number) + 1), nextFrontier.push(v);
      frontier = nextFrontier;
    }
    out.set(s, dist);
  }
  return out;
}

class Network {
  readonly routers = new Map<string, Router>();
  readonly cut = new Set<string>();
  readonly down = new Set<string>();
  sent = 0;

  constructor(
    readonly nodes: string[],
    readonly edges: Edge[],
    kind: 'dv' | 'ls',
  ) {
    const neighbours = (id: string) => edges.flatMap(([a, b]) => (a === id ? [b] : b === id ? [a] : []));
    for (const id of nodes) {
      const host = {
        self: id,
        nodeIds: nodes,
        neighbours: neighbours(id),
        send: (to: string, body: RoutingBody) => this.deliver(id, to, body),
        linkOpen: (to: string) => !this.down.has(to) && !this.down.has(id),
        now: () => Date.now(),
        changed: () => {},
      };
      this.routers.set(id, kind === 'dv' ? new DistanceVectorRouter(host, INTERVAL) : new LinkStateRouter(host, INTERVAL));
    }
  }

  /** Messages on the wire; one timer delivers whatever is due (a timer per message is slow with fake timers). */
  private wire: Array<{ at: number; from: string; to: string; body: RoutingBody }> = [];
  private timer: NodeJS.Timeout | undefined;

  private deliver(from: string, to: string, body: RoutingBody): void {
    this.sent++;
    if (this.cut.has(`${from}>${to}`) || this.down.has(to)) return;
    // A copy, as the wire would make; a small per-link delay.
    const copy = JSON.parse(JSON.stringify(body)) as RoutingBody;
    this.wire.push({ at: Date.now() + 1 + (Number(from.slice(1)) % 3), from, to, body: copy });
    this.timer ??= setTimeout(() => this.drain(), 1);
  }

  private drain(): void {
    this.timer = undefined;
    const now = Date.now();
    const due = this.wire.filter((m) => m.at <= now);
    this.wire = this.wire.filter((m) => m.at > now);
    for (const m of due) if (!this.down.has(m.to)) this.routers.get(m.to)?.receive(m.from, m.body);
    if (this.wire.length > 0) this.timer ??= setTimeout(() => this.drain(), 1);
  }

  start(): void {
    for (const r of this.routers.values()) r.start();
  }

  cutEdge(a: string, b: string): void {
    this.cut.add(`${a}>${b}`).add(`${b}>${a}`);
  }

  kill(id: string): void {
    this.down.add(id);
    this.routers.get(id)?.stop();
    for (const [a, b] of this.edges) {
      if (a === id) this.routers.get(b)?.linkDown(a);
      if (b === id) this.routers.get(a)?.linkDown(b);
    }
  }

  /** Every live node's table against BFS on the live graph; returns the mismatches. */
  mismatches(): string[] {
    const live = this.nodes.filter((id) => !this.down.has(id));
    const edges = this.edges.filter(([a, b]) => !this.cut.has(`${a}>${b}`));
    const dist = bfs(live, edges);
    const out: string[] = [];
    for (const u of live) {
      const routes = new Map(this.routers.get(u)?.routes().map((r) => [r.dest, r]));
      for (const v of live) {
        if (v === u) continue;
        const want = dist.get(u)?.get(v);
        const got = routes.get(v);
        if (want === undefined) {
          if (got) out.push(`${u}->${v}: route via ${got.next} to an unreachable node`);
        } else if (!got || got.hops !== want) {
          out.push(`${u}->${v}: ${got ? got.hops : 'no route'} hops, shortest ${want}`);
        } else if (dist.get(got.next)?.get(v) !== want - 1 || !edges.some(([a, b]) => (a === u && b === got.next) || (b === u && a === got.next))) {
          out.push(`${u}->${v}: next hop ${got.next} is not on a shortest path`);
        }
      }
      for (const dead of this.down) if (routes.has(dead)) out.push(`${u}->${dead}: route to a dead node`);
    }
    return out;
  }
}

describe.each(['dv', 'ls'] as const)('%s routing', (kind) => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_795_000_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    ['a 12-node ring', ids(12), ring(12)],
    ['a 16-node grid', ids(16), grid(4)],
    ['a 40-node random graph', ids(40), randomGraph(40, 25)],
  ])('converges to shortest paths on %s, and again after a cut link and a dead node', (_name, nodes, edges) => {
    const net = new Network(nodes, edges, kind);
    net.start();
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(net.mismatches()).toEqual([]);

    const [a, b] = edges[1] as Edge;
    net.cutEdge(a, b);
    vi.advanceTimersByTime(8 * INTERVAL);
    expect(net.mismatches()).toEqual([]);

    net.kill('n5');
    vi.advanceTimersByTime(8 * INTERVAL);
    expect(net.mismatches()).toEqual([]);
    for (const r of net.routers.values()) r.stop();
  });

  it('has no route to a node cut off entirely, and finds it again when the cut heals', () => {
    const nodes = ids(6);
    const edges = ring(6);
    const net = new Network(nodes, edges, kind);
    net.start();
    vi.advanceTimersByTime(10 * INTERVAL);
    net.cutEdge('n2', 'n3');
    net.cutEdge('n3', 'n4');
    vi.advanceTimersByTime(8 * INTERVAL);
    expect(net.mismatches()).toEqual([]);
    expect(net.routers.get('n0')?.nextHop('n3')).toBeUndefined();
    net.cut.clear();
    vi.advanceTimersByTime(6 * INTERVAL);
    expect(net.mismatches()).toEqual([]);
    expect(net.routers.get('n0')?.routes().find((r) => r.dest === 'n3')?.hops).toBe(3);
    for (const r of net.routers.values()) r.stop();
  });
});
