/**
 * A raw `ws` client for tests that play a stranger or an attacker: it speaks the wire format by
 * hand, apart from the project's own link code. Every socket it opens is cut after each test.
 */
import { afterEach } from 'vitest';
import { WebSocket } from 'ws';

export interface RawClient {
  socket: WebSocket;
  /** Sends a frame and resolves with the next reply (parsed), or rejects after the timeout. */
  ask: (frame: string) => Promise<{ src: string; dest: string; body: Record<string, unknown> }>;
  closed: Promise<number>;
}

const clients: WebSocket[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.terminate();
});

export async function connectRaw(url: string): Promise<RawClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  clients.push(socket);
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  const ask = (frame: string) =>
    new Promise<{ src: string; dest: string; body: Record<string, unknown> }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${frame.slice(0, 80)}`)), 5_000);
      socket.once('message', (data) => {
        clearTimeout(timer);
        resolve(JSON.parse(data.toString()));
      });
      socket.send(frame);
    });
  return { socket, ask, closed };
}
