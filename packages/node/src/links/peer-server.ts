/**
 * The node's WebSocket server, where its peers and the workload's clients dial in: every
 * connection goes to the mesh, which makes it a link. Resolves once it listens, with the URL peers
 * reach it by (the advertised host, with the port the OS gave).
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_PAYLOAD_BYTES, type Logger } from '@agentnet/protocol';
import type { PeerMesh } from './peer-mesh.js';

export interface PeerServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  advertiseHost: string;
}

export function listenForPeers(options: PeerServerOptions, mesh: PeerMesh, log: Logger): { server: WebSocketServer; url: Promise<string> } {
  const server = new WebSocketServer({ host: options.host, port: options.port, maxPayload: MAX_PAYLOAD_BYTES, perMessageDeflate: false });
  const url = new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.on('connection', (socket: WebSocket) => mesh.accept(socket));
    server.once('listening', () => {
      server.removeListener('error', reject);
      server.on('error', (err) => log.error({ err }, 'server_error'));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      const host = options.advertiseHost.includes(':') ? `[${options.advertiseHost}]` : options.advertiseHost;
      const url = `ws://${host}:${port}`;
      log.info({ url, host: options.host, port }, 'listening');
      resolve(url);
    });
  });
  return { server, url };
}
