/**
 * The one way in for what a node's links deliver, read top to bottom: a workload client's request
 * (journaled, and refused unless the node runs), routing traffic to the router, a data message the
 * data path forwards when it is for another node (or opens, with `--security on`), then the behaviour's handlers; what none of them
 * takes is refused with an error on its link. The links have already decoded and checked the frame.
 */
import { ErrorCode, ROUTING_BODIES, type Logger, type RoutingBody } from '@agentnet/protocol';
import type { Behavior, Incoming } from './api/behavior.js';
import type { PeerLink, PeerMessage } from './links/peer-mesh.js';
import { refuseFrame } from './links/refuse-frame.js';
import { seenOf } from './links/peer-bodies.js';
import type { DataPath } from './network/data-path.js';
import type { NodeRouting } from './routing/node-routing.js';

/** What the dispatcher reads of the node as it is now: its parts come up one by one. */
export interface InboundParts {
  log: Logger;
  data(): DataPath | undefined;
  routing(): NodeRouting | undefined;
  behavior(): Behavior | undefined;
  /** The node's lifecycle state, for the refusal of a client request when it does not run. */
  state(): string;
}

const isRouting = (body: { type: string }): body is RoutingBody => Object.hasOwn(ROUTING_BODIES, body.type);

export function createInbound(parts: InboundParts): (link: PeerLink, msg: PeerMessage) => void {
  /** Logs a refused message and answers it on its link, unless it cannot be answered or the link said goodbye. */
  const refuse = (link: PeerLink, msg: PeerMessage, code: number, text: string): void =>
    refuseFrame(parts.log, link.socket, link.usable, msg.dest, { code, text, seen: seenOf(msg) });

  return (link, arrived) => {
    let msg = arrived;
    const data = parts.data();
    const routing = parts.routing();
    if (link.client) {
      // The client journaled its send, so every request that arrives is journaled, refused or not.
      if (data && !data.receiveFromClient(msg)) return refuse(link, msg, ErrorCode.malformed_request, 'a client message carries the journal fields id and sent_at');
      if (parts.state() !== 'running') return refuse(link, msg, ErrorCode.temporarily_unavailable, `${msg.dest} is not running (it is ${parts.state()})`);
    } else if (routing && isRouting(msg.body) && msg.id === undefined) {
      // Routing traffic only where the run routes; anything else, whatever its type, is a data
      // message (a behaviour's own `hello`, say), journaled and (with --security on) opened.
      return routing.receive(link.peer, msg.body);
    } else if (data) {
      const mine = data.receive(msg, link.peer);
      // Forwarded towards its destination, or (with --security on) refused or a second copy.
      if (mine === undefined) return;
      msg = mine;
    }
    const body = msg.body;
    // A peer message is a behaviour's message; bodies are plain JSON objects off the wire.
    if (parts.behavior()?.handle(msg as Incoming)) return;
    // An error nobody waits for any more (its rpc timed out) is logged, never answered.
    if (body.type === 'error') return void parts.log.warn({ src: msg.src, error: body }, 'error_reply');
    refuse(link, msg, ErrorCode.not_supported, `message type "${msg.body.type}" is not handled by this node's behaviour`);
  };
}
