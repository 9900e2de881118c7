/**
 * Who may say what on a peer socket, as pure rules: a hello must come from a peer `init` named, to
 * this node, on a pair with no open link, from the side that dials (the smaller index in
 * `node_ids`); a frame on a link must be for this node and from the link's peer, unless it is a
 * routed data message passing through. Each rule gives the refusal (code and text) or nothing.
 */
import { ErrorCode, type RefusalReason } from '@agentnet/protocol';
import type { PeerLink } from './peer-link.js';
import { LINK_LOCAL, type PeerMessage } from './peer-bodies.js';

export interface Refusal {
  code: number;
  text: string;
  /** Said with the error, so that an attacker journals why (a hello's rules hold whatever --security). */
  refusal?: RefusalReason;
}

export interface LinkRulesView {
  self: string;
  /** Whether `id` is a peer of this node (from init). */
  isPeer(id: string): boolean;
  /** Whether a link to `id` is open now. */
  linkOpen(id: string): boolean;
  /** Each node's index in init.node_ids. */
  indexOf(id: string): number | undefined;
}

/** A peer's `link_hello` on a socket that is no link yet. */
export function helloRefusal(msg: PeerMessage, view: LinkRulesView): Refusal | undefined {
  if (msg.dest !== view.self) return { code: ErrorCode.node_not_found, text: `this is ${view.self}, not ${msg.dest}`, refusal: 'not_a_peer' };
  if (!view.isPeer(msg.src)) return { code: ErrorCode.unknown_peer, text: `${msg.src} is not a peer of ${view.self}`, refusal: 'not_a_peer' };
  if (view.linkOpen(msg.src)) return { code: ErrorCode.unexpected_message, text: `a link to ${msg.src} is already open`, refusal: 'id_in_use' };
  if ((view.indexOf(msg.src) ?? Infinity) > (view.indexOf(view.self) ?? -1)) {
    return { code: ErrorCode.unexpected_message, text: `${view.self} dials ${msg.src}, not the other way round`, refusal: 'not_a_peer' };
  }
  return undefined;
}

/**
 * Whether a frame is in transit: a routed data message carries its two ends in src/dest, whichever
 * link it travels on; a client is outside the network and is routed nowhere.
 */
export function inTransit(msg: PeerMessage, link: PeerLink | undefined, routed: boolean): boolean {
  return routed && !link?.client && msg.ttl !== undefined && msg.id !== undefined && !LINK_LOCAL.has(msg.body.type);
}

/** A frame's ends against this node and the link it came on (none: the socket is no link yet). */
export function endsRefusal(msg: PeerMessage, self: string, link: PeerLink | undefined, transit: boolean): Refusal | undefined {
  if (msg.dest !== self && !transit) return { code: ErrorCode.node_not_found, text: `this is ${self}; it does not forward to ${msg.dest}` };
  if (link && msg.src !== link.peer && !transit) return { code: ErrorCode.unknown_peer, text: `this link belongs to ${link.peer}, not ${msg.src}` };
  return undefined;
}
