/**
 * Reliable broadcast on an in-memory mesh with fake timers: gossip alone reaches everyone while the
 * network is whole; after a partition heals, anti-entropy brings every node every value with repairs
 * far smaller than resending everything, and a restarted node keeps what it stored and catches up
 * on the rest; the broken variant
 * (gossip only) leaves each side without the other's values.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BroadcastNetwork } from './reliable-broadcast-network.fixture.js';

const bytes = (values: string[]) => JSON.stringify(values).length;

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

  it('converges after a partition heals, repairing less than a full resend', async () => {
    const { net, healedAt } = await partitionedRun(true);
    const known = net.broadcastBy(healedAt);
    // Each side missed the other's values while cut off.
    const during = net.events.filter((e) => e.kind === 'broadcast' && e.at > healedAt - 1200 && e.at <= healedAt);
    expect(during.length).toBeGreaterThan(10);
    const judged = net.broadcastBy(Date.now() - 500);
    for (const [node, held] of net.holdings()) expect(judged.filter((v) => !held.has(v)), node).toEqual([]);
    const repairs = net.events.filter((e) => e.kind === 'repair');
    const repaired = repairs.reduce((n, e) => n + Number(e.data.bytes), 0);
    expect(repaired).toBeGreaterThan(0);
    expect(repaired).toBeLessThan(5 * bytes(known));
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
