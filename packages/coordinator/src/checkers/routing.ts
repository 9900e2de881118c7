/**
 * Judges routing while the run goes on: every node reports its route table when it changes; the
 * checker holds them against the live graph (the topology without cut links and without nodes that
 * are down or paused) and notes, after the start and after every topology change, how long the
 * tables took to become shortest-path tables again. It also keeps the live graph's history, so the
 * analysis can measure each delivered message's stretch against the graph of its time.
 */
import type { Logger, PlaneCounts, Route, RoutingSettings } from '@agentnet/protocol';
import { allPairsHops, withoutEdges, withoutNodes, type Graph } from '../topology/topology.js';

/** What is out of the graph at one moment. */
export interface LiveState {
  down: ReadonlySet<string>;
  /** Directed cuts `src>dest`; an edge is out when either direction is cut. */
  cuts: ReadonlySet<string>;
}

export interface Convergence {
  at_ms: number;
  cause: string;
  /** ms from the change until every table was right, or null when it never was before the run ended (or the next change). */
  converged_ms: number | null;
}

interface Epoch {
  /** Epoch ms from which this live graph held. */
  from: number;
  key: string;
  state: LiveState;
}

export class RoutingChecker {
  private readonly tables = new Map<string, Map<string, { next: string; hops: number }>>();
  /** The last traffic counts of each node process (`n3#1`: n3's process after one restart). */
  readonly counts = new Map<string, { control: PlaneCounts; data: PlaneCounts }>();
  readonly convergence: Convergence[] = [];
  private pending: Array<{ index: number; atEpochMs: number }> = [];
  private readonly epochs: Epoch[] = [];
  /** Each live graph seen, and its hop distances, by the key of its state: built once each. */
  private readonly liveGraphs = new Map<string, { graph: Graph; distances: Map<string, Map<string, number>> }>();
  /** Epoch ms when traffic (and routing) started. */
  startEpochMs = 0;
  /** Set at stop: nodes leaving is not a topology change, and their last tables judge nothing. */
  private frozen = false;

  constructor(
    readonly graph: Graph,
    readonly settings: RoutingSettings,
    private readonly live: () => LiveState,
    private readonly elapsedMs: () => number,
    private readonly log: Logger,
  ) {}

  /** A node's table and traffic counts (kept per process: a restarted node's old counts stay). */
  onRoutes(node: string, routes: Route[], control: PlaneCounts, data: PlaneCounts, incarnation = 0): void {
    this.tables.set(node, new Map(routes.map(([dest, next, hops]) => [dest, { next, hops }])));
    this.counts.set(`${node}#${incarnation}`, { control, data });
    if (this.frozen) return;
    this.evaluate();
    this.log.debug({ node_id: node, routes: routes.length, pending: this.pending.length }, 'routes');
  }

  /** Traffic and routing start: the first convergence is timed from now. */
  start(): void {
    this.startEpochMs = Date.now();
    this.changed('start');
  }

  /** The run stops: what is still pending never converged. */
  freeze(): void {
    this.frozen = true;
    this.pending = [];
  }

  /** The topology changed: convergence is timed from now. */
  changed(cause: string): void {
    if (this.frozen) return;
    const state = this.live();
    const key = keyOf(state);
    if (this.epochs.at(-1)?.key !== key || this.epochs.length === 0) this.epochs.push({ from: Date.now(), key, state });
    // A change that comes before the last one converged ends that one's chance: it stays null.
    this.pending = [];
    this.convergence.push({ at_ms: Math.round(this.elapsedMs()), cause, converged_ms: null });
    this.pending.push({ index: this.convergence.length - 1, atEpochMs: Date.now() });
    this.evaluate();
  }

  /** Hop distances in the live graph that held at epoch ms `t`. */
  distancesAt(t: number): Map<string, Map<string, number>> | undefined {
    let epoch: Epoch | undefined;
    for (const e of this.epochs) if (e.from <= t) epoch = e;
    return epoch ? this.liveOf(epoch.key, epoch.state).distances : undefined;
  }

  /** The topology without cut links and down nodes, with its hop distances. */
  private liveOf(key: string, state: LiveState): { graph: Graph; distances: Map<string, Map<string, number>> } {
    let live = this.liveGraphs.get(key);
    if (!live) {
      const cutEdges = this.graph.edges.filter(([a, b]) => state.cuts.has(`${a}>${b}`) || state.cuts.has(`${b}>${a}`));
      const graph = withoutNodes(withoutEdges(this.graph, cutEdges), state.down);
      live = { graph, distances: allPairsHops(graph) };
      this.liveGraphs.set(key, live);
    }
    return live;
  }

  private evaluate(): void {
    if (this.pending.length === 0) return;
    const state = this.live();
    const mismatch = this.firstMismatch(state);
    if (mismatch !== undefined) return;
    const now = Date.now();
    for (const p of this.pending) {
      const c = this.convergence[p.index] as Convergence;
      c.converged_ms = Math.max(0, Math.round(now - p.atEpochMs));
      this.log.info({ cause: c.cause, converged_ms: c.converged_ms }, 'converged');
    }
    this.pending = [];
  }

  /** The first route that is not a shortest path of the live graph, if any. */
  firstMismatch(state: LiveState = this.live()): string | undefined {
    const { graph, distances: dist } = this.liveOf(keyOf(state), state);
    const adjacency = graph.adjacency;
    const live = this.graph.nodes.filter((id) => !state.down.has(id));
    for (const u of live) {
      const table = this.tables.get(u);
      if (!table) return `${u} has reported no table`;
      const du = dist.get(u);
      for (const v of this.graph.nodes) {
        if (v === u) continue;
        const want = state.down.has(v) ? undefined : du?.get(v);
        const got = table.get(v);
        if (want === undefined) {
          if (got) return `${u} routes to unreachable ${v} via ${got.next}`;
          continue;
        }
        if (!got) return `${u} has no route to ${v} (${want} hops)`;
        if (got.hops !== want || dist.get(got.next)?.get(v) !== want - 1 || !adjacency.get(u)?.includes(got.next)) {
          return `${u} routes to ${v} via ${got.next} in ${got.hops} hops, shortest is ${want}`;
        }
      }
    }
    return undefined;
  }
}

function keyOf(state: LiveState): string {
  return `${[...state.down].sort().join(',')}|${[...state.cuts].sort().join(',')}`;
}
