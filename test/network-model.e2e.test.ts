/**
 * The network model end to end with real processes: loss at its rate with reason `loss`, an
 * asymmetric per-link override (n0->n1 loses everything, n1->n0 nothing), duplicates counted apart
 * from deliveries, reordering on the wire, and the same seed deciding the same for every message.
 */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { accountingHolds, useClusters } from './helpers/cluster.js';

const startCluster = useClusters();
const ARGS = [
  '--nodes', '4', '--duration', '2500ms', '--interval', '15:30', '--seed', '21',
  '--delay', 'exponential:20', '--loss', '0.3', '--duplicate', '0.5', '--reorder', '0.3',
  '--link', 'n0>n1 loss=1', '--link', 'n1>n0 loss=0 duplicate=0',
];

async function run() {
  const cluster = startCluster(ARGS);
  const { code } = await cluster.exit;
  expect(code, cluster.stderr()).toBe(0);
  return { report: cluster.report(), messages: cluster.messages(), dir: cluster.dir };
}

const on = (ms: MessageLine[], src: string, dest: string) => ms.filter((m) => m.src === src && m.dest === dest);

describe('network model', () => {
  it('applies loss, per-link overrides, duplication and reordering, decided by the seed', async () => {
    const a = await run();
    const { report, messages } = a;
    expect(accountingHolds(report, messages)).toBe(true);
    expect(report.config.network).toBe('delay=exponential:20 loss=0.3 duplicate=0.5 reorder=0.3 bandwidth=none queue=16000000');
    expect(report.config.links).toEqual(['n0>n1 loss=1', 'n1>n0 loss=0 duplicate=0']);

    // n0 -> n1 loses everything; n1 -> n0 nothing (what is not delivered was in flight at stop).
    const n0n1 = on(messages, 'n0', 'n1');
    expect(n0n1.length).toBeGreaterThan(10);
    expect(n0n1.every((m) => m.status === 'dropped' && m.drop_reason === 'loss')).toBe(true);
    const n1n0 = on(messages, 'n1', 'n0');
    // What n1 still held for n0 when n0 stopped first, at the end of the run, stays in flight (docs/protocol.md, 5.4).
    expect(n1n0.filter((m) => m.status === 'dropped')).toEqual([]);
    expect(n1n0.every((m) => m.duplicates === 0)).toBe(true);

    // Elsewhere about 30% lost, and half of the rest delivered twice.
    const others = messages.filter((m) => !(m.src === 'n0' && m.dest === 'n1') && !(m.src === 'n1' && m.dest === 'n0'));
    const lossRate = others.filter((m) => m.drop_reason === 'loss').length / others.length;
    expect(lossRate).toBeGreaterThan(0.2);
    expect(lossRate).toBeLessThan(0.4);
    expect(report.totals.dropped_by_reason.loss).toBe(messages.filter((m) => m.drop_reason === 'loss').length);
    const delivered = others.filter((m) => m.status === 'delivered');
    const dupRate = delivered.filter((m) => m.duplicates > 0).length / delivered.length;
    expect(dupRate).toBeGreaterThan(0.35);
    expect(dupRate).toBeLessThan(0.65);
    expect(report.totals.duplicated).toBe(messages.reduce((n, m) => n + m.duplicates, 0));
    // Duplicates are extra: every message is still counted once.
    expect(report.totals.sent).toBe(messages.length);

    // Reordering: on some link a message sent later arrived earlier.
    const overtaken = others.some((m) =>
      others.some((x) => x.src === m.src && x.dest === m.dest && x.sent_at > m.sent_at && x.received_at !== null && m.received_at !== null && x.received_at < m.received_at),
    );
    expect(overtaken).toBe(true);
    // Per-link stats in the report agree with the journal.
    const link = report.links.find((l) => l.src === 'n0' && l.dest === 'n1');
    expect(link).toMatchObject({ sent: n0n1.length, delivered: 0, dropped: n0n1.length });

    // The same seed decides the same for every message both runs sent.
    const b = await run();
    const decided = (ms: MessageLine[]) => new Map(ms.map((m) => [m.id, { dest: m.dest, delay_ms: m.delay_ms, lost: m.drop_reason === 'loss', dup: m.duplicates > 0 }]));
    const da = decided(messages);
    const db = decided(b.messages);
    const common = [...da.keys()].filter((id) => db.has(id));
    expect(common.length).toBeGreaterThan(0.8 * Math.min(da.size, db.size));
    // A duplicate copy still in flight at stop is the one difference timing may make.
    for (const id of common) expect({ ...db.get(id), dup: undefined }, id).toEqual({ ...da.get(id), dup: undefined });
  });

  it('a bandwidth limit spaces the messages of a link by their size', async () => {
    // 1,500 bytes/s per link; a chatter frame is at least 150 bytes, so at most 10 per second leave on a link.
    const run = startCluster(['--nodes', '3', '--duration', '3s', '--interval', '10:20', '--delay', 'constant:5', '--bandwidth', '1500', '--seed', '46']);
    const { code } = await run.exit;
    expect(code, run.stderr()).toBe(0);
    const report = run.report();
    const messages = run.messages();
    expect(report.config.network).toContain('bandwidth=1500');
    const delivered = messages.filter((m) => m.status === 'delivered');
    for (const [src, dest] of [['n0', 'n1'], ['n1', 'n2'], ['n2', 'n0']] as const) {
      const times = delivered.filter((m) => m.src === src && m.dest === dest).map((m) => m.received_at as number).sort((a, b) => a - b);
      // In any one second, no more than the link carries (plus one for the window's edge).
      let most = 0;
      for (let i = 0, j = 0; i < times.length; i++) {
        while ((times[i] as number) - (times[j] as number) >= 1000) j++;
        most = Math.max(most, i - j + 1);
      }
      expect(most, `${src}>${dest}`).toBeLessThanOrEqual(11);
    }
    // Chatter offers ~33 messages a second per node: most wait for the link, far beyond the 5 ms drawn.
    expect(report.latency_ms.p50).toBeGreaterThan(100);
  });
});

