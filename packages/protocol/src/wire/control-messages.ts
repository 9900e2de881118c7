/**
 * Bodies on the control channel between each node and the coordinator. The sequence is
 * register -> register_ok, (all registered) init -> ready, (all ready) start, records...,
 * stop -> records + stopped. See docs/protocol.md.
 */
import { z } from 'zod';
import { ErrorBody, MsgId, NodeId } from './envelope.js';
import { IntervalSpec } from '../runtime/specs.js';
import { NetworkModel } from '../network/link-model.js';
import { Faults } from '../network/faults.js';
import { JournalRecord } from '../results/records.js';
import { RoutingSettings, Routes } from './routing-messages.js';
import { Proof } from '../security/run-secret.js';
import { RefusalCounts } from '../security/refusals.js';

/** An X25519 public key: base64 of its 32 raw bytes. */
export const X25519Key = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'an X25519 public key: base64 of 32 bytes');
export type X25519Key = z.infer<typeof X25519Key>;

/** A node's key-agreement key, for the process (incarnation) that made it. */
export const NodeKey = z.object({ id: NodeId, incarnation: z.number().int().nonnegative(), kx: X25519Key });
export type NodeKey = z.infer<typeof NodeKey>;

export const Register = z.object({
  type: z.literal('register'),
  msg_id: MsgId,
  url: z.string().regex(/^wss?:\/\/.+/, 'url must be a ws:// or wss:// URL'),
  pid: z.number().int().nonnegative(),
  hostname: z.string().max(255),
  /**
   * Asks to rejoin a running cluster as this node (a restarted node). Without it, a node that
   * registers during a run takes the place of the first lost node.
   */
  node_id: NodeId.optional(),
  /** With `--security on`, for a rejoin: the one-time ticket the launcher gave this process (REJOIN_TICKET_ENV). */
  ticket: z.string().max(128).optional(),
  /** With `--security on`: the run secret's proof over this register (docs/security.md). */
  proof: Proof.optional(),
  /**
   * With `--security on`: the node's public key (SPKI PEM), which its TLS certificate on this
   * connection must carry and the certificate the coordinator gives back will.
   */
  public_key: z.string().max(1000).optional(),
  /** With `--security on`: the node's X25519 public key (base64 of its 32 bytes), for end-to-end keys with every other node. */
  kx: X25519Key.optional(),
});
export type Register = z.infer<typeof Register>;

const Pem = z.string().max(8000);
/** What a node is given to link with: its certificate, the run's authority, and the coordinator's own. */
export const TlsBundle = z.object({ certificate: Pem, authority: Pem, coordinator: Pem });
export type TlsBundle = z.infer<typeof TlsBundle>;

export const RegisterOk = z.object({
  type: z.literal('register_ok'),
  in_reply_to: MsgId,
  node_id: NodeId,
  run_id: z.string(),
  /** Where the coordinator writes the run; a node writes its own log there unless told otherwise. */
  run_dir: z.string(),
  /** With `--security on`: the coordinator's answer to the register's proof, so the node knows it holds the secret too. */
  proof: Proof.optional(),
  /** With `--security on`: the node's certificate and whom to trust, covered by `proof`. */
  tls: TlsBundle.optional(),
});
export type RegisterOk = z.infer<typeof RegisterOk>;

export const Peer = z.object({
  id: NodeId,
  url: z.string(),
  /** The incarnation of the peer's process at that URL (0, then +1 per restart): with `--security on` an earlier one's certificate is refused. */
  incarnation: z.number().int().nonnegative().optional(),
});
export type Peer = z.infer<typeof Peer>;

/** The run seed and the network model: a default link model and per-link overrides. */
export const NetworkPolicy = NetworkModel.extend({ seed: z.number().int().nonnegative() });
export type NetworkPolicy = z.infer<typeof NetworkPolicy>;

/** The built-in behaviours, and `module`: a user's behaviour loaded from a file. */
export const TrafficKind = z.enum(['chatter', 'flood', 'broadcast', 'bully', 'raft', 'reliable-broadcast', 'module']);
export type TrafficKind = z.infer<typeof TrafficKind>;

export const TrafficSettings = z.object({
  /** `chatter`: the notebook's agent; `flood`: every link as fast as it takes messages; `broadcast`: every node broadcasts values. */
  behavior: TrafficKind,
  interval: IntervalSpec,
  /** Length of the text each message carries. */
  message_size: z.number().int().min(1).max(65_536),
  /** `broadcast`: flooding with duplicate suppression, or push gossip to `fanout` random neighbours. */
  broadcast: z.object({ mode: z.enum(['flood', 'gossip']), fanout: z.number().int().min(1).max(1000) }).default({ mode: 'flood', fanout: 1 }),
  /** `module`: the absolute path of the behaviour module (`--behavior ./my-algorithm.ts`), as the node can read it. */
  module: z.string().nullable().default(null),
  /** The behaviour's own settings (`--param key=value`), e.g. Raft's `election_ms=1500:3000`. */
  params: z.record(z.string(), z.string()).default({}),
  /** The run's client workload (`--workload kv`), if any: a behaviour with a load of its own may leave the load to it. */
  workload: z.enum(['kv']).nullable().default(null),
});
export type TrafficSettings = z.infer<typeof TrafficSettings>;

