/**
 * Bodies exchanged between nodes. One WebSocket per pair of nodes carries both directions; the node
 * with the smaller index dials. `link_hello`/`link_hello_ok` open a link, `link_bye` is the sender's
 * last message on it (the link is FIFO, so everything before it has arrived when it arrives).
 */
import { z } from 'zod';
import { MsgId } from './envelope.js';
import { Proof } from '../security/run-secret.js';

/** `proof`, with `--security on`: the run secret's proof over (src, dest); the answer proves it back. */
export const LinkHello = z.object({ type: z.literal('link_hello'), msg_id: MsgId, proof: Proof.optional() });
export type LinkHello = z.infer<typeof LinkHello>;

export const LinkHelloOk = z.object({ type: z.literal('link_hello_ok'), in_reply_to: MsgId, proof: Proof.optional() });
export type LinkHelloOk = z.infer<typeof LinkHelloOk>;

/**
 * The sender's last frame on a link. `run_ended`: it stops because the run ends (the coordinator's
 * `stop`), not alone; what the receiver still has for it then stays in flight at stop.
 */
export const LinkBye = z.object({ type: z.literal('link_bye'), run_ended: z.literal(true).optional() });
export type LinkBye = z.infer<typeof LinkBye>;

/**
 * With `--security on`, every data message's body on the wire: the real body, encrypted and
 * authenticated end to end (AES-256-GCM) under the key of the pair (src process, dest process).
 * `seq` counts the sender's messages to that destination process; `from` and `to` name the
 * processes (incarnations) whose keys sealed it. Forwarding nodes see only this and the envelope.
 */
export const Sealed = z.object({
  type: z.literal('sealed'),
  seq: z.number().int().positive(),
  from: z.number().int().nonnegative(),
  to: z.number().int().nonnegative(),
  /** Not checked for base64 here: a box that is not the sender's does not open, whatever its bytes. */
  box: z.string().max(2_000_000),
});
export type Sealed = z.infer<typeof Sealed>;

/** The notebook's agent message: `Hello from n2 at <time>`. */
export const Chatter = z.object({
  type: z.literal('chatter'),
  msg_id: MsgId,
  text: z.string().max(4096),
});
export type Chatter = z.infer<typeof Chatter>;

/** A broadcast value on one hop (flooding or push gossip); `value` is what the origin broadcast. */
export const Bcast = z.object({
  type: z.literal('bcast'),
  msg_id: MsgId,
  value: z.string().max(4096),
});
export type Bcast = z.infer<typeof Bcast>;
