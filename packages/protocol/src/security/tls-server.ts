/**
 * The HTTPS server under a wss:// WebSocket server (`--security on`, docs/security.md): TLS 1.3 with
 * a client certificate asked of everyone. The client's certificate is checked here rather than by
 * OpenSSL, so that every refusal has its reason (OpenSSL's own reaches the server as a bare reset):
 * a refused handshake or certificate is counted, logged with its reason, and its socket destroyed;
 * the server serves everyone else on.
 */
import { createServer, type Server } from 'node:https';
import type { SecureContextOptions, TLSSocket } from 'node:tls';
import { BadInputError, ErrorCode } from '../wire/error-codes.js';
import type { Logger } from '../runtime/log-sink.js';
import { REFUSALS, tlsRefusal, type RefusalReason } from './refusals.js';

export interface TlsServerOptions {
  /** The server's key and certificate; absent when they come later (`setSecureContext`). */
  context?: SecureContextOptions | undefined;
  log: Logger;
  /** Why a client that completed the handshake is refused, if it is (its certificate). */
  checkClient: (socket: TLSSocket) => RefusalReason | undefined;
  /** Counts a refusal. */
  refused: (reason: RefusalReason) => void;
}

export function createTlsServer(o: TlsServerOptions): Server {
  const server = createServer({ ...o.context, requestCert: true, rejectUnauthorized: false });
  const refuse = (reason: RefusalReason, socket: TLSSocket, detail: string | undefined): void => {
    o.refused(reason);
    const text = `TLS refused: ${REFUSALS[reason]}${detail ? ` (${detail})` : ''}`;
    o.log.warn({ err: new BadInputError(ErrorCode.unauthorized, text), remote: `${socket.remoteAddress}:${socket.remotePort}`, reason }, 'reject');
  };
  server.on('secureConnection', (socket: TLSSocket) => {
    const reason = o.checkClient(socket);
    if (reason === undefined) return;
    refuse(reason, socket, socket.authorizationError ? String(socket.authorizationError) : undefined);
    socket.destroy();
  });
  server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
    const reason = tlsRefusal(err.code);
    if (reason) return refuse(reason, socket, err.code);
    // A dialer that gave up, or a handshake before this server has its certificate: no refusal here.
    o.log.debug({ err, remote: `${socket.remoteAddress}:${socket.remotePort}` }, 'tls_failed');
  });
  return server;
}