export const Init = z.object({
  type: z.literal('init'),
  msg_id: MsgId,
  node_id: NodeId,
  node_ids: z.array(NodeId),
  peers: z.array(Peer),
  network: NetworkPolicy,
  traffic: TrafficSettings,
  /** Whether peer messages are checked against their schemas (off only to measure what it costs). */
  validate_peer_messages: z.boolean(),
  /** 0 for the first process of this node id, then +1 per restart; keeps message ids unique. */
  incarnation: z.number().int().nonnegative().default(0),
  /** Peers not running now (a node rejoining while others are down): not waited for. */
  down: z.array(NodeId).default([]),
  /** Multi-hop routing (`--routing`); null: messages go to neighbours only. */
  routing: RoutingSettings.nullable().default(null),
  /** With `--security on`: every running node's key-agreement key (this node's own too). */
  keys: z.array(NodeKey).optional(),
});
export type Init = z.infer<typeof Init>;

/** With `--security on`: a node's new process has this key; sent to every node before the node links again. */
export const NodeKeyChanged = z.object({ type: z.literal('node_key'), msg_id: MsgId, key: NodeKey });
export type NodeKeyChanged = z.infer<typeof NodeKeyChanged>;

/** Sent by a node once it has a working link to every peer in its `init`. */
export const Ready = z.object({
  type: z.literal('ready'),
  in_reply_to: MsgId,
  peers: z.array(NodeId),
});
export type Ready = z.infer<typeof Ready>;

/** A peer came back under its id at a new address: drop the old link and link again. */
export const PeerRestarted = z.object({ type: z.literal('peer_restarted'), msg_id: MsgId, peer: Peer });
export type PeerRestarted = z.infer<typeof PeerRestarted>;

export const Start = z.object({ type: z.literal('start'), msg_id: MsgId });
export type Start = z.infer<typeof Start>;

export const Records = z.object({
  type: z.literal('records'),
  records: z.array(JournalRecord),
});
export type Records = z.infer<typeof Records>;

/**
 * What a behaviour records about itself for the checkers (`node.record(kind, data)`): "became
 * leader of term 3", "committed index 7". Shipped in batches like journal records.
 */
export const BehaviorEvent = z.object({
  /** Epoch ms on the node's clock. */
  at: z.number(),
  kind: z.string().min(1).max(64),
  data: z.record(z.string(), z.unknown()),
});
export type BehaviorEvent = z.infer<typeof BehaviorEvent>;

export const Events = z.object({ type: z.literal('events'), events: z.array(BehaviorEvent) });
export type Events = z.infer<typeof Events>;

export const Stop = z.object({
  type: z.literal('stop'),
  msg_id: MsgId,
  reason: z.string(),
});
export type Stop = z.infer<typeof Stop>;

/** A node's own totals; the coordinator checks them against the records it received. */
export const NodeCounters = z.object({
  sent: z.number().int().nonnegative(),
  received: z.number().int().nonnegative(),
  dropped: z.number().int().nonnegative(),
  in_flight: z.number().int().nonnegative(),
});
export type NodeCounters = z.infer<typeof NodeCounters>;

/** The kinds of error a node catches from its behaviour's code (see node-api.ts). */
export const BehaviorErrorKind = z.enum(['timer_failed', 'handler_failed', 'reply_failed', 'send_failed', 'rpc_failed', 'start_failed', 'stop_failed']);
export type BehaviorErrorKind = z.infer<typeof BehaviorErrorKind>;

/**
 * Errors a node caught from its behaviour (a timer or handler that threw, a send to a node that does
 * not exist): how many, and the first one, which is where to start looking.
 */
export const BehaviorErrors = z.object({
  count: z.number().int().nonnegative(),
  first: z.object({ kind: BehaviorErrorKind, text: z.string().max(1000) }).nullable(),
});
export type BehaviorErrors = z.infer<typeof BehaviorErrors>;

/** A node's last control message: every record before it has been sent. */
export const Stopped = z.object({
  type: z.literal('stopped'),
  in_reply_to: MsgId.optional(),
  counters: NodeCounters,
  /** Counted until the behaviour stopped, which is before this message is sent. */
  behavior_errors: BehaviorErrors,
  /** Why the node stopped (the coordinator's stop, a signal, a behaviour that failed to start). */
  reason: z.string().max(1000).optional(),
  /** Link hellos this node refused for want of the run secret's proof, by reason (`--security on`). */
  refused: RefusalCounts.default({}),
  /** Data messages for this node it refused at their end-to-end seal, by reason (`--security on`). */
  refused_messages: RefusalCounts.default({}),
});
export type Stopped = z.infer<typeof Stopped>;

/** What a node may send the coordinator, by body type (the table `decode()` takes). */
export const NODE_TO_COORDINATOR = {
  register: Register,
  ready: Ready,
  records: Records,
  events: Events,
  routes: Routes,
  stopped: Stopped,
  error: ErrorBody,
};
export type NodeToCoordinator = z.infer<(typeof NODE_TO_COORDINATOR)[keyof typeof NODE_TO_COORDINATOR]>;

/** What the coordinator may send a node, by body type. */
export const COORDINATOR_TO_NODE = {
  register_ok: RegisterOk,
  init: Init,
  start: Start,
  faults: Faults,
  peer_restarted: PeerRestarted,
  node_key: NodeKeyChanged,
  stop: Stop,
  error: ErrorBody,
};
export type CoordinatorToNode = z.infer<(typeof COORDINATOR_TO_NODE)[keyof typeof COORDINATOR_TO_NODE]>;
