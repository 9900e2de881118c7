/**
 * A workload client against a stand-in node (a WebSocket server that answers the hello and then
 * as each test says): outcomes of replies, silence and lost links; the client's messages in the
 * ledger; a new link after the old one was lost; final reads in rounds until the deadline.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLogger } from '@agentnet/protocol';
import { Ledger } from '../report/ledger.js';
import { History } from './history.js';
import { KvClient } from './kv-client.js';

const { log } = createLogger({ role: 'coordinator', level: 'silent', pretty: false });
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((resolve) => s.close(resolve));
  }
});

type Frame = { src: string; dest: string; id?: string; body: { type: string; msg_id?: number; key?: number } };

/** A node n0 that answers each request with `answer` (nothing when it returns undefined); counts its connections. */
async function fakeNode(answer: (frame: Frame, socket: WebSocket) => Record<string, unknown> | undefined): Promise<{ url: string; connections: () => number }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  servers.push(server);
  await once(server, 'listening');
  let connections = 0;
  let sent = 0;
  server.on('connection', (socket) => {
    connections++;
    socket.on('error', () => {});
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const reply = frame.body.type === 'link_hello' ? { type: 'link_hello_ok' } : answer(frame, socket);
      if (!reply || socket.readyState !== socket.OPEN) return;
      const journal = frame.body.type === 'link_hello' ? {} : { id: `n0-${++sent}`, sent_at: Date.now() };
      socket.send(JSON.stringify({ src: 'n0', dest: frame.src, ...journal, body: { ...reply, in_reply_to: frame.body.msg_id } }));
    });
  });
  const address = server.address();
  return { url: `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, connections: () => connections };
}

function client(locate: (node: string) => { url: string } | { down: string }) {
  const ledger = new Ledger();
  const history = new History(() => performance.now());
  const settings = { kind: 'kv' as const, rate: 10, concurrency: 1, keys: 2, opTimeoutMs: 150, finalReadsMs: 0 };
  const c = new KvClient(1, { seed: 1, settings, nodeIds: ['n0'], locate, ledger, log, secret: undefined, history, known: new Map() });
  return { c, ledger, history };
}

const outcomes = (history: History) => history.entries.filter((e) => e.type !== 'invoke').map((e) => [e.key, e.type, e.error?.code ?? null]);

describe('a workload client', () => {
  it('reads in rounds until the deadline: ok answers, silence as info, every message in the ledger', async () => {
    const node = await fakeNode((f) => (f.body.key === 0 ? { type: 'read_ok', value: 5 } : undefined));
    const { c, ledger, history } = client(() => ({ url: node.url }));
    const reads = await c.finalReads([0, 1], performance.now() + 400);
    c.close();
    expect(reads[0]).toEqual({ key: 0, ok: true, value: 5, node: 'n0', attempts: 1 });
    expect(reads[1]).toMatchObject({ key: 1, ok: false });
    expect(reads[1]?.attempts).toBeGreaterThanOrEqual(2);
    const done = outcomes(history);
    expect(done[0]).toEqual([0, 'ok', null]);
    expect(done.slice(1).every(([key, type, code]) => key === 1 && type === 'info' && code === 0)).toBe(true);
    // Each request is a message from c1; the answer to key 0 the one message back.
    const lines = ledger.lines(new Set());
    expect(lines.filter((m) => m.src === 'c1').map((m) => m.id)).toEqual(history.entries.filter((e) => e.type !== 'invoke').map((e) => e.msg));
    expect(lines.filter((m) => m.dest === 'c1')).toMatchObject([{ src: 'n0', status: 'delivered', delay_ms: 0 }]);
    expect(node.connections()).toBe(1);
  });

  it('fails without a request when the node is down, and is unknown when the link is lost with the request out', async () => {
    const node = await fakeNode((_f, socket) => void socket.terminate());
    let down = true;
    const { c, ledger, history } = client(() => (down ? { down: 'n0 is not running (lost)' } : { url: node.url }));
    await c.finalReads([0], performance.now());
    expect(outcomes(history)).toEqual([[0, 'fail', 11]]);
    expect(ledger.size).toBe(0);
    down = false;
    // Rounds: each link is lost with the read out, and the next attempt links again.
    await c.finalReads([0], performance.now() + 400);
    c.close();
    const lost = outcomes(history).slice(1);
    expect(lost.length).toBeGreaterThanOrEqual(2);
    expect(lost.every(([key, type, code]) => key === 0 && type === 'info' && code === 13)).toBe(true);
    expect(node.connections()).toBe(lost.length);
    // The requests that were written count as sent: no receipt, and n0 was not lost, so in flight.
    expect(ledger.lines(new Set()).every((m) => m.src === 'c1' && m.status === 'in_flight')).toBe(true);
  });
});
