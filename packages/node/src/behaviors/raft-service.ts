/**
 * Raft's service to clients (`--workload kv`): Maelstrom's lin-kv operations `read {key}`,
 * `write {key, value}` and `cas {key, from, to}` from client connections to any node. The leader
 * runs each through the log and answers once it is applied (`read_ok {value}`, `write_ok`,
 * `cas_ok`, or the error the state machine gave: 20 key does not exist, 22 precondition failed).
 * Any other node proxies the request to the leader it knows and relays the answer; one that knows
 * no leader, or that gets a proxied request without being the leader, answers 11 (temporarily
 * unavailable: the operation did not happen, the client may retry). A proxied request that gets no
 * answer fails with the timeout code, which tells the client it may or may not have happened.
 */
import { ErrorCode, RpcError } from '@agentnet/protocol';
import { z } from 'zod';
import type { Incoming } from '../api/behavior.js';
import type { Body } from '../api/node-api.js';
import type { RaftKv } from './raft-kv.js';
import type { RaftState } from './raft-state.js';

/** Keys and values are any JSON scalar or structure; the store keeps values as JSON text. */
const Json = z.json();
const Key = z.union([z.string(), z.number()]);
const Proxied = { proxied: z.boolean().optional() };
export const ClientOp = z.discriminatedUnion('type', [
  z.object({ type: z.literal('read'), key: Key, ...Proxied }),
  z.object({ type: z.literal('write'), key: Key, value: Json, ...Proxied }),
  z.object({ type: z.literal('cas'), key: Key, from: Json, to: Json, ...Proxied }),
]);
export type ClientOp = z.infer<typeof ClientOp>;

/** How long a proxy waits for the leader's answer before telling the client it timed out. */
export const PROXY_TIMEOUT_MS = 1000;

const keyText = (key: string | number) => (typeof key === 'string' ? key : JSON.stringify(key));

/** A stored value: JSON text from a client, or the built-in workload's plain string. */
function fromStored(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export class RaftService {
  constructor(
    private readonly s: RaftState,
    private readonly kv: RaftKv,
  ) {
    for (const type of ['read', 'write', 'cas'] as const) s.node.on(type, (msg) => this.serve(msg));
  }

  private async serve(msg: Incoming): Promise<Body> {
    const r = ClientOp.safeParse(msg.body);
    if (!r.success) throw new RpcError(ErrorCode.malformed_request, `${msg.body.type} from ${msg.src}: ${z.prettifyError(r.error)}`);
    const op = r.data;
    const s = this.s;
    if (s.role === 'leader') return this.execute(op);
    if (op.proxied === true) throw new RpcError(ErrorCode.temporarily_unavailable, `${s.node.id} does not lead term ${s.currentTerm}`);
    const leader = s.leader;
    if (leader === undefined) throw new RpcError(ErrorCode.temporarily_unavailable, `${s.node.id} knows no leader in term ${s.currentTerm}`);
    // An error answer rejects with the leader's code, which the handler's failure relays as is.
    const { msg_id: _m, in_reply_to: _r, ...answer } = await s.node.rpc(leader, { ...op, proxied: true }, { timeoutMs: PROXY_TIMEOUT_MS });
    return answer;
  }

  private async execute(op: ClientOp): Promise<Body> {
    const key = keyText(op.key);
    const entry =
      op.type === 'read'
        ? { op: 'read' as const, key, value: '' }
        : op.type === 'write'
          ? { key, value: JSON.stringify(op.value) }
          : { op: 'cas' as const, key, from: JSON.stringify(op.from), value: JSON.stringify(op.to) };
    const { outcome } = await this.kv.submit(entry);
    if (!outcome.ok) throw new RpcError(outcome.code, outcome.text);
    if (op.type === 'read') return { type: 'read_ok', value: fromStored(outcome.value ?? 'null') };
    return { type: `${op.type}_ok` };
  }
}
