/** Runs N baseline-peer processes in full mesh and returns their delivered messages per second. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PEER = fileURLToPath(new URL('./baseline-peer.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

function next(child: ChildProcess, type: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`baseline peer: no ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (msg: Record<string, unknown>) => {
      if (msg.type === 'error') {
        clearTimeout(timer);
        child.off('message', onMessage);
        reject(new Error(`baseline peer: ${String(msg.message)}`));
      } else if (msg.type === type) {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(msg);
      }
    };
    child.on('message', onMessage);
  });
}

export interface BaselineResult {
  msgs_per_s: number;
  delivered: number;
  window_ms: number;
}

export async function runBaseline(nodes: number, messageSize: number, durationMs: number, warmupMs: number): Promise<BaselineResult> {
  const peers = Array.from({ length: nodes }, () => fork(PEER, [], { execArgv: ['--import', TSX], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  try {
    const urls = (await Promise.all(peers.map((p) => next(p, 'listening')))).map((m) => String(m.url));
    const linked = peers.map((p) => next(p, 'linked'));
    peers.forEach((p, index) => p.send({ type: 'link', urls, index }));
    await Promise.all(linked);
    const results = peers.map((p) => next(p, 'result', durationMs + 30_000));
    peers.forEach((p, index) => p.send({ type: 'go', index, urls, messageSize, durationMs, warmupMs }));
    const all = await Promise.all(results);
    const delivered = all.reduce((n, r) => n + Number(r.received), 0);
    const windowMs = durationMs - warmupMs;
    return { msgs_per_s: Math.round((delivered / windowMs) * 1000), delivered, window_ms: windowMs };
  } finally {
    for (const p of peers) if (p.connected) p.send({ type: 'exit' });
    await Promise.all(peers.map((p) => (p.exitCode !== null || p.signalCode !== null ? Promise.resolve() : new Promise((r) => p.once('exit', r)))));
  }
}
