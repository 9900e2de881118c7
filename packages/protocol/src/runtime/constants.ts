/** Id the coordinator uses as `src`/`dest` on the control channel. */
export const COORDINATOR_ID = 'coordinator';
/** `src` of a node's first message, before the coordinator has assigned it an id. */
export const UNREGISTERED_ID = 'new';

/** Defaults of the notebook this project grew from. */
export const DEFAULT_DELAY = 'uniform:50:150';
export const DEFAULT_INTERVAL = '1000:3000';
export const DEFAULT_DURATION = '10s';
export const DEFAULT_NODES = 5;

/**
 * Largest WebSocket frame any agentnet socket accepts. Control batches of journal records are the
 * largest legitimate frames; 1 MiB holds several thousand records.
 */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Messages that leave a link shaper at the same moment share WebSocket frames (a JSON array of
 * envelopes) up to this size: one frame costs about as much as one message, so a busy link sends
 * far fewer frames. Well under MAX_PAYLOAD_BYTES even for the largest messages.
 */
export const BATCH_FRAME_BYTES = 64 * 1024;

/** Each hot log verb (send, recv, drop) writes at most this many lines per second per process; a
 * `sampled` line counts the rest. messages.jsonl still has every message. */
export const HOT_LOG_LINES_PER_SECOND = 200;

/** Nodes ship journal records to the coordinator at least this often, so a crash loses one batch at most. */
export const RECORD_BATCH_INTERVAL_MS = 200;
/** ...or as soon as this many records are waiting. */
export const RECORD_BATCH_MAX = 2000;

/** How long the coordinator waits for `--nodes` registrations, and then for all nodes to connect. */
export const DEFAULT_REGISTER_TIMEOUT_MS = 30_000;
export const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** `--settle` default: how long a run with faults settles, healed, before its checkers judge liveness. */
export const DEFAULT_SETTLE_MS = 3_000;
/**
 * How long the coordinator waits for every node's final flush after `stop`, on top of
 * LINK_DRAIN_TIMEOUT_MS (a node first waits that long for its peers' byes).
 */
export const STOP_TIMEOUT_MS = 5_000;
/** How long a stopping node waits for each peer's end-of-link marker. */
export const LINK_DRAIN_TIMEOUT_MS = 2_000;
/**
 * Stopping costs every node a bye to and from each peer, and all nodes stop at once: on 2 cores a
 * 300-node full mesh (90,000 byes and 300 process exits) took 7 s. The drain and stop windows
 * grow with the cluster by these amounts, so a large run is not cut short of its final flushes.
 */
export const LINK_DRAIN_PER_PEER_MS = 10;
export const STOP_TIMEOUT_PER_NODE_MS = 40;
/** How often a dialing node retries a peer that refused the connection, and how many times. */
export const DIAL_RETRY_MS = 100;
export const DIAL_ATTEMPTS = 50;
/** Nodes may start before the coordinator listens (containers): they retry it for about 20 s. */
export const CONTROL_DIAL_RETRY_MS = 200;
export const CONTROL_DIAL_ATTEMPTS = 100;

export const DEFAULT_RUNS_DIR = 'runs';
export const LATEST_LINK = 'latest';

/** Bytes a link may queue at its sender before new messages are dropped as `overflow` (`--queue`). */
export const DEFAULT_LINK_QUEUE = '16m';

/** Period of distance-vector updates and link-state hellos (`--routing-interval`). */
export const DEFAULT_ROUTING_INTERVAL_MS = 200;
/** A routing neighbour not heard from for this many intervals is dead. */
export const DEAD_INTERVALS = 3.5;
/** A link-state advertisement is re-flooded every this many intervals (OSPF: 30 min), and expires after three refreshes. */
export const LSA_REFRESH_INTERVALS = 50;
/** Hops a routed data message may take (`--ttl`). */
export const DEFAULT_TTL = 64;
/** Route tables are reported to the coordinator at most this often, ms. */
export const ROUTES_REPORT_MS = 20;

/** `--workload kv`: operations per second over all clients (`--rate`), and keys (`--keys`). */
export const DEFAULT_WORKLOAD_RATE = 10;
export const DEFAULT_WORKLOAD_KEYS = 5;
/**
 * A client waits for a reply OP_TIMEOUT_DELAYS times the median injected delay, and never less than
 * MIN_OP_TIMEOUT_MS (Maelstrom: ten mean latencies, at least 1 s); then the operation is `info`.
 */
export const OP_TIMEOUT_DELAYS = 10;
export const MIN_OP_TIMEOUT_MS = 1000;
/** A final read that failed is tried again (on the next node the seed names) after this pause. */
export const FINAL_READ_RETRY_MS = 100;

/**
 * Exit codes of a run (`npm run cluster`, the coordinator), as Jepsen's and Maelstrom's: 0 valid
 * (or a run without checkers that completed), 1 invalid, 2 unknown; a command line or input file
 * that cannot be used is 254 and a run that could not be carried out (setup failed, a crash) 255,
 * so neither is mistaken for a verdict.
 */
export const EXIT_USAGE = 254;
export const EXIT_ERROR = 255;
