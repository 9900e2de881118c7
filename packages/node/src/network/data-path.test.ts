import { describe, expect, it, vi } from 'vitest';
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

/** A data path to one peer, n0, over a stand-in link whose state the test sets. */
function toOnePeer() {
  const journaled: Array<{ t: string; id: string; reason?: string }> = [];
  const wire: string[] = [];
  const link = { usable: true, peerRunEnded: false, socket: { bufferedAmount: 0, send: (frame: string) => wire.push(frame) } };
  const path = new DataPath({
    self: 'n1',
    peers: ['n0'],
    nodeIds: ['n0', 'n1'],
    network: { seed: 1, default: { delay: { kind: 'constant', ms: 5 }, loss: { kind: 'none' }, duplicate: 0, reorder: 0, bandwidth: null, queue: null }, links: [] },
    incarnation: 0,
    mesh: { link: (peer: string) => (peer === 'n0' ? link : undefined) } as unknown as PeerMesh,
    journal: { add: (r: { t: string; id: string; reason?: string }) => journaled.push(r) } as unknown as Journal,
    hot: { info: () => undefined } as unknown as HotLog,
    isRunning: () => true,
  });
  return { path, journaled, wire, link };
}

describe('DataPath at the end of a run', () => {
  it('drops as link_down what is sent to a peer that stopped alone', () => {
    const { path, journaled, link } = toOnePeer();
    link.usable = false;
    path.send('n0', { type: 'x' });
    expect(journaled.map((r) => [r.t, r.reason])).toEqual([['send', undefined], ['drop', 'link_down']]);
    expect(path.close()).toBe(0);
  });

  it('keeps in flight what is sent to, or still shaped for, a peer that stopped because the run ended', async () => {
    const { path, journaled, wire, link } = toOnePeer();
    path.send('n0', { type: 'x' });
    // The peer's bye (run_ended) arrives while the message waits out its 5 ms in the shaper.
    link.usable = false;
    link.peerRunEnded = true;
    path.send('n0', { type: 'x' });
    await vi.waitFor(() => expect(path.backlog('n0')).toBe(0));
    expect(wire).toEqual([]);
    expect(journaled.map((r) => r.t)).toEqual(['send', 'send']);
    expect(path.close()).toBe(2);
  });
});
