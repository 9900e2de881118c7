/**
 * What the journal knows of a data message (its facts), and how ids and broadcast tags are made:
 * shared by the data path's parts.
 */
import type { PeerMessage } from '../links/peer-bodies.js';

export interface MessageFacts {
  id: string;
  src: string;
  dest: string;
  sent_at: number;
  delay_ms: number;
  bcast?: string;
  round?: number;
}

/** Marks a hop message of a broadcast, so the journal can tell broadcasts apart. */
export interface BroadcastTag {
  bcast: string;
  round: number;
}

/** Message ids of incarnation k start at k × this, so no two processes of a node share one. */
export const MSG_IDS_PER_INCARNATION = 1_000_000_000;

/** A broadcast hop message's tag, as its envelope carries it. */
export function tagOf(msg: PeerMessage): { bcast?: string; round?: number } {
  return msg.bcast === undefined ? {} : { bcast: msg.bcast, ...(msg.round === undefined ? {} : { round: msg.round }) };
}
