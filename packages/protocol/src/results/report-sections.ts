/**
 * report.json's sections that only some runs have: the graph (every run, drawn in graph.svg),
 * routing (`--routing`), broadcast (`--traffic broadcast`) and the client workload (`--workload`).
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';
import { ClientId, KvKey, KvValue } from '../wire/kv-messages.js';
import { Percentiles } from './report-stats.js';

/** A graph in numbers: size, degree distribution, diameter and average shortest path in hops. */
export const GraphMetrics = z.object({
  nodes: z.number().int().nonnegative(),
  edges: z.number().int().nonnegative(),
  connected: z.boolean(),
  /** The most hops between two nodes; over reachable pairs only when the graph is disconnected. */
  diameter: z.number().int().nonnegative(),
  degree: z.object({
    min: z.number().int().nonnegative(),
    max: z.number().int().nonnegative(),
    mean: z.number().nonnegative(),
    /** How many nodes have each degree, keyed by the degree. */
    histogram: z.record(z.string().regex(/^\d+$/), z.number().int().positive()),
  }),
  /** Mean hops over ordered pairs of distinct nodes that reach each other; 0 with no such pair. */
  average_shortest_path: z.number().nonnegative(),
});
export type GraphMetrics = z.infer<typeof GraphMetrics>;

/** The topology as built: its shape in numbers, its links, and its drawing. */
export const GraphReport = GraphMetrics.extend({
  /** The topology in `--topology` form (`ring`, `random:0.2`, `file:net.yaml`, ...). */
  topology: z.string(),
  /** Each link once, [a, b]; null above 10,000 links (a large mesh), to keep the report readable. */
  edge_list: z.array(z.tuple([z.string(), z.string()])).nullable(),
  /** The drawing in the run directory (`graph.svg`), or null when the graph was too large to draw. */
  svg: z.string().nullable(),
});
export type GraphReport = z.infer<typeof GraphReport>;

const PlaneTotals = z.object({ sent: z.number().int(), bytes: z.number().int(), received: z.number().int(), dropped: z.number().int() });

/** Multi-hop routing (`--routing`): convergence, paths taken, and what the routing itself cost. */
export const RoutingReport = z.object({
  protocol: z.string(),
  interval_ms: z.number(),
  ttl: z.number().int(),
  /** ms from the start of traffic until every table was a shortest-path table; null if never. */
  converged_ms: z.number().nullable(),
  /** After the start and every topology change (ms since start, cause): how long until converged again. */
  convergence: z.array(z.object({ at_ms: z.number(), cause: z.string(), converged_ms: z.number().nullable() })),
  /** Links taken by delivered messages. */
  hops: Percentiles,
  /** How many delivered messages took each number of links, keyed by the count. */
  hops_histogram: z.record(z.string().regex(/^\d+$/), z.number().int().positive()),
  /** Hops taken / shortest path in the live graph when the message was sent (1 = a shortest path). */
  stretch: Percentiles,
  /** Routing messages (hellos, vectors, LSAs) over all nodes, from their last reports (lost nodes' last counts). */
  control_messages: PlaneTotals,
  /** Data messages per hop: every link a data message (or copy) left on. */
  data_messages: PlaneTotals,
  /** Data messages dropped for want of a route or of hops left. */
  dropped: z.object({ no_route: z.number().int(), ttl: z.number().int() }),
  /** TTL drops of messages sent while the tables were converged (after any convergence, before the next change): a forwarding loop shows here. */
  ttl_after_convergence: z.number().int(),
  /** When the tables were not shortest paths at the end: the first wrong route, to start looking; else null. */
  mismatch_at_end: z.string().nullable(),
});
export type RoutingReport = z.infer<typeof RoutingReport>;

/** `--traffic broadcast`: what each broadcast cost and how far and fast it spread. */
export const BroadcastReport = z.object({
  mode: z.enum(['flood', 'gossip']),
  fanout: z.number().int(),
  /** Broadcasts started. */
  broadcasts: z.number().int(),
  /** Broadcasts that reached every node. */
  complete: z.number().int(),
  /** Hop messages per broadcast (every copy on every link). */
  messages: Percentiles,
  /** Rounds until the last node first heard a complete broadcast (1 = the origin's own sends). */
  rounds: Percentiles,
  /** Share of the nodes each broadcast reached. */
  reached: Percentiles,
  /** Copies received by nodes that already had the value, per broadcast. */
  duplicates: Percentiles,
  /** Flooding: messages a broadcast takes on this graph without loss, 2 x links - nodes + 1. */
  flood_expected_messages: z.number().int().nullable(),
});
export type BroadcastReport = z.infer<typeof BroadcastReport>;

/** Operations of one kind (read, write or cas) by outcome. */
const OutcomeCounts = z.object({ ok: z.number().int(), fail: z.number().int(), info: z.number().int() });

/** `--workload kv`: what the clients did and saw (the operations themselves are in history.jsonl). */
export const WorkloadReport = z.object({
  kind: z.literal('kv'),
  /** Operations per second over all clients (`--rate`), clients (`--concurrency`), keys (`--keys`). */
  rate: z.number(),
  concurrency: z.number().int(),
  keys: z.number().int(),
  /** How long a client waits for a reply before the operation is `info`. */
  op_timeout_ms: z.number(),
  /** The file holding every operation, in the run directory. */
  history: z.string(),
  /** Operations during the run (the final reads apart), by kind and outcome. */
  ops: z.object({ read: OutcomeCounts, write: OutcomeCounts, cas: OutcomeCounts }),
  /** Invoke to completion of the `ok` operations (final reads apart). */
  ok_latency_ms: Percentiles,
  /** Per second of the duration: operations invoked, and those that completed `ok`. */
  throughput: z.object({ invoked_per_s: z.number(), ok_per_s: z.number() }),
  /** The read of every key after the settle; `ok` false when no attempt got an answer in time. */
  final_reads: z.array(z.object({ key: KvKey, ok: z.boolean(), value: KvValue.nullable(), node: NodeId.nullable(), attempts: z.number().int() })),
  /** The clients' messages in the journal: their requests by status, and the replies they received. */
  clients: z.array(z.object({ id: ClientId, sent: z.number().int(), received: z.number().int(), dropped: z.number().int(), in_flight: z.number().int() })),
});
export type WorkloadReport = z.infer<typeof WorkloadReport>;
