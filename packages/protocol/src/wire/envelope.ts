/**
 * Maelstrom's envelope, `{src, dest, body}` with `body.type`, `body.msg_id`, `body.in_reply_to`,
 * used on both channels (node-to-node and node-to-coordinator). Data messages between nodes also
 * carry agentnet's journal fields at the top level: `id` (unique in the run), `sent_at` (epoch ms
 * when the sender's behaviour sent it) and `delay_ms` (the delay its link shaper injected).
 */
import { z } from 'zod';

export const NodeId = z.string().min(1).max(64);
export type NodeId = z.infer<typeof NodeId>;

export const MsgId = z.number().int().nonnegative();

/** Any body: its type and the request/reply ids; the rest is the type's own. */
export const Body = z.looseObject({
  type: z.string().min(1).max(64),
  msg_id: MsgId.optional(),
  in_reply_to: MsgId.optional(),
});
export type Body = z.infer<typeof Body>;

export const Envelope = z.object({
  src: NodeId,
  dest: NodeId,
  id: z.string().min(1).max(128).optional(),
  sent_at: z.number().optional(),
  delay_ms: z.number().nonnegative().optional(),
  /** Set on the extra copy of a message the network model duplicated. */
  dup: z.literal(true).optional(),
  /**
   * Routed data messages (`--routing`): hops left before the message is dropped (`ttl`), and links
   * taken so far. `src`/`dest` stay the two ends; each hop's link is the socket it travels on.
   */
  ttl: z.number().int().nonnegative().optional(),
  hops: z.number().int().nonnegative().optional(),
  /** A broadcast's hop message: which broadcast (`origin:k`) and in which round it was sent (1 = by the origin). */
  bcast: z.string().min(1).max(80).optional(),
  round: z.number().int().positive().optional(),
  /**
   * With `--security on`, a data message that travels on its sender's own TLS link to its
   * destination: not sealed (the link's TLS already ends at the destination, whose certificate names
   * it), but numbered as a seal is (`seq` on the pair, `from` and `to` the two processes), so the
   * destination lets each number through once. Anywhere else an unsealed message is refused.
   */
  direct: z.object({ seq: z.number().int().positive(), from: z.number().int().nonnegative(), to: z.number().int().nonnegative() }).optional(),
  body: Body,
});
export type Envelope = z.infer<typeof Envelope>;
export type Direct = NonNullable<Envelope['direct']>;

export const ErrorBody = z.object({
  type: z.literal('error'),
  in_reply_to: MsgId.optional(),
  code: z.number().int(),
  text: z.string(),
  /** A refusal's reason (REFUSALS in security/refusals.ts), beside its text: an extra key Maelstrom's programs ignore. */
  refusal: z.string().max(64).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** An envelope whose body has been checked against one body schema. */
export type Typed<B> = Omit<Envelope, 'body'> & { body: B };
