/**
 * The raw `ws` baseline: a plain Node process with no agentnet code. Peers link one socket per
 * pair (as agentnet does), then flood each other with the same envelopes agentnet sends, fed while
 * a socket's buffer is under the same high-water mark, and count what they receive (JSON.parse on
 * every message, the least any receiver does). Driven over IPC by baseline.ts.
 */
import { WebSocket, WebSocketServer } from 'ws';

interface Go {
  type: 'go';
  index: number;
  urls: string[];
  messageSize: number;
  durationMs: number;
  warmupMs: number;
}

const HIGH_WATER_BYTES = 256 * 1024;
const MAX_PER_TURN = 2000;
const send = (msg: unknown) => process.send?.(msg);

const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 1024 * 1024 });
server.on('error', (err) => send({ type: 'error', message: err.message }));
const links: WebSocket[] = [];
let received = 0;
const count = (socket: WebSocket) => {
  socket.on('error', () => {});
  socket.on('message', (data: Buffer) => {
    JSON.parse(data.toString());
    received++;
  });
};
server.on('connection', (socket) => {
  count(socket);
  links.push(socket);
});
server.on('listening', () => {
  const address = server.address();
  send({ type: 'listening', url: `ws://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` });
});

async function link(urls: string[], index: number): Promise<void> {
  await Promise.all(
    urls.slice(index + 1).map(
      (url) =>
        new Promise<void>((resolve, reject) => {
          const socket = new WebSocket(url, { perMessageDeflate: false });
          socket.once('open', () => {
            count(socket);
            links.push(socket);
            resolve();
          });
          socket.once('error', reject);
        }),
    ),
  );
}

function flood(go: Go): void {
  const text = 'x'.repeat(go.messageSize);
  const self = `n${go.index}`;
  let msgId = 0;
  let next = 0;
  let running = true;
  const turn = () => {
    if (!running) return;
    let sent = 0;
    let blocked = 0;
    while (sent < MAX_PER_TURN && blocked < links.length) {
      const socket = links[next % links.length] as WebSocket;
      next++;
      if (socket.bufferedAmount >= HIGH_WATER_BYTES) {
        blocked++;
        continue;
      }
      blocked = 0;
      msgId++;
      const now = performance.timeOrigin + performance.now();
      socket.send(JSON.stringify({ src: self, dest: 'peer', id: `${self}-${msgId}`, sent_at: now, delay_ms: 0, body: { type: 'chatter', msg_id: msgId, text } }));
      sent++;
    }
    if (sent > 0) setImmediate(turn);
    else setTimeout(turn, 1);
  };
  setImmediate(turn);
  let atWarmup = 0;
  setTimeout(() => (atWarmup = received), go.warmupMs);
  setTimeout(() => {
    running = false;
    send({ type: 'result', received: received - atWarmup, windowMs: go.durationMs - go.warmupMs, sent: msgId });
  }, go.durationMs);
}

process.on('message', (msg: { type: string; urls?: string[]; index?: number }) => {
  if (msg.type === 'link') {
    link(msg.urls ?? [], msg.index ?? 0).then(
      () => send({ type: 'linked' }),
      (err: Error) => send({ type: 'error', message: err.message }),
    );
  } else if (msg.type === 'go') {
    flood(msg as unknown as Go);
  } else if (msg.type === 'exit') {
    for (const s of links) s.terminate();
    server.close();
    process.disconnect();
  }
});
