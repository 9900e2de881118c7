/**
 * A node's routing: the protocol `init` names, wired to the node's links (routing messages go
 * through the data path's shaper and faults), and the route table reported to the coordinator
 * whenever it changes (at most every ROUTES_REPORT_MS), so the coordinator can judge convergence.
 */
import { ROUTES_REPORT_MS, type Logger, type RoutingBody, type RoutingSettings, type Routes } from '@agentnet/protocol';
import type { DataPath } from '../network/data-path.js';
import type { PeerMesh } from '../links/peer-mesh.js';
import { DistanceVectorRouter } from './distance-vector.js';
import { LinkStateRouter } from './link-state.js';
import type { Router } from './router.js';

export interface NodeRoutingOptions {
  settings: RoutingSettings;
  self: string;
  nodeIds: readonly string[];
  neighbours: readonly string[];
  data: () => DataPath | undefined;
  mesh: PeerMesh;
  log: Logger;
  report: (routes: Routes) => void;
}

export class NodeRouting {
  private readonly router: Router;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly o: NodeRoutingOptions) {
    const host = {
      self: o.self,
      nodeIds: o.nodeIds,
      neighbours: o.neighbours,
      send: (nb: string, body: RoutingBody) => o.data()?.sendRouting(nb, body),
      linkOpen: (nb: string) => o.mesh.link(nb)?.usable ?? false,
      now: () => Date.now(),
      changed: () => this.changed(),
    };
    const interval = o.settings.interval_ms;
    this.router = o.settings.protocol === 'link-state' ? new LinkStateRouter(host, interval) : new DistanceVectorRouter(host, interval);
  }

  get ttl(): number {
    return this.o.settings.ttl;
  }

  nextHop(dest: string): string | undefined {
    return this.router.nextHop(dest);
  }

  start(): void {
    this.running = true;
    this.router.start();
    this.o.log.info({ protocol: this.o.settings.protocol, interval_ms: this.o.settings.interval_ms, ttl: this.o.settings.ttl }, 'routing_start');
  }

  /** Stops the protocol and sends the last table with the final traffic counts. */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.router.stop();
    clearTimeout(this.timer);
    this.timer = undefined;
    this.report();
  }

  receive(from: string, body: RoutingBody): void {
    this.o.data()?.receivedRouting();
    if (this.running) this.router.receive(from, body);
  }

  linkUp(peer: string): void {
    if (this.running) this.router.linkUp(peer);
  }

  linkDown(peer: string): void {
    if (this.running) this.router.linkDown(peer);
  }

  private changed(): void {
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      if (this.running) this.report();
    }, ROUTES_REPORT_MS);
  }

  private report(): void {
    const data = this.o.data();
    const routes = this.router.routes();
    const none = { sent: 0, bytes: 0, received: 0, dropped: 0 };
    this.o.report({
      type: 'routes',
      at: Date.now(),
      routes: routes.map((r) => [r.dest, r.next, r.hops]),
      control: { ...(data?.routingCounts ?? none) },
      data: { ...(data?.data ?? none) },
    });
    this.o.log.debug({ routes: routes.length }, 'routes');
  }
}
