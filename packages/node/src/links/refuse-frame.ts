/**
 * How a node refuses a frame from a peer, a client or a stranger: a `reject` line with the error
 * under `err` and what is known of the frame, and an error reply on its socket when the frame had a
 * `msg_id` and the socket may still carry it.
 */
import type { WebSocket } from 'ws';
import { BadInputError, encode, errorReply, type Logger, type RefusalReason } from '@agentnet/protocol';

/** What is known of a refused frame. */
export interface Seen {
  src?: string;
  msg_id?: number;
  type?: string;
}

export function refuseFrame(log: Logger, socket: WebSocket, answerable: boolean, self: string, r: { code: number; text: string; seen: Seen; refusal?: RefusalReason }): void {
  const { code, text, seen } = r;
  log.warn({ err: new BadInputError(code, text), src: seen.src, type: seen.type, msg_id: seen.msg_id, ...(r.refusal ? { refusal: r.refusal } : {}) }, 'reject');
  if (seen.msg_id !== undefined && answerable) socket.send(encode(errorReply(self, seen.src ?? 'unknown', code, text, seen.msg_id, r.refusal)));
}
