/**
 * Client links and the lin-kv workload (Jepsen Maelstrom's `lin-kv`): external clients `c1`, `c2`,
 * ... open a WebSocket to a node's peer server, say `link_hello` from their client id, and send
 * read / write / cas requests; the node's behaviour answers them. Client links are outside the
 * simulated network (never shaped or faulted), but every message on them is journaled.
 */
import { z } from 'zod';
import { ErrorBody, MsgId } from './envelope.js';
import { LinkBye, LinkHello, LinkHelloOk } from './peer-messages.js';

/** A client of the workload: `c1`, `c2`, ... (never a node id, which starts with `n`). */
export const ClientId = z.string().regex(/^c\d+$/, 'a client id is c<number>');
export type ClientId = z.infer<typeof ClientId>;

const CLIENT_ID = /^c\d+$/;

export function isClientId(id: string): boolean {
  return CLIENT_ID.test(id);
}

/** A message on a client link (a request or a reply): journaled and counted, but never shaped, so not part of the network's latency. */
export function onClientLink(m: { src: string; dest: string }): boolean {
  return isClientId(m.src) || isClientId(m.dest);
}

/** Maelstrom's keys may be any JSON value; agentnet takes integers (what the workload uses) and short strings. */
export const KvKey = z.union([z.number().int(), z.string().min(1).max(256)]);
export type KvKey = z.infer<typeof KvKey>;

/** Values are integers: the workload writes each one once, which keeps its history checkable. */
export const KvValue = z.number().int();

export const KvRead = z.object({ type: z.literal('read'), msg_id: MsgId, key: KvKey });
export type KvRead = z.infer<typeof KvRead>;

export const KvWrite = z.object({ type: z.literal('write'), msg_id: MsgId, key: KvKey, value: KvValue });
export type KvWrite = z.infer<typeof KvWrite>;

export const KvCas = z.object({ type: z.literal('cas'), msg_id: MsgId, key: KvKey, from: KvValue, to: KvValue });
export type KvCas = z.infer<typeof KvCas>;

/** `value` null: the key does not exist (a node may also answer error 20, key_does_not_exist). */
export const KvReadOk = z.object({ type: z.literal('read_ok'), in_reply_to: MsgId, value: KvValue.nullable() });
export type KvReadOk = z.infer<typeof KvReadOk>;

export const KvWriteOk = z.object({ type: z.literal('write_ok'), in_reply_to: MsgId });
export type KvWriteOk = z.infer<typeof KvWriteOk>;

export const KvCasOk = z.object({ type: z.literal('cas_ok'), in_reply_to: MsgId });
export type KvCasOk = z.infer<typeof KvCasOk>;

/**
 * What a node accepts on a client link, by type. Other types reach the behaviour as plain bodies
 * (a behaviour may serve other workloads); these are checked so a behaviour's handler can rely on
 * their fields.
 */
export const CLIENT_BODIES = { link_hello: LinkHello, link_bye: LinkBye, error: ErrorBody, read: KvRead, write: KvWrite, cas: KvCas };

/** What a client accepts from a node. */
export const CLIENT_REPLY_BODIES = { link_hello_ok: LinkHelloOk, link_bye: LinkBye, error: ErrorBody, read_ok: KvReadOk, write_ok: KvWriteOk, cas_ok: KvCasOk };
export type ClientReplyBody = z.infer<(typeof CLIENT_REPLY_BODIES)[keyof typeof CLIENT_REPLY_BODIES]>;
