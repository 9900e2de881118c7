/**
 * What a routing protocol needs from its node and offers it. A protocol only talks to its
 * topology neighbours, through the node's link shaper (so routing traffic meets the same delays,
 * losses and partitions as data); the node asks it for next hops and reports its table.
 */
import type { RoutingBody } from '@agentnet/protocol';

export interface RouteEntry {
  dest: string;
  next: string;
  hops: number;
}

export interface RouterHost {
  readonly self: string;
  /** Every node of the run, for the bound on path length (count to infinity stops at its size). */
  readonly nodeIds: readonly string[];
  /** This node's neighbours in the topology. */
  readonly neighbours: readonly string[];
  /** Sends a routing body to a neighbour, through the link shaper. */
  send(neighbour: string, body: RoutingBody): void;
  /** The socket to the neighbour is open (a closed one means the neighbour is gone now). */
  linkOpen(neighbour: string): boolean;
  now(): number;
  /** The route table changed. */
  changed(): void;
}

export interface Router {
  start(): void;
  stop(): void;
  receive(from: string, body: RoutingBody): void;
  /** The socket to a neighbour closed: no need to wait for the dead interval. */
  linkDown(neighbour: string): void;
  /** The socket to a neighbour (re)opened. */
  linkUp(neighbour: string): void;
  nextHop(dest: string): string | undefined;
  /** The table, sorted by destination. */
  routes(): RouteEntry[];
}


/** Whether two tables differ. */
export function sameRoutes(a: ReadonlyMap<string, RouteEntry>, b: ReadonlyMap<string, RouteEntry>): boolean {
  if (a.size !== b.size) return false;
  for (const [dest, r] of a) {
    const o = b.get(dest);
    if (!o || o.next !== r.next || o.hops !== r.hops) return false;
  }
  return true;
}
