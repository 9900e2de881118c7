/**
 * Flood traffic for throughput measurements: every node sends fixed-size messages to its peers in
 * turn, as fast as each link takes them. A link is fed while its backlog (bytes held by the shaper
 * or buffered by the socket) is under a high-water mark, so the sender never queues without bound.
 */
import type { Behavior, NodeHandle } from '../api/behavior.js';

/** Enough bytes in flight per link to keep the socket busy between two turns of the loop. */
const HIGH_WATER_BYTES = 256 * 1024;
/** Messages sent per turn at most, so receiving and journal shipping get their turns too. */
const MAX_PER_TURN = 2000;

export function createFlood(node: NodeHandle, messageSize: number): Behavior {
  const text = 'x'.repeat(messageSize);
  let running = false;
  let immediate: NodeJS.Immediate | undefined;
  let timeout: NodeJS.Timeout | undefined;
  let next = 0;

  const turn = () => {
    immediate = undefined;
    timeout = undefined;
    if (!running || node.peers.length === 0) return;
    let sent = 0;
    let blocked = 0;
    while (sent < MAX_PER_TURN && blocked < node.peers.length) {
      const dest = node.peers[next % node.peers.length] as string;
      next++;
      if (node.backlog(dest) >= HIGH_WATER_BYTES) {
        blocked++;
        continue;
      }
      blocked = 0;
      node.send(dest, { type: 'chatter', text });
      sent++;
    }
    // Every link full: give the sockets a millisecond to drain instead of spinning.
    if (sent > 0) immediate = setImmediate(turn);
    else timeout = setTimeout(turn, 1);
  };

  return {
    start() {
      if (running) return;
      running = true;
      immediate = setImmediate(turn);
    },
    stop() {
      running = false;
      if (immediate) clearImmediate(immediate);
      if (timeout) clearTimeout(timeout);
    },
    handle(msg) {
      return msg.body.type === 'chatter';
    },
  };
}
