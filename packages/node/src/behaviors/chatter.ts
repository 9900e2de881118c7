/**
 * The notebook's agent: at random intervals it sends `Hello from <id> at <time>` to a random peer
 * (with routing, to any other node).
 * The k-th wait and the k-th target are drawn from a generator keyed by (seed, 'chatter', id, k), so a run with
 * the same seed sends the same messages to the same peers whatever the timing.
 */
import { keyedRng, type IntervalSpec } from '@agentnet/protocol';
import type { Behavior, NodeHandle } from '../api/behavior.js';

export function createChatter(node: NodeHandle, interval: IntervalSpec): Behavior {
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;

  const scheduleNext = () => {
    const rng = keyedRng(node.seed, 'chatter', node.id, k);
    const wait = rng.uniform(interval.min, interval.max);
    const target = node.destinations[rng.int(node.destinations.length)];
    timer = setTimeout(() => {
      if (!running || target === undefined) return;
      k++;
      node.send(target, { type: 'chatter', text: `Hello from ${node.id} at ${new Date().toISOString()}` });
      scheduleNext();
    }, wait);
  };

  return {
    start() {
      if (running || node.destinations.length === 0) return;
      running = true;
      scheduleNext();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
    },
    handle(msg) {
      return msg.body.type === 'chatter';
    },
  };
}
