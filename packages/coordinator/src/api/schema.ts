/**
 * What the coordinator's control API (HTTP+JSON on loopback) answers, and the run directory's
 * `control.json` that tells `npm run ctl` where to find it. Request bodies are scenario actions
 * (`Action` in scenario.ts); errors use the wire's error body (`ErrorBody`).
 */
import { z } from 'zod';
import { ByzantineNode, FaultRecord, LinkFault, LinkModel, NodeId, Partition, PartitionMode, PausedNode, PauseMode } from '@agentnet/protocol';

/** Largest request body the API reads; a larger one is refused with 413. */
export const API_BODY_LIMIT_BYTES = 64 * 1024;
/** The file in the run directory that names the API (`{url, pid, run_id}`). */
export const CONTROL_FILE = 'control.json';

export const RunPhase = z.enum(['registering', 'connecting', 'running', 'stopping', 'done']);
export type RunPhase = z.infer<typeof RunPhase>;

export const ApiNode = z.object({
  id: NodeId,
  pid: z.number().int(),
  state: z.enum(['registered', 'ready', 'stopped', 'lost']),
  /** 0 for the first process, +1 per restart. */
  incarnation: z.number().int().nonnegative(),
  /** Set while the node is paused: what happens to messages sent to it. */
  paused: PauseMode.optional(),
});
export type ApiNode = z.infer<typeof ApiNode>;

/** The faults in force: what every ready node holds, plus the names `DELETE /faults/NAME` takes. */
export const FaultsInForce = z.object({
  partitions: z.array(Partition),
  links: z.array(LinkFault),
  paused: z.array(PausedNode),
  byzantine: z.array(ByzantineNode),
  /** Partitions, link faults and Byzantine nodes that can be healed by name. */
  names: z.array(z.string()),
});
export type FaultsInForce = z.infer<typeof FaultsInForce>;

/** `GET /faults`. */
export const ApiFaults = z.object({ in_force: FaultsInForce, history: z.array(FaultRecord) });
export type ApiFaults = z.infer<typeof ApiFaults>;

/** `GET /state`. */
/**
 * A link's messages as the coordinator's ledger has them so far. Nodes ship their journal every
 * 200 ms, so the counts lag the link by about that much; `in_flight` is sent minus delivered minus
 * dropped, which includes messages whose receipt has not been shipped yet.
 */
export const LinkCounts = z.object({
  sent: z.number().int().nonnegative(),
  delivered: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  in_flight: z.number().int().nonnegative(),
});
export type LinkCounts = z.infer<typeof LinkCounts>;

export const ApiState = ApiFaults.extend({
  run_id: z.string(),
  seed: z.number().int().nonnegative(),
  phase: RunPhase,
  /** ms since traffic started; 0 before. */
  elapsed_ms: z.number().nonnegative(),
  coordinator: z.object({ pid: z.number().int(), url: z.string() }),
  nodes: z.array(ApiNode),
  /** The run's messages so far, as the ledger has them (every link's counts summed; see LinkCounts). */
  totals: LinkCounts,
});
export type ApiState = z.infer<typeof ApiState>;


/** One directed link src -> dest as it is now. */
export const ApiLink = z.object({
  src: NodeId,
  dest: NodeId,
  /** The effective model: the run's network model with the link faults in force laid over it. */
  model: LinkModel,
  /** The same model in flag form, e.g. `delay=uniform:50:150 loss=0.5 ...`. */
  model_text: z.string(),
  /** Partitions that cut this link (if two do, `drop` wins). */
  partitions: z.array(z.object({ name: z.string(), mode: PartitionMode })),
  /** Names of the link faults that change this link. */
  link_faults: z.array(z.string()),
  counts: LinkCounts,
});
export type ApiLink = z.infer<typeof ApiLink>;

/** `GET /links`. */
export const ApiLinks = z.object({ links: z.array(ApiLink) });
export type ApiLinks = z.infer<typeof ApiLinks>;

/** `GET /links?src=n0&dest=n1`: both filters are optional. */
export const LinksQuery = z.strictObject({ src: NodeId.optional(), dest: NodeId.optional() });
export type LinksQuery = z.infer<typeof LinksQuery>;

/** `POST /faults`, `DELETE /faults[/NAME]`, `POST /reset`: the record the step left in `faults[]`. */
export const ApiFaultResult = z.object({ fault: FaultRecord });
export type ApiFaultResult = z.infer<typeof ApiFaultResult>;

/** `POST /reset` and `POST /stop` take no body, or an empty object. */
export const EmptyBody = z.strictObject({});

/**
 * `POST /stop` (202): the run ends now as if its `--duration` were up: faults end and the cluster
 * settles when the run would settle, then the nodes stop and the report is written (`stopped_by:
 * "api"`). `elapsed_ms` is when the stop was asked for; asking again while it ends changes nothing.
 */
export const ApiStopResult = z.object({ stopping: z.literal(true), elapsed_ms: z.number().nonnegative() });
export type ApiStopResult = z.infer<typeof ApiStopResult>;

/** `<run dir>/control.json`, written when the API listens. */
export const ControlFile = z.object({
  url: z.string().regex(/^http:\/\/127\.0\.0\.1:\d+$/),
  pid: z.number().int().positive(),
  run_id: z.string(),
  /** With `--security on`: the API's bearer token, which `npm run ctl` sends (the file is 0600). */
  token: z.string().regex(/^[0-9a-f]{64}$/).optional(),
});
export type ControlFile = z.infer<typeof ControlFile>;
