/**
 * Reliable broadcast on an in-memory mesh with fake timers: gossip alone reaches everyone while the
 * network is whole; after a partition heals, anti-entropy brings every node every value, repairing
 * far fewer value bytes than resending everything, and a restarted node keeps what it stored and
 * catches up on the rest; the broken variant (gossip only) leaves each side without the other's
 * values. Every anti-entropy body a node sends is recorded with its bytes, digests apart from values.
 */
import { createLogger } from '@agentnet/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NodeHandle } from '../api/behavior.js';
import { createApiBehavior } from '../api/node-api.js';
import { createMemoryStorage } from '../api/node-storage.js';
import { createReliableBroadcast } from './reliable-broadcast.js';
import { BroadcastNetwork, type RecordedEvent } from '../../fixtures/reliable-broadcast-network.js';

const bytes = (values: unknown) => JSON.stringify(values).length;
const ANTI_ENTROPY = ['rb_sync', 'rb_sync_ok', 'rb_repair'];
const spent = (events: RecordedEvent[], kind: 'sync' | 'repair') => events.filter((e) => e.kind === kind).reduce((n, e) => n + Number(e.data.bytes), 0);

/** One real node, n0, whose only peer n1 is the test: what n0 sends is kept as handed to its link. */
function loneNode() {
  const sent: Array<{ dest: string; body: { type: string; [key: string]: unknown } }> = [];
  const events: RecordedEvent[] = [];
  const storage = createMemoryStorage();
  const handle: NodeHandle = {
    id: 'n0',
    peers: ['n1'],
    destinations: ['n1'],
    seed: 4,
    storage: () => storage,
    backlog: () => 0,
    send: (dest, body) => (sent.push({ dest, body }), { id: `n0-${sent.length}`, msgId: sent.length }),
  };
  const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });
  const record = (kind: string, data: Record<string, unknown>) => events.push({ at: Date.now(), node: 'n0', kind, data });
  const node = createApiBehavior(handle, ['n0', 'n1'], log, (api) => createReliableBroadcast(api, { antiEntropy: true }), record);
  return { node, sent, events };
}

/** Partitions five nodes in halves from 800 ms to 2 s, then runs to 4 s. */
async function partitionedRun(antiEntropy: boolean) {
  const net = new BroadcastNetwork(5, antiEntropy);
  const t0 = Date.now();
  await vi.advanceTimersByTimeAsync(800);
  net.partition(['n0', 'n1'], ['n2', 'n3', 'n4']);
  await vi.advanceTimersByTimeAsync(1200);
  net.heal();
  const healedAt = Date.now();
  await vi.advanceTimersByTimeAsync(2000);
  net.stop();
  return { net, t0, healedAt };
}

