/**
 * How a peer mesh is set up: what it calls back (PeerMeshOptions, from the agent node) and what
 * `init` says about how this node links (ConnectOptions).
 */
import type { Init, Logger } from '@agentnet/protocol';
import type { PeerLink } from './peer-link.js';
import type { PeerMessage } from './peer-bodies.js';
import type { LinkGuard } from '../security/link-guard.js';

export interface PeerMeshOptions {
  log: Logger;
  /** Checks and makes the hellos' proofs of the run secret (`--security on`). */
  guard: LinkGuard;
  /** A data message from a linked peer or client (`link.client`), already checked for src and dest. */
  onMessage: (link: PeerLink, msg: PeerMessage) => void;
  /**
   * A data message for this node in another node's name than its link's peer (a forgery on a direct
   * link): refused and counted; this may journal it. Not for a network duplicate: its original accounts for it.
   */
  onWrongLink?: (msg: PeerMessage & { id: string; sent_at: number; delay_ms: number }) => void;
  /** A link closed while the node was not stopping. */
  onLinkDown: (peer: string) => void;
  /** A link opened (the first time, or again after a peer restarted). */
  onLinkUp?: (peer: string) => void;
  /** How often and how far apart a peer is dialed before it counts as unavailable (DIAL_ATTEMPTS, DIAL_RETRY_MS). */
  dialAttempts?: number;
  dialRetryMs?: number;
}

/** How a node links, from its `init` and whether its behaviour takes any body. */
export function connectOptions(init: Init, anyBody: boolean): ConnectOptions {
  return { validate: init.validate_peer_messages, down: init.down, routed: init.routing !== null, anyBody, rejoining: init.incarnation > 0 };
}

/** What `init` says about how this node links. */
export interface ConnectOptions {
  /** Whether peer messages are checked against their schemas (init.validate_peer_messages). */
  validate?: boolean;
  /** Peers not running at init (a rejoining node does not wait for them). */
  down?: readonly string[];
  /** With routing, data messages between other nodes pass through this node's links. */
  routed?: boolean;
  /** A behaviour module's own message types are checked as plain bodies. */
  anyBody?: boolean;
  /**
   * A restarted process joining a running cluster: a peer it cannot reach went down since its init
   * (faults go on meanwhile), so it is taken as down rather than failing the node.
   */
  rejoining?: boolean;
}
