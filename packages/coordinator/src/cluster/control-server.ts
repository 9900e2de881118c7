/**
 * The coordinator's WebSocket control server. It decodes every frame against the bodies a node may
 * send; bad input is logged and answered with an error (when the message had a `msg_id`), and the
 * server goes on serving every other connection.
 */
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  BadInputError,
  COORDINATOR_ID,
  MAX_PAYLOAD_BYTES,
  NODE_TO_COORDINATOR,
  UNREGISTERED_ID,
  decode,
  encode,
  errorReply,
  publicKeyOf,
  createTlsServer,
  type RefusalReason,
  type CoordinatorToNode,
  type Logger,
  type MsgIds,
  type NodeToCoordinator,
  type Typed,
} from '@agentnet/protocol';

/** One node's control connection; `nodeId` is set once it has registered. */
export interface ControlConnection {
  socket: WebSocket;
  nodeId: string | undefined;
  remote: string;
  /** On TLS (`--security on`): the public key of the certificate the node showed (SPKI PEM). */
  publicKey?: string | undefined;
}

export interface ControlHandlers {
  onMessage: (conn: ControlConnection, msg: Typed<NodeToCoordinator & MsgIds>) => void;
  onClose: (conn: ControlConnection, code: number) => void;
}

/** The control server's TLS (`--security on`): its certificate, and where refused handshakes are counted. */
export interface ControlTls {
  options: { key: string; cert: string; minVersion: 'TLSv1.3' };
  refused: (reason: RefusalReason) => void;
}

export class ControlServer {
  private constructor(
    private readonly server: WebSocketServer,
    private readonly https: Server | undefined,
    private readonly log: Logger,
    readonly port: number,
  ) {}

  /**
   * Listens; with `tls` (`--security on`) a wss:// server: TLS 1.3 with the coordinator's
   * certificate, and a client certificate asked of every node (its own, self-signed: it gets the
   * authority's at register), whose key the register must state.
   */
  static listen(host: string, port: number, log: Logger, handlers: ControlHandlers, tls?: ControlTls): Promise<ControlServer> {
    return new Promise((resolve, reject) => {
      // A node's first certificate is its own (self-signed), so any is taken here; one must be shown.
      const checkClient = (socket: TLSSocket) => (socket.getPeerX509Certificate?.() === undefined ? 'no_certificate' : undefined);
      const https = tls ? createTlsServer({ context: tls.options, log, checkClient, refused: tls.refused }) : undefined;
      const wss = new WebSocketServer({ ...(https ? { server: https } : { host, port }), maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
      // On TLS, ws passes the HTTPS server's 'listening' and 'error' on to its own: one place to listen.
      wss.once('error', reject);
      wss.once('listening', () => {
        wss.removeListener('error', reject);
        const address = wss.address();
        const server = new ControlServer(wss, https, log, typeof address === 'object' && address ? address.port : port);
        wss.on('error', (err) => log.error({ err }, 'server_error'));
        wss.on('connection', (socket, req) => {
          const cert = https ? (req.socket as TLSSocket).getPeerX509Certificate?.() : undefined;
          server.accept(socket, `${req.socket.remoteAddress}:${req.socket.remotePort}`, handlers, cert ? publicKeyOf(cert) : undefined);
        });
        resolve(server);
      });
      https?.listen(port, host);
    });
  }

  private accept(socket: WebSocket, remote: string, handlers: ControlHandlers, publicKey: string | undefined): void {
    const conn: ControlConnection = { socket, nodeId: undefined, remote, publicKey };
    socket.on('error', (err) => this.log.warn({ err, node_id: conn.nodeId, remote }, 'socket_error'));
    socket.on('close', (code) => handlers.onClose(conn, code));
    socket.on('message', (data: RawData) => {
      const res = decode(data, NODE_TO_COORDINATOR);
      if (res.ok) return handlers.onMessage(conn, res.msg);
      this.reject(conn, res.code, res.text, res);
    });
  }

  /** Logs a refused message and answers it with an error when it had a `msg_id`. */
  reject(conn: ControlConnection, code: number, text: string, seen: { src?: string; msg_id?: number; type?: string }, refusal?: RefusalReason): void {
    this.log.warn(
      { err: new BadInputError(code, text), node_id: conn.nodeId, remote: conn.remote, src: seen.src, type: seen.type, msg_id: seen.msg_id, ...(refusal ? { refusal } : {}) },
      'reject',
    );
    if (seen.msg_id !== undefined) {
      this.sendRaw(conn, encode(errorReply(COORDINATOR_ID, conn.nodeId ?? seen.src ?? 'unknown', code, text, seen.msg_id, refusal)));
    }
  }

  send(conn: ControlConnection, body: CoordinatorToNode): void {
    this.sendRaw(conn, encode({ src: COORDINATOR_ID, dest: conn.nodeId ?? UNREGISTERED_ID, body }));
  }

  private sendRaw(conn: ControlConnection, frame: string): void {
    if (conn.socket.readyState !== conn.socket.OPEN) return;
    conn.socket.send(frame, (err) => {
      if (err) this.log.warn({ err, node_id: conn.nodeId }, 'send_failed');
    });
  }

  /** Stops accepting and cuts every connection still open. */
  close(): Promise<void> {
    for (const socket of this.server.clients) socket.terminate();
    return new Promise((resolve) => this.server.close(() => (this.https ? this.https.close(() => resolve()) : resolve())));
  }
}
