/**
 * What a node with `--security on` makes of a data message for it: the message its behaviour gets
 * (opened, and checked against the node's schemas as its frame's decode would have), and how the
 * arrival is journaled. A second copy of a sequence number, the network model's duplicate or a
 * replay alike, is journaled as a duplicate and goes no further; a message that does not open, or
 * comes unsealed, is dropped as `rejected`; one sealed for an earlier process of this node is
 * dropped as `crash` (the process it was for is gone).
 */
import { BadInputError, ErrorCode, REFUSALS, type DecodeFailure, type DropReason, type Logger, type RefusalReason } from '@agentnet/protocol';
import { LINK_LOCAL, checkPeerBody, type PeerMessage } from '../links/peer-bodies.js';
import type { PeerMesh } from '../links/peer-mesh.js';
import type { LinkGuard } from './link-guard.js';
import { MessageSeal } from './message-seal.js';
import type { NodeKeys, Process } from './node-keys.js';

export interface SealedPath {
  seal: MessageSeal;
  /** Checks an opened body against the node's schemas, as its frame's decode would have. */
  check: (body: Record<string, unknown>) => { ok: true; body: PeerMessage['body'] } | DecodeFailure;
  /** Counts and logs a refused message (a refusal of the `message` guard). */
  refuse: (msg: PeerMessage, reason: RefusalReason, text: string) => void;
  /** Logs a message that opened but whose body this node does not accept. */
  malformed: (msg: PeerMessage, failure: DecodeFailure) => void;
}

/** The journal record an arrival makes, and the message for the behaviour if there is one. */
export type Receipt = { t: 'recv' | 'dup'; msg?: PeerMessage } | { t: 'drop'; reason: DropReason; refusal?: RefusalReason };

/** `linkPeer`: whom the link the message came on belongs to (its certificate's name). */
export function sealedReceipt(msg: PeerMessage & { id: string; sent_at: number }, path: SealedPath, linkPeer?: string): Receipt {
  const direct = msg.direct;
  const opened = direct ? path.seal.openDirect({ src: msg.src, direct, body: msg.body }, linkPeer) : path.seal.open(msg, msg.body);
  if (!opened.ok) {
    if (opened.stale) return { t: 'drop', reason: 'crash' };
    path.refuse(msg, opened.refusal, opened.text);
    return { t: 'drop', reason: 'rejected', refusal: opened.refusal };
  }
  if (opened.freshness === 'old') {
    path.refuse(msg, 'replayed', `sequence number ${direct?.seq ?? (msg.body as { seq: number }).seq} is too far behind ${msg.src}'s newest to tell from a replay`);
    return { t: 'drop', reason: 'rejected', refusal: 'replayed' };
  }
  if (opened.freshness === 'seen') {
    path.refuse(msg, 'replayed', `a second copy of ${msg.id}`);
    return { t: 'dup' };
  }
  // A direct message's body was checked with its frame: it never was in a box.
  if (direct) return { t: 'recv', msg };
  const checked = path.check(opened.body);
  if (!checked.ok) {
    // It did arrive, from its sender's own key: a receipt, which the behaviour never sees.
    path.malformed(msg, checked);
    return { t: 'recv' };
  }
  return { t: 'recv', msg: { ...msg, body: checked.body } };
}

/** The sealed path of a node process with `--security on`: its keys, its mesh's checks, its guard's counts. */
export function createSealedPath(o: { keys: NodeKeys; self: Process; mesh: PeerMesh; guard: LinkGuard; log: Logger }): SealedPath {
  return {
    seal: new MessageSeal(o.keys, o.self),
    check: (body) => {
      // Only a behaviour's messages travel sealed; link and routing messages never leave their link.
      const type = String(body.type);
      if (type === 'sealed' || (LINK_LOCAL.has(type) && type !== 'error')) return { ok: false, code: ErrorCode.malformed_request, text: `a ${type} message cannot travel sealed` };
      return checkPeerBody(body, o.mesh.checking);
    },
    refuse: (msg, reason, text) => {
      o.guard.countMessage(reason);
      o.log.warn({ err: new BadInputError(ErrorCode.unauthorized, `${text}: ${REFUSALS[reason]}`), refusal: reason, src: msg.src, id: msg.id }, 'reject');
    },
    malformed: (msg, failure) => o.log.warn({ err: new BadInputError(failure.code, failure.text), src: msg.src, id: msg.id }, 'reject'),
  };
}
