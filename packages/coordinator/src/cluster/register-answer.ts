/**
 * The answer to an accepted register, for a new node and a rejoining one alike: its register_ok,
 * with `--security on` its proof and, once made, its certificate (docs/security.md). What follows
 * the answer (the log line, the run going on) is `then`, so nothing reaches the node before it.
 */
import { ErrorCode, type Logger, type Register } from '@agentnet/protocol';
import type { ControlConnection, ControlServer } from './control-server.js';
import type { RegisterOkExtra, RunGuard } from '../security/run-guard.js';

export interface RegisterAnswerContext {
  server: () => ControlServer | undefined;
  guard: RunGuard;
  run: { id: string; path: string };
  log: Logger;
}

export function answerRegister(
  c: RegisterAnswerContext,
  conn: ControlConnection,
  body: Register,
  node: { id: string; incarnation: number },
  then: () => void,
  failed: (reason: string) => void,
): void {
  const send = (extra: RegisterOkExtra) => {
    c.server()?.send(conn, { type: 'register_ok', in_reply_to: body.msg_id, node_id: node.id, run_id: c.run.id, run_dir: c.run.path, ...extra });
    then();
  };
  c.guard.answerRegister(body, { ...node, runId: c.run.id }, send, (err) => {
    const reason = `no certificate could be made for ${node.id}: ${(err as Error).message}`;
    c.log.error({ err, node_id: node.id }, 'certify_failed');
    c.server()?.reject(conn, ErrorCode.crash, reason, { type: body.type, msg_id: body.msg_id });
    failed(reason);
  });
}
