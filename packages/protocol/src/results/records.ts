/**
 * The message journal: what each node reports about every data message it sent or received. The
 * coordinator joins them by message `id` into `messages.jsonl` and the report's accounting.
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';
import { Attack, AttemptWay, CONNECTION_ATTACKS } from '../security/attacks.js';
import { RefusalReason } from '../security/refusals.js';

const MessageFields = {
  id: z.string(),
  src: NodeId,
  dest: NodeId,
  /** Epoch milliseconds (fractional) when the sender's behaviour sent the message. */
  sent_at: z.number(),
  /** Delay the sender's link shaper drew for it. */
  delay_ms: z.number().nonnegative(),
  /** For a broadcast's hop message: the broadcast (`origin:k`) and its round. */
  bcast: z.string().optional(),
  round: z.number().int().positive().optional(),
};

/** Why a message was not delivered. */
export const DropReason = z.enum([
  /** The link to the destination was closed (the peer died or the socket failed). */
  'link_down',
  /** The destination node was lost during the run; its receipt, if any, died with it. */
  'crash',
  /** The network model lost it (`--loss`, a link's `loss=`). */
  'loss',
  /** A `drop` partition cut its link. */
  'partition',
  /** Sent to a node paused in `drop` mode. */
  'paused',
  /** Routing knew no next hop towards `dest` (`--routing`). */
  'no_route',
  /** The message used up its hops (`--ttl`) before reaching `dest`. */
  'ttl',
  /** The link's queue at the sender (shaper, held messages, socket buffer) was over its `queue` limit. */
  'overflow',
  /**
   * Its destination refused it (the record's `refusal` says why): with `--security on`, it did
   * not open under its sender's key (forged, or altered on the way) or came without its seal; in
   * any run, it came in another node's name on a direct link.
   */
  'rejected',
]);
export type DropReason = z.infer<typeof DropReason>;

/** How much of a body the journal keeps: its JSON, cut to this many characters (the last one `…`). */
export const BODY_PREVIEW_CHARS = 200;

/** The body as the journal keeps it: JSON, cut to BODY_PREVIEW_CHARS. */
export function bodyPreview(body: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(body) ?? '';
  } catch {
    // A body JSON cannot hold (a cycle, a BigInt) cannot be sent either; the send reports that.
    text = '(not JSON)';
  }
  return text.length <= BODY_PREVIEW_CHARS ? text : `${text.slice(0, BODY_PREVIEW_CHARS - 1)}…`;
}

/**
 * `type`: the body's type as the sender's behaviour sent it (before any seal); `body`: the body
 * itself as bodyPreview() keeps it.
 */
export const SendRecord = z.object({ t: z.literal('send'), ...MessageFields, type: z.string().max(64).optional(), body: z.string().max(BODY_PREVIEW_CHARS).optional() });
/** Links the message took (routed runs; 1 without routing). */
const Hops = z.number().int().positive().optional();
export const RecvRecord = z.object({ t: z.literal('recv'), ...MessageFields, received_at: z.number(), hops: Hops });
/** `by`: the node that dropped it when that is not the sender (a router on the way). */
/** `refusal`: why its destination refused it (reason `rejected`). */
export const DropRecord = z.object({ t: z.literal('drop'), ...MessageFields, reason: DropReason, by: NodeId.optional(), refusal: RefusalReason.optional() });
/**
 * The receipt of a second copy, counted apart from deliveries: the network model's duplicate, or
 * (`replay`) a copy that came unmarked, refused as a replay by its end-to-end seal.
 */
export const DupRecord = z.object({ t: z.literal('dup'), ...MessageFields, received_at: z.number(), hops: Hops, replay: z.literal(true).optional() });
/**
 * An attack a Byzantine node (`by`) made: a forged message (`src` the node it claims to be, an id
 * of its own making), an earlier message sent again, or a message it altered (their own ids).
 */
export const AttackRecord = z.object({ t: z.literal('attack'), ...MessageFields, kind: Attack, by: NodeId });

/**
 * One try of a connection attack (`impersonate`, `downgrade`) by a Byzantine node (`by`): whom it
 * tried (`target`, a node or the coordinator), how, in whose name (`as`), and what it met: `accepted`
 * (the other side took it as genuine), the reason the other side gave for refusing it, or
 * `unanswered` (nobody there, or no answer before the attacker stopped).
 */
export const AttemptRecord = z.object({
  t: z.literal('attempt'),
  kind: z.enum(CONNECTION_ATTACKS),
  by: NodeId,
  target: NodeId,
  way: AttemptWay,
  as: NodeId.optional(),
  at: z.number(),
  outcome: z.union([z.literal('accepted'), z.literal('unanswered'), RefusalReason]),
});
export type AttemptRecord = z.infer<typeof AttemptRecord>;

export const JournalRecord = z.discriminatedUnion('t', [SendRecord, RecvRecord, DropRecord, DupRecord, AttackRecord, AttemptRecord]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type SendRecord = z.infer<typeof SendRecord>;
export type RecvRecord = z.infer<typeof RecvRecord>;
export type DropRecord = z.infer<typeof DropRecord>;
export type AttackRecord = z.infer<typeof AttackRecord>;

export const MessageStatus = z.enum(['delivered', 'dropped', 'in_flight']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** One line of `messages.jsonl`. */
export const MessageLine = z.object({
  ...MessageFields,
  status: MessageStatus,
  received_at: z.number().nullable(),
  latency_ms: z.number().nullable(),
  drop_reason: DropReason.nullable(),
  /** Copies received beyond the message itself (network-model duplication). */
  duplicates: z.number().int().nonnegative(),
  /** Links the delivered message took; null when it was not delivered. */
  hops: z.number().int().positive().nullable(),
  /** Where it was dropped, when not at its sender (a router on the way); else null. */
  dropped_by: NodeId.nullable(),
  /** Dropped as `rejected`: why its destination refused it. */
  refusal: RefusalReason.optional(),
  /** The body's type, from its sender's `send` record (absent when that record was lost). */
  type: z.string().optional(),
  /** The body as JSON, cut to BODY_PREVIEW_CHARS characters (the last one `…`), from the same record. */
  body: z.string().optional(),
});
export type MessageLine = z.infer<typeof MessageLine>;
