/**
 * Multi-hop routing: the settings a node gets in `init`, the control-plane bodies routers exchange
 * with their neighbours (real messages on the same links, shaped like any other), and the route
 * tables nodes report to the coordinator so it can judge convergence against the live graph.
 */
import { z } from 'zod';
import { NodeId } from './envelope.js';

export const RoutingProtocolName = z.enum(['distance-vector', 'link-state']);
export type RoutingProtocolName = z.infer<typeof RoutingProtocolName>;

export const RoutingSettings = z.object({
  protocol: RoutingProtocolName,
  /** Period of distance-vector updates and link-state hellos, ms; a neighbour is dead after 3.5 of them. */
  interval_ms: z.number().int().min(10).max(60_000),
  /** Hops a data message may take before it is dropped with reason `ttl`. */
  ttl: z.number().int().min(1).max(10_000),
});
export type RoutingSettings = z.infer<typeof RoutingSettings>;

/**
 * Distance-vector update: the sender's whole vector, [dest, hops]. With poisoned reverse a route
 * through the receiver is sent as `infinity`; a destination left out is unreachable.
 */
export const DvUpdate = z.object({
  type: z.literal('dv'),
  infinity: z.number().int().positive(),
  entries: z.array(z.tuple([NodeId, z.number().int().nonnegative()])),
});
export type DvUpdate = z.infer<typeof DvUpdate>;

/** Link-state hello: liveness, and which neighbours the sender hears (the two-way check). */
export const Hello = z.object({ type: z.literal('hello'), heard: z.array(NodeId) });
export type Hello = z.infer<typeof Hello>;

/** Link-state advertisement: `origin`'s two-way neighbours at sequence `seq`, `age_ms` old. */
export const Lsa = z.object({
  type: z.literal('lsa'),
  origin: NodeId,
  seq: z.number().int().nonnegative(),
  age_ms: z.number().nonnegative(),
  links: z.array(NodeId),
});
export type Lsa = z.infer<typeof Lsa>;

export const ROUTING_BODIES = { dv: DvUpdate, hello: Hello, lsa: Lsa };
export type RoutingBody = DvUpdate | Hello | Lsa;

/** Messages and bytes one node put on its links, received, and dropped, for one plane. */
export const PlaneCounts = z.object({
  sent: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
});
export type PlaneCounts = z.infer<typeof PlaneCounts>;

/** One route: to `dest` through neighbour `next`, `hops` away. */
export const Route = z.tuple([NodeId, NodeId, z.number().int().positive()]);
export type Route = z.infer<typeof Route>;

/** A node's route table whenever it changed (node -> coordinator), at most every few ms. */
export const Routes = z.object({
  type: z.literal('routes'),
  /** Epoch ms when this report was sent (at most ROUTES_REPORT_MS after the table took this shape, or at stop). */
  at: z.number(),
  routes: z.array(Route),
  /** Routing (control-plane) traffic of this node so far. */
  control: PlaneCounts,
  /** Data-plane traffic of this node so far, every hop counted where it left. */
  data: PlaneCounts,
});
export type Routes = z.infer<typeof Routes>;
