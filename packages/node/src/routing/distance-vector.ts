/**
 * Distance-vector routing (Bellman-Ford, as RIP): every interval, and at once after a change, a
 * node sends each neighbour its whole vector of hop counts. Split horizon with poisoned reverse:
 * a route learned through a neighbour goes back to it as infinity, which stops two-node loops;
 * longer loops count up to infinity, bounded by the number of nodes. A neighbour not heard from
 * for 3.5 intervals, or whose socket closed, is dead and its vector forgotten.
 */
import { compareNodeIds, DEAD_INTERVALS, type DvUpdate, type RoutingBody } from '@agentnet/protocol';
import { sameRoutes, type RouteEntry, type Router, type RouterHost } from './router.js';

export class DistanceVectorRouter implements Router {
  private readonly infinity: number;
  /** Each live neighbour's last vector and when it came. */
  private readonly vectors = new Map<string, { metrics: Map<string, number>; heardAt: number }>();
  private table = new Map<string, RouteEntry>();
  private timer: NodeJS.Timeout | undefined;
  private triggered: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly host: RouterHost,
    private readonly intervalMs: number,
  ) {
    this.infinity = host.nodeIds.length;
  }

  start(): void {
    this.running = true;
    this.advertise();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.triggered);
  }

  receive(from: string, body: RoutingBody): void {
    if (body.type !== 'dv' || !this.host.neighbours.includes(from)) return;
    // The sender's infinity is the same run's node count; anything at or above it is no route.
    const metrics = new Map(body.entries.filter(([, hops]) => hops < Math.min(body.infinity, this.infinity)));
    this.vectors.set(from, { metrics, heardAt: this.host.now() });
    this.recompute();
  }

  linkDown(neighbour: string): void {
    if (this.vectors.delete(neighbour)) this.recompute();
  }

  linkUp(neighbour: string): void {
    // A neighbour that (re)appears learns this node's vector now rather than an interval later.
    if (this.running) this.sendTo(neighbour);
  }

  nextHop(dest: string): string | undefined {
    return this.table.get(dest)?.next;
  }

  routes(): RouteEntry[] {
    return [...this.table.values()].sort((a, b) => compareNodeIds(a.dest, b.dest));
  }

  private tick(): void {
    // Timers run before the event loop reads its sockets: after a stall of this process, the
    // neighbours' vectors are still unread, so expiry waits until they have been taken in.
    setImmediate(() => {
      if (this.running) this.expire();
    });
  }

  private expire(): void {
    const deadline = this.host.now() - DEAD_INTERVALS * this.intervalMs;
    let lost = false;
    for (const [nb, v] of this.vectors) {
      if (v.heardAt < deadline) {
        this.vectors.delete(nb);
        lost = true;
      }
    }
    if (lost) this.recompute();
    this.advertise();
  }

  private recompute(): void {
    const next = new Map<string, RouteEntry>();
    // Neighbours in index order: among equal routes the lowest-numbered next hop wins, so tables
    // do not depend on the order updates arrived in.
    for (const nb of [...this.vectors.keys()].sort(compareNodeIds)) {
      for (const [dest, metric] of this.vectors.get(nb)?.metrics ?? []) {
        const hops = metric + 1;
        if (dest === this.host.self || hops >= this.infinity) continue;
        const best = next.get(dest);
        if (!best || hops < best.hops) next.set(dest, { dest, next: nb, hops });
      }
    }
    if (sameRoutes(next, this.table)) return;
    this.table = next;
    this.host.changed();
    // Triggered update, batched with whatever else changes in this turn of the event loop.
    if (this.running && !this.triggered) {
      this.triggered = setTimeout(() => {
        this.triggered = undefined;
        this.advertise();
      }, 0);
    }
  }

  private advertise(): void {
    for (const nb of this.host.neighbours) if (this.host.linkOpen(nb)) this.sendTo(nb);
  }

  private sendTo(nb: string): void {
    const entries: DvUpdate['entries'] = [[this.host.self, 0]];
    for (const r of this.table.values()) entries.push([r.dest, r.next === nb ? this.infinity : r.hops]);
    this.host.send(nb, { type: 'dv', infinity: this.infinity, entries });
  }
}
