/**
 * A raw `ws` client for tests that play a stranger or an attacker: it speaks the wire format by
 * hand, apart from the project's own link code (for wss://, with whatever TLS options the test
 * gives, and the server's certificate unchecked). Every socket it opens is cut after each test.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';

type Frame = { src: string; dest: string; body: Record<string, unknown> };

export interface RawClient {
  socket: WebSocket;
  /** Sends a frame and resolves with the next frame that comes (parsed), or rejects after the timeout. */
  ask: (frame: string) => Promise<Frame>;
  /** The next frame that comes. */
  next: () => Promise<Frame>;
  closed: Promise<number>;
}

const clients: WebSocket[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.terminate();
  for (const s of servers.splice(0)) s.close();
});

export async function connectRaw(url: string, tls: ClientOptions = {}): Promise<RawClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false, ...tls });
  clients.push(socket);
  socket.on('error', () => {});
  const client = rawClient(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return client;
}

/** A wss:// server on loopback that hands over each socket dialed to it, in turn, for a test that plays a node others dial. */
export async function listenRaw(tls: { key: string; cert: string }): Promise<{ url: string; secure: (tls: { key: string; cert: string }) => void; accept: () => Promise<RawClient> }> {
  // Any client certificate is taken: the test plays the node, not the node's checks.
  const server = createServer({ ...tls, minVersion: 'TLSv1.3', requestCert: true, rejectUnauthorized: false });
  servers.push(server);
  server.on('tlsClientError', () => {});
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  const arrived: RawClient[] = [];
  const waiting: Array<(c: RawClient) => void> = [];
  wss.on('connection', (socket) => {
    clients.push(socket);
    socket.on('error', () => {});
    const client = rawClient(socket);
    const w = waiting.shift();
    if (w) w(client);
    else arrived.push(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const accept = () => {
    const ready = arrived.shift();
    return ready ? Promise.resolve(ready) : new Promise<RawClient>((resolve) => waiting.push(resolve));
  };
  return { url: `wss://127.0.0.1:${port}`, secure: (t) => server.setSecureContext({ ...t, minVersion: 'TLSv1.3' }), accept };
}

function rawClient(socket: WebSocket): RawClient {
  const queue: Frame[] = [];
  const waiting: Array<(f: Frame) => void> = [];
  socket.on('message', (data) => {
    // Between nodes a frame may carry a batch of envelopes: each is one frame here.
    const parsed = JSON.parse(data.toString()) as Frame | Frame[];
    for (const frame of Array.isArray(parsed) ? parsed : [parsed]) {
      const w = waiting.shift();
      if (w) w(frame);
      else queue.push(frame);
    }
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const next = () =>
    new Promise<Frame>((resolve, reject) => {
      const queued = queue.shift();
      if (queued) return resolve(queued);
      const timer = setTimeout(() => reject(new Error('no frame came')), 10_000);
      waiting.push((f) => {
        clearTimeout(timer);
        resolve(f);
      });
    });
  const ask = (frame: string) => {
    socket.send(frame);
    return next();
  };
  return { socket, ask, next, closed };
}
