/**
 * Raft's messages on the wire and how their fields are checked on arrival. The node checks only
 * that a behaviour's body has a string `type`; a behaviour checks its own fields, so a malformed
 * body fails in its handler with the field named instead of corrupting the log.
 * RequestVote and AppendEntries and their answers are one-way messages (not `rpc`): Raft retries
 * on its own timers.
 */
import { z } from 'zod';
import type { Incoming } from '../api/behavior.js';

const Term = z.number().int().nonnegative();
const Index = z.number().int().nonnegative();

/**
 * A log entry: a write of `value` to `key` (the built-in workload's, and a client's `write`), or,
 * with `op`, a client's `cas` (from `from` to `value`) or `read` (value ''). Client values are kept
 * as JSON text, so any JSON value round-trips.
 */
export const RaftEntrySchema = z.object({ term: Term, key: z.string(), value: z.string(), op: z.enum(['cas', 'read']).optional(), from: z.string().optional() });

export const RequestVote = z.object({
  type: z.literal('raft_request_vote'),
  term: Term,
  last_index: Index,
  last_term: Term,
});
export type RequestVote = z.infer<typeof RequestVote>;

export const Vote = z.object({
  type: z.literal('raft_vote'),
  term: Term,
  granted: z.boolean(),
});
export type Vote = z.infer<typeof Vote>;

export const AppendEntries = z.object({
  type: z.literal('raft_append'),
  term: Term,
  prev_index: Index,
  prev_term: Term,
  entries: z.array(RaftEntrySchema),
  leader_commit: Index,
});
export type AppendEntries = z.infer<typeof AppendEntries>;

export const AppendResult = z.object({
  type: z.literal('raft_append_result'),
  term: Term,
  success: z.boolean(),
  /** On success: the follower matches the leader up to here. */
  match: Index,
  /** On failure: the index the leader should try next. */
  hint: Index,
  /** The prev_index of the AppendEntries answered: a leader with several on their way tells a stale refusal from a current one. */
  prev_index: Index,
});
export type AppendResult = z.infer<typeof AppendResult>;

/** A client's write, sent to the node it believes leads. */
export const Write = z.object({ type: z.literal('raft_write'), key: z.string(), value: z.string() });
export type Write = z.infer<typeof Write>;

/** The leader's answers: committed at `index`, or not the leader (with whom it believes leads). */
export const WriteOk = z.object({ type: z.literal('raft_write_ok'), index: Index.min(1), term: Term });
export const WriteRedirect = z.object({ type: z.literal('raft_write_redirect'), leader: z.string().nullable() });
export const WriteAnswer = z.discriminatedUnion('type', [WriteOk, WriteRedirect]);
export type WriteAnswer = z.infer<typeof WriteAnswer>;

export class RaftMessageError extends Error {
  constructor(type: string, src: string, why: string) {
    super(`malformed ${type} from ${src}: ${why}`);
    this.name = 'RaftMessageError';
  }
}

/** The body of `msg` checked against `schema`; throws RaftMessageError naming the bad field. */
export function parseBody<T>(schema: z.ZodType<T>, msg: Incoming): T {
  const r = schema.safeParse(msg.body);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new RaftMessageError(msg.body.type, msg.src, issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid');
}
