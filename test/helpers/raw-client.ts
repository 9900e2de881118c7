/**
 * A raw `ws` client for tests that play a stranger or an attacker: it speaks the wire format by
 * hand, apart from the project's own link code (for wss://, with whatever TLS options the test
 * gives, and the server's certificate unchecked). Every socket it opens is cut after each test.
 */
import { afterEach } from 'vitest';
import { WebSocket, type ClientOptions } from 'ws';

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
afterEach(() => {
  for (const c of clients.splice(0)) c.terminate();
});

export async function connectRaw(url: string, tls: ClientOptions = {}): Promise<RawClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false, rejectUnauthorized: false, ...tls });
  clients.push(socket);
  socket.on('error', () => {});
  const queue: Frame[] = [];
  const waiting: Array<(f: Frame) => void> = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    const w = waiting.shift();
    if (w) w(frame);
    else queue.push(frame);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
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
