/**
 * A node dialing a peer that does not answer: a first process fails (the run cannot start without
 * the link), a restarted one joining a running cluster takes the peer as down and waits for its
 * restart, which links it again.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createLogger } from '@agentnet/protocol';
import { PeerMesh } from './peer-mesh.js';
import { LinkGuard } from '../security/link-guard.js';
import { PeerUnavailableError } from '../errors.js';

const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A loopback URL where nothing listens: a port taken and released. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `ws://127.0.0.1:${port}`;
}

function mesh(): PeerMesh {
  const m = new PeerMesh({ log, guard: new LinkGuard(undefined), onMessage: () => {}, onLinkDown: () => {}, dialAttempts: 2, dialRetryMs: 10 });
  closers.push(async () => m.close());
  return m;
}

describe('PeerMesh dialing an unreachable peer', () => {
  it('fails a first process', async () => {
    const m = mesh();
    await expect(m.connect('n0', [{ id: 'n1', url: await deadUrl() }], ['n0', 'n1'])).rejects.toThrow(PeerUnavailableError);
  });

  it('takes the peer as down for a rejoining process, and links it when it restarts', async () => {
    const m = mesh();
    await m.connect('n0', [{ id: 'n1', url: await deadUrl() }], ['n0', 'n1'], { rejoining: true });
    expect(m.linkedPeers).toEqual([]);
    // n1 restarts under a new URL: the coordinator's peer_restarted makes n0 dial it.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    closers.push(
      () =>
        new Promise((resolve) => {
          for (const client of wss.clients) client.terminate();
          wss.close(() => resolve());
        }),
    );
    await new Promise<void>((resolve) => wss.on('listening', () => resolve()));
    const hello = new Promise<unknown>((resolve) => wss.on('connection', (socket) => socket.on('message', (data) => resolve(JSON.parse(String(data))))));
    m.relink({ id: 'n1', url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}` });
    await expect(hello).resolves.toMatchObject({ src: 'n0', dest: 'n1', body: { type: 'link_hello' } });
  });
});
