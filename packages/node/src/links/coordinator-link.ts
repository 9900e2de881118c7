/**
 * The node's control channel to the coordinator: one WebSocket, Maelstrom envelopes, every frame
 * decoded against the bodies the coordinator may send.
 */
import type { X509Certificate } from 'node:crypto';
import type { ClientOptions, WebSocket, RawData } from 'ws';
import {
  BadInputError,
  CONTROL_DIAL_ATTEMPTS,
  CONTROL_DIAL_RETRY_MS,
  COORDINATOR_ID,
  COORDINATOR_TO_NODE,
  type CoordinatorToNode,
  decode,
  encode,
  errorReply,
  type Logger,
  type MsgIds,
  type NodeToCoordinator,
  type Typed,
} from '@agentnet/protocol';
import { dial, peerCertificate } from './dial.js';
import { CoordinatorUnavailableError, NodeStateError } from '../errors.js';

export interface ControlHandlers {
  onMessage: (msg: Typed<CoordinatorToNode & MsgIds>) => void;
  onClose: (code: number) => void;
  /** For a wss:// coordinator (`--security on`): the node's key and self-signed certificate. */
  tls?: ClientOptions | undefined;
}

export class CoordinatorLink {
  private constructor(
    private readonly socket: WebSocket,
    private readonly log: Logger,
    private readonly selfId: () => string,
  ) {}

  static async connect(url: string, log: Logger, selfId: () => string, handlers: ControlHandlers): Promise<CoordinatorLink> {
    let socket: WebSocket;
    try {
      socket = await dial(url, {
        attempts: CONTROL_DIAL_ATTEMPTS,
        retryMs: CONTROL_DIAL_RETRY_MS,
        tls: handlers.tls,
        onRetry: (attempt, err) => log.debug({ url, attempt, err }, 'dial_retry'),
      });
    } catch (err) {
      throw new CoordinatorUnavailableError(url, err);
    }
    const client = new CoordinatorLink(socket, log, selfId);
    socket.on('error', (err) => log.warn({ err }, 'socket_error'));
    socket.on('close', (code) => handlers.onClose(code));
    socket.on('message', (data: RawData) => {
      const res = decode(data, COORDINATOR_TO_NODE);
      if (res.ok) return handlers.onMessage(res.msg);
      log.warn({ err: new BadInputError(res.code, res.text), src: res.src, type: res.type }, 'reject');
      if (res.msg_id !== undefined) client.sendRaw(encode(errorReply(selfId(), COORDINATOR_ID, res.code, res.text, res.msg_id)));
    });
    return client;
  }

  /** The certificate the coordinator showed on a wss:// link. */
  get peerCertificate(): X509Certificate | undefined {
    return peerCertificate(this.socket);
  }

  get open(): boolean {
    return this.socket.readyState === this.socket.OPEN;
  }

  private sendRaw(frame: string, done?: (err?: Error) => void): void {
    if (!this.open) {
      done?.(new NodeStateError('the control channel is closed'));
      return;
    }
    this.socket.send(frame, (err) => {
      if (err) this.log.warn({ err }, 'control_send_failed');
      done?.(err ?? undefined);
    });
  }

  /** Logs a refused control message and answers it with an error when it had a `msg_id`. */
  refuse(msg: Typed<CoordinatorToNode & MsgIds>, code: number, text: string): void {
    this.log.warn({ err: new BadInputError(code, text), type: msg.body.type }, 'reject');
    if (msg.body.msg_id !== undefined) this.sendRaw(encode(errorReply(this.selfId(), COORDINATOR_ID, code, text, msg.body.msg_id)));
  }

  send(body: NodeToCoordinator): void {
    this.sendRaw(encode({ src: this.selfId(), dest: COORDINATOR_ID, body }));
  }

  /** Sends and resolves once the frame has been handed to the kernel (or failed). */
  sendAndWait(body: NodeToCoordinator): Promise<void> {
    return new Promise((resolve) => this.sendRaw(encode({ src: this.selfId(), dest: COORDINATOR_ID, body }), () => resolve()));
  }

  close(): void {
    if (this.open) this.socket.close(1000, 'done');
  }
}
