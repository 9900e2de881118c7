/**
 * `history.jsonl`: the workload's operations as Jepsen records them. Every operation is an
 * `invoke` line followed by exactly one completion: `ok` (it happened), `fail` (it certainly did
 * not happen) or `info` (unknown: it may have happened, at any time after its invoke, or never).
 */
import { z } from 'zod';
import { NodeId } from '../wire/envelope.js';
import { ClientId, KvKey, KvValue } from '../wire/kv-messages.js';

export const OpF = z.enum(['read', 'write', 'cas']);
export type OpF = z.infer<typeof OpF>;

export const OpType = z.enum(['invoke', 'ok', 'fail', 'info']);
export type OpType = z.infer<typeof OpType>;

export const HistoryEntry = z.object({
  /** Line number in history.jsonl, from 0. */
  index: z.number().int().nonnegative(),
  type: OpType,
  /** The client (Jepsen's process): at most one operation of a process is outstanding. */
  process: ClientId,
  f: OpF,
  key: KvKey,
  /** write: the value; cas: [from, to]; read: null at invoke, the value read when ok (null: the key did not exist). */
  value: z.union([KvValue, z.tuple([KvValue, KvValue]), z.null()]),
  /** The node the request went to (or was meant for). */
  node: NodeId,
  /** ms since the start of traffic. */
  time_ms: z.number(),
  /** On a completion: the index of its invoke. */
  invoke_index: z.number().int().nonnegative().optional(),
  /** The request's journal id (its line in messages.jsonl), when a request was sent. */
  msg: z.string().optional(),
  /** fail and info: why (a Maelstrom error code, or 0 for a timeout or a lost connection). */
  error: z.object({ code: z.number().int(), text: z.string() }).optional(),
  /** One of the final reads of every key after the settle. */
  final: z.literal(true).optional(),
});
export type HistoryEntry = z.infer<typeof HistoryEntry>;
