import { describe, expect, it } from 'vitest';
import type { HistoryEntry, MessageLine } from '@agentnet/protocol';
import { messageLine } from '../../../fixtures/message-line.js';
import { encodeMessages } from './message-columns.js';
import { latencyCharts, rateSeries, topologyEdges } from './traffic-series.js';
import { algorithmData, workloadData } from './behavior-series.js';
import { scriptJson } from './write-report-html.js';

const T0 = 1_000_000;
/** Times relative to T0. */
const line = (id: string, src: string, dest: string, sent: number, received: number | null, extra: Partial<MessageLine> = {}): MessageLine =>
  messageLine(id, src, dest, T0 + sent, received === null ? null : T0 + received, extra);

const f32 = (b64: string) => new Float32Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const u16 = (b64: string) => new Uint16Array(new Uint8Array(Buffer.from(b64, 'base64')).buffer);
const u8 = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

describe('report.html data', () => {
  const lines = [
    line('n1-1', 'n1', 'n0', 300, 340, { type: 'pong' }),
    line('n0-1', 'n0', 'n1', 100, 130),
    line('n0-2', 'n0', 'n2', 200, null, { dropped_by: 'n1', drop_reason: 'ttl' }),
    line('c0-1', 'c0', 'n2', 250, null, { status: 'in_flight', drop_reason: null, type: undefined }),
  ];

  it('encodes every message as columns sorted by send time, nodes first among the lanes', () => {
    const { columns: c, ids } = encodeMessages(lines, T0, ['n0', 'n1', 'n2']);
    expect(c.count).toBe(4);
    expect(ids.split('\n')).toEqual(['n0-1', 'n0-2', 'c0-1', 'n1-1']);
    expect(c.lanes).toEqual(['n0', 'n1', 'n2', 'c0']);
    expect(Array.from(f32(c.sent))).toEqual([100, 200, 250, 300]);
    const received = Array.from(f32(c.received));
    expect(received[0]).toBe(130);
    expect(Number.isNaN(received[1])).toBe(true);
    expect(Array.from(u8(c.status))).toEqual([0, 1, 2, 0]);
    // The drop happened at the router n1, with its reason; the others were dropped nowhere.
    expect(Array.from(u16(c.at))).toEqual([65535, 1, 65535, 65535]);
    expect(c.reasons).toEqual(['ttl']);
    expect(Array.from(u8(c.reason))).toEqual([255, 0, 255, 255]);
    expect(c.types).toEqual(['chatter', 'pong']);
    expect(Array.from(u16(c.type))).toEqual([0, 0, 65535, 1]);
    expect(c.max_span_ms).toBe(40);
    // No body journaled: none in the page.
    expect(Array.from(new Uint32Array(new Uint8Array(Buffer.from(c.body, 'base64')).buffer))).toEqual([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff]);
    expect(Array.from(f32(c.latency)).map((x) => (Number.isNaN(x) ? null : x))).toEqual([30, null, null, 40]);
  });

  it('keeps each distinct body once, and says how many were left out past the budget', () => {
    const withBodies = [line('a', 'n0', 'n1', 1, 2, { body: '{"type":"x"}' }), line('b', 'n0', 'n1', 3, 4, { body: '{"type":"x"}' }), line('c', 'n1', 'n0', 5, 6, { body: '{"type":"y"}' })];
    const { columns, bodies } = encodeMessages(withBodies, T0, ['n0', 'n1']);
    expect(bodies).toEqual(['{"type":"x"}', '{"type":"y"}']);
    expect(Array.from(new Uint32Array(new Uint8Array(Buffer.from(columns.body, 'base64')).buffer))).toEqual([0, 0, 1]);
    expect(columns.bodies_left_out).toBe(0);
  });

  it('counts the rate over the run: every send once, every receipt once', () => {
    const rate = rateSeries(lines, T0, 1000);
    const width = (rate.x[1] ?? 0) - (rate.x[0] ?? 0);
    const total = (k: string) => (rate.ys[k] ?? []).reduce<number>((s, v) => s + ((v ?? 0) * width) / 1000, 0);
    expect(total('sent')).toBeCloseTo(4);
    expect(total('delivered')).toBeCloseTo(2);
    expect(total('dropped')).toBeCloseTo(1);
  });

  it('bins observed and injected latency alike and gives monotone CDFs ending at the max; a client link is not shaped, so left out', () => {
    const { histogram, cdf } = latencyCharts([...lines, line('c0-2', 'c0', 'n0', 400, 900)]);
    expect(histogram.observed.reduce((a, b) => a + b, 0)).toBe(2);
    expect(histogram.injected.reduce((a, b) => a + b, 0)).toBe(2);
    expect(cdf.observed.at(-1)).toBe(40);
    expect(cdf.overhead.at(-1)).toBe(35);
    expect(cdf.observed.every((v, i) => i === 0 || v >= (cdf.observed[i - 1] as number))).toBe(true);
  });

  it("gives each topology edge both directions' traffic and its drops' main reason", () => {
    const cell = (src: string, dest: string, sent: number, by_reason: Record<string, number>) => ({ src, dest, sent, delivered: 0, dropped: Object.values(by_reason).reduce((a, b) => a + b, 0), in_flight: 0, by_reason, p50: null });
    const edges = topologyEdges([['n0', 'n1'], ['n1', 'n2']], [cell('n0', 'n1', 5, { partition: 2 }), cell('n1', 'n0', 3, { partition: 1, loss: 2 })]);
    expect(edges).toEqual([
      { a: 'n0', b: 'n1', sent: 8, dropped: 5, reason: 'partition' },
      { a: 'n1', b: 'n2', sent: 0, dropped: 0, reason: null },
    ]);
  });

  it("follows leaders, terms, commits and broadcast holds per node; a restarted process's holds start again", () => {
    const ev = (at: number, node: string, kind: string, data: Record<string, unknown>) => ({ at: T0 + at, node, kind, data });
    const a = algorithmData(
      [ev(10, 'n1', 'leader', { term: 1 }), ev(12, 'n0', 'follow', { term: 1, leader: 'n1' }), ev(20, 'n1', 'commit', { index: 1, term: 1 }), ev(30, 'n2', 'hold', { value: 1 }), ev(40, 'n2', 'boot', { origin: 'n2' }), ev(41, 'n2', 'hold', { value: 1 })],
      T0,
      ['n0', 'n1', 'n2'],
    );
    expect(a?.leaders).toEqual([
      { name: 'n1', x: [10], y: [1] },
      { name: 'n0', x: [12], y: [1] },
    ]);
    expect(a?.terms.map((t) => t.y)).toEqual([[1], [1]]);
    expect(a?.commits).toEqual([{ name: 'n1', x: [20], y: [1] }]);
    expect(a?.holds).toEqual([{ name: 'n2', x: [30, 41], y: [1, 1] }]);
    expect(algorithmData([ev(1, 'n0', 'other', {})], T0, ['n0'])).toBeNull();
  });

  it("gives each completed operation's latency at its invoke, and completions per second by outcome", () => {
    const op = (index: number, type: HistoryEntry['type'], time_ms: number, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({ index, type, process: 'c0', f: 'write', key: 'k1', value: 1, node: 'n0', time_ms, ...extra });
    const w = workloadData([op(0, 'invoke', 100), op(1, 'ok', 130, { invoke_index: 0 }), op(2, 'invoke', 1200, { f: 'read' }), op(3, 'info', 2200, { f: 'read', invoke_index: 2 }), op(4, 'invoke', 2300), op(5, 'ok', 2310, { invoke_index: 4, final: true })]);
    expect(w?.latency).toEqual([
      { name: 'write ok', x: [100], y: [30] },
      { name: 'read info', x: [1200], y: [1000] },
    ]);
    expect(w?.rate.ys.ok).toEqual([1, 0, 0]);
    expect(w?.rate.ys.info).toEqual([0, 0, 1]);
    expect(workloadData([])).toBeNull();
  });

  it('keeps data from closing its script element', () => {
    const text = scriptJson({ body: '</script><script>alert(1)</script><!--' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ body: '</script><script>alert(1)</script><!--' });
  });
});
