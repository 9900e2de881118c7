import { describe, expect, it } from 'vitest';
import type { NetworkPolicy } from '@agentnet/protocol';
import { DataPath, MSG_IDS_PER_INCARNATION } from './data-path.js';
import type { HotLog } from '../records/hot-log.js';
import type { Journal } from '../records/journal.js';
import type { PeerMesh } from '../links/peer-mesh.js';

/** A data path whose router knows no route: every send is journaled and dropped at once. */
function unroutable(incarnation: number) {
  const journaled: Array<{ t: string; id: string }> = [];
  const path = new DataPath({
    self: 'n1',
    peers: [],
    nodeIds: ['n0', 'n1'],
    // Never consulted: no message reaches the shaper without a route.
    network: { seed: 1, default: {}, links: [] } as unknown as NetworkPolicy,
    incarnation,
    mesh: {} as PeerMesh,
    journal: { add: (r: { t: string; id: string }) => journaled.push(r) } as unknown as Journal,
    hot: { info: () => undefined } as unknown as HotLog,
    isRunning: () => true,
    routing: { nextHop: () => undefined, ttl: 8 },
  });
  return { path, journaled };
}

describe('DataPath message ids', () => {
  it('numbers the first process from 1', () => {
    const { path, journaled } = unroutable(0);
    expect([path.send('n0', { type: 'x' }), path.send('n0', { type: 'x' })]).toEqual([
      { id: 'n1-1', msgId: 1 },
      { id: 'n1-2', msgId: 2 },
    ]);
    expect(journaled.map((r) => r.t)).toEqual(['send', 'drop', 'send', 'drop']);
  });

  it('gives a restarted process ids no earlier process of the node used', () => {
    // A late reply to the crashed process's request k must not answer its successor's request k.
    const first = unroutable(0).path;
    const second = unroutable(1).path;
    const earlier = new Set(Array.from({ length: 5 }, () => first.send('n0', { type: 'x' }).msgId));
    const later = Array.from({ length: 5 }, () => second.send('n0', { type: 'x' }));
    // The journal id names the incarnation, the msg_id is the number after it.
    expect(later[0]?.id).toBe(`n1.1-${MSG_IDS_PER_INCARNATION + 1}`);
    expect(later[0]?.msgId).toBe(MSG_IDS_PER_INCARNATION + 1);
    expect(later.some((s) => earlier.has(s.msgId))).toBe(false);
  });
});
