/**
 * Bully leader election (Garcia-Molina 1982) on the node API. A node that misses its leader's
 * heartbeats asks every higher-numbered node; if none answers it becomes leader and says so to
 * all, otherwise it waits for the winner's announcement. The highest live node wins. Each
 * leadership has an epoch; a node's epochs are the numbers congruent to its index modulo the
 * cluster size, so two nodes never lead the same epoch even when a partition lets both win.
 * `broken: true` takes the next epoch number instead, the mistake the checker must catch: two
 * sides of a partition then elect two leaders for one epoch.
 */
import type { NodeApi } from '../api/node-api.js';

export const BULLY_TIMING = { heartbeatMs: 100, leaderTimeoutMs: 400, answerTimeoutMs: 250 };

export function createBully(node: NodeApi, options: { broken?: boolean } = {}) {
  const n = node.nodeIds.length;
  const me = node.nodeIds.indexOf(node.id);
  const higher = node.nodeIds.slice(me + 1);
  let epoch = -1;
  /** The highest epoch heard of: a new leadership must be above every one, even one not followed. */
  let seen = -1;
  let leader: string | undefined;
  let heardAt = 0;
  let electing = false;

  const nextEpoch = () => {
    if (options.broken) return epoch + 1;
    let e = seen + 1;
    while (((e % n) + n) % n !== me) e++;
    return e;
  };

  const follow = (who: string, e: number) => {
    seen = Math.max(seen, e);
    // A lower node that leads is bullied: this node takes over.
    if (node.nodeIds.indexOf(who) < me) return void elect();
    heardAt = Date.now();
    if (e < epoch || (e === epoch && leader === who)) return;
    epoch = e;
    leader = who;
    electing = false;
    node.record('follow', { leader: who, epoch: e });
  };

  const elect = async () => {
    if (electing) return;
    electing = true;
    const answers = await Promise.allSettled(higher.map((h) => node.rpc(h, { type: 'election', epoch }, { timeoutMs: BULLY_TIMING.answerTimeoutMs })));
    if (!electing) return;
    if (answers.some((a) => a.status === 'fulfilled')) {
      // A higher node is alive and takes over; if its announcement does not come, try again.
      node.after(BULLY_TIMING.leaderTimeoutMs, () => {
        if (electing) {
          electing = false;
          void elect();
        }
      });
      return;
    }
    epoch = nextEpoch();
    seen = Math.max(seen, epoch);
    leader = node.id;
    electing = false;
    node.record('leader', { epoch });
    node.broadcast({ type: 'coordinator', leader: node.id, epoch });
  };

  node.on('election', () => {
    if (leader !== node.id) void elect();
    return { type: 'alive' };
  });
  node.on('coordinator', (msg) => follow(msg.body.leader as string, msg.body.epoch as number));
  node.on('heartbeat', (msg) => follow(msg.src, msg.body.epoch as number));

  return {
    start() {
      void elect();
      node.every(BULLY_TIMING.heartbeatMs, () => {
        if (leader === node.id) node.broadcast({ type: 'heartbeat', epoch });
        else if (!electing && Date.now() - heardAt > BULLY_TIMING.leaderTimeoutMs) void elect();
      });
    },
  };
}
