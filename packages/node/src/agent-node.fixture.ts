/**
 * One real AgentNode in the test process, run by a stand-in coordinator (a WebSocket server that
 * registers it, sends its `init` for a one-node run with a behaviour module, `start` and `stop`
 * when the test says, and keeps what it ships), and raw WebSocket clients that talk to its peer
 * server the way the workload's clients do.
 */
import { once } from 'node:events';
import { WebSocket, WebSocketServer } from 'ws';
import type { BehaviorEvent, JournalRecord, NodeCounters } from '@agentnet/protocol';
import { AgentNode } from './agent-node.js';

type Frame = { src: string; dest: string; id?: string; sent_at?: number; body: Record<string, unknown> & { type: string } };

/** Resolves with the first item `take` finds, looking again each time one arrives. */
class Inbox<T> {
  readonly items: T[] = [];
  private waiters: Array<() => void> = [];

  push(item: T): void {
    this.items.push(item);
    for (const w of this.waiters.splice(0)) w();
  }

  async take(match: (item: T) => boolean, what: string, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.items.find(match);
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}

export interface NodeUnderTest {
  url: string;
  records: JournalRecord[];
  events: Inbox<BehaviorEvent>;
  start: () => void;
  /** Stops the node; resolves with its final counters and exit code. */
  stop: () => Promise<{ counters: NodeCounters; exitCode: number }>;
}

export async function startNode(runDir: string, modulePath: string): Promise<NodeUnderTest> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const records: JournalRecord[] = [];
  const events = new Inbox<BehaviorEvent>();
  const control = new Inbox<Frame>();
  let socket: WebSocket | undefined;
  server.on('connection', (s) => {
    socket = s;
    s.on('error', () => {});
    s.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (frame.body.type === 'records') records.push(...(frame.body.records as JournalRecord[]));
      else if (frame.body.type === 'events') for (const e of frame.body.events as BehaviorEvent[]) events.push(e);
      else control.push(frame);
    });
  });
  const send = (body: Record<string, unknown>) => socket?.send(JSON.stringify({ src: 'coordinator', dest: 'n0', body }));
  const node = new AgentNode({ coordinatorUrl: `ws://127.0.0.1:${port}`, host: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1', logLevel: 'info', pretty: false });
  const exit = node.run();
  const register = await control.take((f) => f.body.type === 'register', 'register');
  send({ type: 'register_ok', in_reply_to: 0, node_id: 'n0', run_id: 'test', run_dir: runDir });
  send({
    type: 'init',
    msg_id: 1,
    node_id: 'n0',
    node_ids: ['n0'],
    peers: [],
    network: { seed: 1, default: { delay: { kind: 'constant', ms: 0 }, loss: { kind: 'none' }, duplicate: 0, reorder: 0, bandwidth: null, queue: null }, links: [] },
    traffic: { behavior: 'module', module: modulePath, interval: { min: 1000, max: 1000 }, message_size: 100 },
    validate_peer_messages: true,
  });
  await control.take((f) => f.body.type === 'ready', 'ready');
  return {
    url: register.body.url as string,
    records,
    events,
    start: () => send({ type: 'start', msg_id: 2 }),
    stop: async () => {
      send({ type: 'stop', msg_id: 3, reason: 'test over' });
      const stopped = await control.take((f) => f.body.type === 'stopped', 'stopped', 10_000);
      const exitCode = await exit;
      node.flushLogs();
      server.close();
      return { counters: stopped.body.counters as NodeCounters, exitCode };
    },
  };
}

/** A raw client of a node's peer server: sends frames as given and keeps every frame it receives; answers a `link_bye`. */
export async function rawClient(url: string, id: string): Promise<{ send: (frame: unknown) => void; inbox: Inbox<Frame>; closed: Promise<unknown>; close: () => void }> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  socket.on('error', () => {});
  await once(socket, 'open');
  const inbox = new Inbox<Frame>();
  const send = (frame: unknown) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Frame;
    inbox.push(frame);
    if (frame.body.type === 'link_bye') send({ src: id, dest: frame.src, body: { type: 'link_bye' } });
  });
  return { send, inbox, closed: once(socket, 'close'), close: () => socket.terminate() };
}
