/**
 * What a node accepts from its peers, by body type: the link messages, the data bodies and
 * routing (a workload client's link has its own table, CLIENT_BODIES); and what a refusal can say
 * about the message it refuses.
 */
import { Bcast, Body, Chatter, CLIENT_BODIES, ErrorBody, LinkBye, LinkHello, LinkHelloOk, ROUTING_BODIES, Sealed, checkBody, decodeFrame, type BodyOf, type DecodeFailure, type MsgIds, type Typed } from '@agentnet/protocol';

/** Body types a node accepts from peers. */
export const PEER_BODIES = { link_hello: LinkHello, link_hello_ok: LinkHelloOk, link_bye: LinkBye, chatter: Chatter, bcast: Bcast, error: ErrorBody, sealed: Sealed, ...ROUTING_BODIES };

export type PeerMessage = Typed<BodyOf<typeof PEER_BODIES> & MsgIds>;

/** Bodies that only ever travel one link between its two ends: never routed through. */
export const LINK_LOCAL = new Set(['link_hello', 'link_hello_ok', 'link_bye', 'error', ...Object.keys(ROUTING_BODIES)]);

/**
 * Decodes one frame from a peer socket. A workload client's link has its own table, always
 * checked (clients are not what `--peer-validation off` measures); a type outside it reaches the
 * behaviour as a plain body, as a behaviour module's own types do from peers.
 */
export function decodePeerFrame(data: unknown, how: { client: boolean; validate: boolean; anyBody: boolean }): Array<{ ok: true; msg: PeerMessage } | DecodeFailure> {
  if (how.client) return decodeFrame(data, CLIENT_BODIES, true, Body) as Array<{ ok: true; msg: PeerMessage } | DecodeFailure>;
  return decodeFrame(data, PEER_BODIES, how.validate, how.anyBody ? Body : undefined);
}

/** Checks the body of a data message that came out of its end-to-end seal, as its frame's decode would have. */
export function checkPeerBody(value: unknown, how: { validate: boolean; anyBody: boolean }): { ok: true; body: PeerMessage['body'] } | DecodeFailure {
  return checkBody(value, PEER_BODIES, how.validate, how.anyBody ? Body : undefined);
}

export function seenOf(msg: PeerMessage): { src: string; msg_id?: number; type: string } {
  const msgId = msg.body.msg_id;
  return msgId === undefined ? { src: msg.src, type: msg.body.type } : { src: msg.src, msg_id: msgId, type: msg.body.type };
}