describe('reliable broadcast', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('spreads every value by gossip alone while the network is whole', async () => {
    const net = new BroadcastNetwork(4, true);
    await vi.advanceTimersByTimeAsync(2000);
    net.stop();
    const values = net.broadcastBy(Date.now());
    expect(values.length).toBeGreaterThan(4 * 5);
    // Only values sent in the last few ms can still be on their way.
    const settled = net.broadcastBy(Date.now() - 20);
    for (const [node, held] of net.holdings()) expect(settled.filter((v) => !held.has(v)), node).toEqual([]);
    // Anti-entropy only races gossip: a digest taken while a value is in flight asks for it again.
    const repaired = net.events.filter((e) => e.kind === 'repair').reduce((n, e) => n + Number(e.data.values), 0);
    const deliveries = values.length * 3;
    expect(repaired).toBeLessThan(deliveries * 0.05);
  });

  it('records the bytes of every anti-entropy body it sends, digests and values adding up to the whole body', async () => {
    const { node, sent, events } = loneNode();
    node.start();
    // The first round starts within 1 s; n1 answers it with a value n0 lacks and an empty digest.
    await vi.advanceTimersByTimeAsync(1000);
    const ask = sent.findIndex((m) => m.body.type === 'rb_sync');
    expect(ask).toBeGreaterThanOrEqual(0);
    node.handle({ src: 'n1', dest: 'n0', body: { type: 'rb_sync_ok', in_reply_to: ask + 1, values: ['n1.0:1'], digest: {} } });
    // n1 asks in turn, once holding everything (nothing to repair) and once holding nothing.
    const digest = { 'n0.0': { top: 1000, gaps: [] }, 'n1.0': { top: 1, gaps: [] } };
    node.handle({ src: 'n1', dest: 'n0', body: { type: 'rb_sync', msg_id: 1, digest } });
    node.handle({ src: 'n1', dest: 'n0', body: { type: 'rb_sync', msg_id: 2, digest: {} } });
    await vi.advanceTimersByTimeAsync(0);
    node.stop();

    const bodies = sent.filter((m) => ANTI_ENTROPY.includes(m.body.type)).map(({ body: { in_reply_to: _, ...body } }) => body);
    expect(bodies.map((b) => b.type).sort()).toEqual(['rb_repair', 'rb_sync', 'rb_sync_ok', 'rb_sync_ok']);
    const syncs = events.filter((e) => e.kind === 'sync');
    expect(syncs.map((e) => e.data.type)).toEqual(bodies.map((b) => b.type));
    // Repairs count the values arrays, the digests and framing the rest: together, every byte sent.
    const carried = bodies.flatMap((b) => (Array.isArray(b.values) && b.values.length > 0 ? [b.values] : []));
    expect(carried).toHaveLength(2);
    expect(spent(events, 'repair')).toBe(carried.reduce((n, v) => n + bytes(v), 0));
    expect(spent(events, 'sync')).toBe(bodies.reduce((n, b) => n + bytes(b), 0) - spent(events, 'repair'));
    expect(spent(events, 'sync')).toBeGreaterThan(4 * bytes({ type: 'rb_sync_ok' }));
  });

  it('records its boot before a value that reaches it ahead of its start hook', async () => {
    // A restarted process is linked to its peers before the coordinator starts it: their gossip
    // can come first, and the checker forgets holds recorded before the latest boot.
    const { node, events } = loneNode();
    node.handle({ src: 'n1', dest: 'n0', body: { type: 'rb_value', value: 'n1.0:7' } });
    node.start();
    node.stop();
    expect(events.map((e) => e.kind).slice(0, 2)).toEqual(['boot', 'hold']);
    expect(events[1]?.data).toEqual({ value: 'n1.0:7' });
  });

  it('converges after a partition heals, repairing fewer value bytes than a full resend, and records every digest sent', async () => {
    const { net, healedAt } = await partitionedRun(true);
    const known = net.broadcastBy(healedAt);
    // Each side missed the other's values while cut off.
    const during = net.events.filter((e) => e.kind === 'broadcast' && e.at > healedAt - 1200 && e.at <= healedAt);
    expect(during.length).toBeGreaterThan(10);
    const judged = net.broadcastBy(Date.now() - 500);
    for (const [node, held] of net.holdings()) expect(judged.filter((v) => !held.has(v)), node).toEqual([]);
    const repaired = spent(net.events, 'repair');
    expect(repaired).toBeGreaterThan(0);
    expect(repaired).toBeLessThan(5 * bytes(known));
    // Every anti-entropy message sent has its sync event, so no digest goes uncounted.
    for (const type of ANTI_ENTROPY) expect(net.events.filter((e) => e.kind === 'sync' && e.data.type === type).length, type).toBe(net.sent.get(type) ?? 0);
    // Both directions repaired: sync replies carried values to the asking side, rb_repair to the other.
    expect(net.sent.get('rb_repair') ?? 0).toBeGreaterThan(0);
  });

  it('catches up a restarted node on what it missed, under a new origin', async () => {
    const net = new BroadcastNetwork(3, true);
    await vi.advanceTimersByTimeAsync(1000);
    net.restart('n2');
    await vi.advanceTimersByTimeAsync(1500);
    net.stop();
    const boots = net.events.filter((e) => e.kind === 'boot' && e.node === 'n2').map((e) => String(e.data.origin));
    expect(boots).toEqual(['n2.0', 'n2.1']);
    const held = net.holdings().get('n2') as Set<string>;
    expect(net.broadcastBy(Date.now() - 1500).filter((v) => !held.has(v))).toEqual([]);
  });

  it('keeps what a node acknowledged through its crash: values only it held reach everyone after', async () => {
    const net = new BroadcastNetwork(3, true);
    await vi.advanceTimersByTimeAsync(500);
    // n2 alone broadcasts for a while, then dies with values nobody else has.
    net.partition(['n2'], ['n0', 'n1']);
    await vi.advanceTimersByTimeAsync(1000);
    const only = net.events.filter((e) => e.kind === 'broadcast' && e.node === 'n2' && e.at > Date.now() - 900).map((e) => String(e.data.value));
    expect(only.length).toBeGreaterThan(2);
    net.restart('n2');
    net.heal();
    await vi.advanceTimersByTimeAsync(1500);
    net.stop();
    // The new process found them on storage and held them from its boot on; anti-entropy spread them.
    for (const [node, held] of net.holdings()) expect(only.filter((v) => !held.has(v)), node).toEqual([]);
  });

  it('without anti-entropy leaves each side of a healed partition without the other side\'s values', async () => {
    const { net, healedAt } = await partitionedRun(false);
    const fromOtherSide = (node: string) =>
      net.events.filter((e) => e.kind === 'broadcast' && e.at > healedAt - 1100 && e.at < healedAt - 100 && (['n0', 'n1'].includes(node) !== ['n0', 'n1'].includes(e.node)));
    for (const [node, held] of net.holdings()) {
      const other = fromOtherSide(node);
      expect(other.length, node).toBeGreaterThan(5);
      expect(other.filter((e) => held.has(String(e.data.value))), node).toEqual([]);
    }
    expect(net.sent.get('rb_sync') ?? 0).toBe(0);
  });
});
