/**
 * The message journal: what each node reports about every data message it sent or received. The
 * coordinator joins them by message `id` into `messages.jsonl` and the report's accounting.
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';

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
   * With `--security on`, its destination refused it: it did not open under its sender's key
   * (altered on the way), or came without its end-to-end seal.
   */
  'rejected',
]);
export type DropReason = z.infer<typeof DropReason>;

export const SendRecord = z.object({ t: z.literal('send'), ...MessageFields });
/** Links the message took (routed runs; 1 without routing). */
const Hops = z.number().int().positive().optional();
export const RecvRecord = z.object({ t: z.literal('recv'), ...MessageFields, received_at: z.number(), hops: Hops });
/** `by`: the node that dropped it when that is not the sender (a router on the way). */
export const DropRecord = z.object({ t: z.literal('drop'), ...MessageFields, reason: DropReason, by: NodeId.optional() });
/** The receipt of a duplicate copy made by the network model; counted apart from deliveries. */
export const DupRecord = z.object({ t: z.literal('dup'), ...MessageFields, received_at: z.number(), hops: Hops });

export const JournalRecord = z.discriminatedUnion('t', [SendRecord, RecvRecord, DropRecord, DupRecord]);
export type JournalRecord = z.infer<typeof JournalRecord>;
export type SendRecord = z.infer<typeof SendRecord>;
export type RecvRecord = z.infer<typeof RecvRecord>;
export type DropRecord = z.infer<typeof DropRecord>;

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
});
export type MessageLine = z.infer<typeof MessageLine>;
