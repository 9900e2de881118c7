/**
 * A behaviour module written against the node API (run it with
 * `npm run cluster -- --nodes 5 --behavior ./examples/ping-pong.ts`): every node asks a random peer
 * for a pong every half second and logs the round trip; a request that gets no answer within the
 * timeout is logged as lost. docs/writing-a-behavior.md walks through it.
 * It runs from any folder as it is: the node API is imported for its types only, which compiling
 * erases, so nothing needs to resolve '@agentnet/node' beside a copy of this file.
 */
import type { NodeApi } from '@agentnet/node';

export default function pingPong(node: NodeApi) {
  // Handlers by message type: what a handler returns is the reply.
  node.on('ping', (msg) => ({ type: 'pong', echo: msg.body.msg_id }));

  let seq = 0;
  return {
    start() {
      node.every(500, () => {
        const peer = node.peers[node.rng.int(node.peers.length)];
        if (peer === undefined) return;
        const sentAt = performance.now();
        const n = ++seq;
        node.rpc(peer, { type: 'ping', n }, { timeoutMs: 1000 }).then(
          (reply) => node.log.info({ peer, n, rtt_ms: Math.round(performance.now() - sentAt), reply: reply.type }, 'pong'),
          (err: unknown) => node.log.warn({ peer, n, err }, 'ping_lost'),
        );
      });
    },
  };
}
