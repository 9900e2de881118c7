/**
 * The node's WebSocket server, where its peers and the workload's clients dial in: every
 * connection goes to the mesh, which makes it a link. Resolves once it listens, with the URL peers
 * reach it by (the advertised host, with the port the OS gave).
 *
 * With `--security on` it is a wss:// server (docs/security.md): TLS 1.3, and a client certificate
 * from the run's authority, or no link. It listens before the node has its certificate (the URL goes
 * into the register); handshakes fail until `secure()` gives it one, which happens before any peer
 * is told to dial it. A refused handshake or certificate is logged and counted by the link guard.
 */
import type { TLSSocket } from 'node:tls';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_PAYLOAD_BYTES, certificateIncarnation, certificateName, createTlsServer, type Logger, type RefusalReason } from '@agentnet/protocol';
import type { PeerMesh } from './peer-mesh.js';
import type { LinkGuard } from '../security/link-guard.js';

export interface PeerServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  advertiseHost: string;
}

export interface PeerServer {
  url: Promise<string>;
  /** Gives the TLS server its certificate (from the node's identity); a no-op for ws://. */
  secure(): void;
  /** Cuts what never became a link and stops listening. */
  close(): void;
}

export function listenForPeers(options: PeerServerOptions, mesh: PeerMesh, guard: LinkGuard, log: Logger): PeerServer {
  const identity = guard.identity;
  // Only the run's authority is trusted (the secure context's `ca`), and a certificate must be shown.
  const checkClient = (socket: TLSSocket): RefusalReason | undefined =>
    socket.authorized ? undefined : socket.getPeerX509Certificate?.() === undefined ? 'no_certificate' : 'untrusted_certificate';
  const tls = identity ? createTlsServer({ log, checkClient, refused: (reason) => guard.count(reason) }) : undefined;
  const where = tls ? { server: tls } : { host: options.host, port: options.port };
  const server = new WebSocketServer({ ...where, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const url = new Promise<string>((resolve, reject) => {
    // On TLS, ws passes the HTTPS server's 'listening' and 'error' on to its own: one place to listen.
    server.once('error', reject);
    server.on('connection', (socket: WebSocket, req) => {
      if (tls) guard.certified(socket, nameOf(req.socket as TLSSocket));
      mesh.accept(socket);
    });
    server.once('listening', () => {
      server.removeListener('error', reject);
      server.on('error', (err) => log.error({ err }, 'server_error'));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.advertiseHost.includes(':') ? `[${options.advertiseHost}]` : options.advertiseHost;
      const url = `${tls ? 'wss' : 'ws'}://${host}:${port}`;
      log.info({ url, host: options.host, port }, 'listening');
      resolve(url);
    });
    tls?.listen(options.port, options.host);
  });
  return {
    url,
    secure: () => {
      const context = identity?.serverContext;
      if (tls && context) tls.setSecureContext(context);
    },
    close: () => {
      // Sockets that never became links (a stray client) would keep the server open; cut them.
      for (const socket of server.clients) if (socket.readyState !== socket.CLOSING) socket.terminate();
      server.close();
      tls?.close();
    },
  };
}

const nameOf = (socket: TLSSocket): { name: string; incarnation: number } | undefined => {
  const cert = socket.getPeerX509Certificate?.();
  const name = cert && certificateName(cert);
  return cert && name !== undefined ? { name, incarnation: certificateIncarnation(cert) ?? 0 } : undefined;
};
