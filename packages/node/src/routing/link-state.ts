/**
 * Link-state routing (as OSPF): hellos find which neighbours are alive and hear this node back
 * (two-way); each node floods an advertisement (LSA) of its two-way neighbours with a sequence
 * number whenever they change and every few intervals; every node keeps the newest LSA of each
 * origin, drops those that age out, and runs a shortest-path search (breadth first: every link
 * costs one hop) over the links both ends advertise.
 */
import { compareNodeIds, DEAD_INTERVALS, LSA_REFRESH_INTERVALS, type Lsa, type RoutingBody } from '@agentnet/protocol';
import { sameRoutes, type RouteEntry, type Router, type RouterHost } from './router.js';

interface Stored {
  seq: number;
  links: string[];
  /** Local time the LSA expires unless refreshed. */
  expiresAt: number;
  /** Local time it was received, to age it when passed on. */
  receivedAt: number;
  age: number;
}

export class LinkStateRouter implements Router {
  private readonly heard = new Map<string, { at: number; hearsMe: boolean }>();
  private readonly lsdb = new Map<string, Stored>();
  private table = new Map<string, RouteEntry>();
  /** Sequence numbers start from the clock, so a restarted node's LSAs are newer than its old ones. */
  private seq: number;
  private adjacent: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private running = false;
  /** Local time of the last origination, and a deferred one waiting for the minimum gap. */
  private originatedAt = -Infinity;
  private deferred: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: RouterHost,
    private readonly intervalMs: number,
  ) {
    this.seq = Math.floor(host.now());
  }

  private get maxAgeMs(): number {
    return 3 * LSA_REFRESH_INTERVALS * this.intervalMs + DEAD_INTERVALS * this.intervalMs;
  }

  start(): void {
    this.running = true;
    this.originate();
    this.hello();
    this.timer = setInterval(() => this.tick(), this.intervalMs);
  }

  stop(): void {
    this.running = false;
    clearInterval(this.timer);
    clearTimeout(this.deferred);
  }

  receive(from: string, body: RoutingBody): void {
    if (!this.host.neighbours.includes(from)) return;
    if (body.type === 'hello') {
      const was = this.heard.get(from);
      this.heard.set(from, { at: this.host.now(), hearsMe: body.heard.includes(this.host.self) });
      // A neighbour that hears this node for the first time gets a hello back at once, so the
      // two-way check does not wait a whole interval.
      if (!was?.hearsMe && !body.heard.includes(this.host.self)) this.helloTo(from);
      this.checkAdjacency();
    } else if (body.type === 'lsa') {
      // A neighbour busy flooding may send its hellos late, but its LSAs show it is alive; a
      // starved cluster otherwise flaps adjacencies, and every flap floods more LSAs.
      const h = this.heard.get(from);
      if (h) h.at = this.host.now();
      this.onLsa(from, body);
    }
  }

  linkDown(neighbour: string): void {
    if (this.heard.delete(neighbour)) this.checkAdjacency();
  }

  linkUp(neighbour: string): void {
    if (this.running) this.helloTo(neighbour);
  }

  nextHop(dest: string): string | undefined {
    return this.table.get(dest)?.next;
  }

  routes(): RouteEntry[] {
    return [...this.table.values()].sort((a, b) => compareNodeIds(a.dest, b.dest));
  }

  private tick(): void {
    this.ticks++;
    // Timers run before the event loop reads its sockets: after a stall of this process, the
    // neighbours' hellos are still unread, so expiry waits until they have been taken in.
    setImmediate(() => {
      if (this.running) this.expire();
    });
  }

  private expire(): void {
    const now = this.host.now();
    for (const [nb, h] of this.heard) if (h.at < now - DEAD_INTERVALS * this.intervalMs) this.heard.delete(nb);
    let expired = false;
    for (const [origin, lsa] of this.lsdb) {
      if (origin !== this.host.self && lsa.expiresAt < now) {
        this.lsdb.delete(origin);
        expired = true;
      }
    }
    this.hello();
    if (!this.checkAdjacency() && this.ticks % LSA_REFRESH_INTERVALS === 0) this.originate();
    if (expired) this.compute();
  }

  private hello(): void {
    for (const nb of this.host.neighbours) if (this.host.linkOpen(nb)) this.helloTo(nb);
  }

  private helloTo(nb: string): void {
    const now = this.host.now();
    const heard = [...this.heard].filter(([, h]) => h.at >= now - DEAD_INTERVALS * this.intervalMs).map(([id]) => id);
    this.host.send(nb, { type: 'hello', heard });
  }

  /** Re-originates this node's LSA when its two-way neighbours changed; returns whether they did. */
  private checkAdjacency(): boolean {
    const adjacent = [...this.heard].filter(([, h]) => h.hearsMe).map(([id]) => id).sort(compareNodeIds);
    if (adjacent.join() === this.adjacent.join()) return false;
    const fresh = adjacent.filter((nb) => !this.adjacent.includes(nb));
    this.adjacent = adjacent;
    this.originate();
    // A new adjacency gets the whole database (the database exchange of OSPF, in one go).
    for (const nb of fresh) for (const origin of this.lsdb.keys()) this.sendLsa(nb, origin);
    return true;
  }

  /**
   * Floods a new LSA of this node. At most one per interval (OSPF's MinLSInterval): adjacencies
   * that flap while processes are starved of CPU would otherwise flood the network with LSAs,
   * which starves them further. A change inside the gap goes out at its end.
   */
  private originate(): void {
    const now = this.host.now();
    const wait = this.originatedAt + this.intervalMs - now;
    if (wait > 0) {
      this.deferred ??= setTimeout(() => {
        this.deferred = undefined;
        if (this.running) this.originate();
      }, wait);
      return;
    }
    this.originatedAt = now;
    this.seq++;
    this.lsdb.set(this.host.self, { seq: this.seq, links: this.adjacent, expiresAt: Infinity, receivedAt: now, age: 0 });
    this.flood(this.host.self, undefined);
    this.compute();
  }

  private onLsa(from: string, lsa: Lsa): void {
    const now = this.host.now();
    const stored = this.lsdb.get(lsa.origin);
    if (lsa.origin === this.host.self) {
      // An LSA of this node newer than its own (from before a restart): outbid it. Its own LSA
      // coming back at the same sequence is just the flood's echo.
      if (lsa.seq > this.seq) {
        this.seq = lsa.seq;
        this.originate();
      }
      return;
    }
    if (stored && lsa.seq <= stored.seq) {
      // The sender has an older copy: send it ours so it catches up.
      if (lsa.seq < stored.seq) this.sendLsa(from, lsa.origin);
      return;
    }
    if (lsa.age_ms >= this.maxAgeMs) return;
    this.lsdb.set(lsa.origin, { seq: lsa.seq, links: lsa.links, expiresAt: now + this.maxAgeMs - lsa.age_ms, receivedAt: now, age: lsa.age_ms });
    this.flood(lsa.origin, from);
    this.compute();
  }

  private flood(origin: string, except: string | undefined): void {
    for (const nb of this.adjacent) if (nb !== except) this.sendLsa(nb, origin);
  }

  private sendLsa(nb: string, origin: string): void {
    const s = this.lsdb.get(origin);
    if (!s || !this.host.linkOpen(nb)) return;
    const age = s.age + (this.host.now() - s.receivedAt);
    this.host.send(nb, { type: 'lsa', origin, seq: s.seq, age_ms: origin === this.host.self ? 0 : age, links: s.links });
  }

  /** Breadth-first search over two-way links; among equal paths the lowest-numbered first hop. */
  private compute(): void {
    const self = this.host.self;
    const linked = (a: string, b: string) => (this.lsdb.get(a)?.links.includes(b) ?? false) && (this.lsdb.get(b)?.links.includes(a) ?? false);
    const next = new Map<string, RouteEntry>();
    const firstHop = new Map<string, string>([[self, self]]);
    let frontier = [self];
    for (let hops = 1; frontier.length > 0; hops++) {
      const layer = new Map<string, string>();
      for (const u of frontier) {
        for (const v of this.lsdb.get(u)?.links ?? []) {
          if (firstHop.has(v) || !linked(u, v)) continue;
          const via = u === self ? v : (firstHop.get(u) as string);
          const known = layer.get(v);
          if (known === undefined || compareNodeIds(via, known) < 0) layer.set(v, via);
        }
      }
      for (const [v, via] of layer) {
        firstHop.set(v, via);
        next.set(v, { dest: v, next: via, hops });
      }
      frontier = [...layer.keys()];
    }
    if (sameRoutes(next, this.table)) return;
    this.table = next;
    this.host.changed();
  }
}
