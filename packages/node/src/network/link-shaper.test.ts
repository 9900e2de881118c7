import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DelaySpec, LinkModel } from '@agentnet/protocol';
import { LinkShaper, type ShapedMessage } from './link-shaper.js';

/** A link with only a delay: no loss, duplication, reordering or bandwidth limit. */
function plainModel(delay: DelaySpec): LinkModel {
  return { delay, loss: { kind: 'none' }, duplicate: 0, reorder: 0, bandwidth: null, queue: null };
}

const T0 = 1_700_000_000_000;

interface Released {
  dest: string;
  id: string;
  at: number;
  msg: ShapedMessage;
}

/** A shaper whose clock is `now()` and whose wire is a list of what left and when. */
function setup(opts: { seed?: number; delay?: DelaySpec; self?: string; now?: () => number } = {}) {
  const released: Released[] = [];
  const now = opts.now ?? (() => Date.now());
  const shaper = new LinkShaper({
    self: opts.self ?? 'n0',
    seed: opts.seed ?? 1,
    model: () => plainModel(opts.delay ?? { kind: 'uniform', min: 50, max: 150 }),
    now,
    transmit: (dest, due) => {
      for (const msg of due) released.push({ dest, id: msg.id, at: now(), msg });
    },
  });
  let n = 0;
  /** Sends one message now, through draw() then enqueue(), as the node does. */
  const send = (dest: string, delayMs?: number): ShapedMessage => {
    const d = shaper.draw(dest);
    const id = `m${++n}`;
    return shaper.enqueue({ id, dest, seq: d.seq, sentAt: now(), delayMs: delayMs ?? d.delayMs, frame: `{"id":"${id}"}` });
  };
  return { shaper, released, send, now };
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LinkShaper timing', () => {
  it('holds a message for its delay and releases it then', () => {
    const { released, send } = setup({ delay: { kind: 'constant', ms: 100 } });
    const m = send('n1');
    expect(m.delayMs).toBe(100);
    expect(m.dueAt).toBe(T0 + 100);
    vi.advanceTimersByTime(99);
    expect(released).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(released.map((r) => [r.id, r.at])).toEqual([['m1', T0 + 100]]);
    expect(released[0]?.msg.frame).toBe('{"id":"m1"}');
  });

  it('never releases a message before sent_at + delay, nor much later (uniform delays, many messages)', () => {
    const { released, send } = setup({ seed: 99, delay: { kind: 'uniform', min: 0, max: 300 } });
    const sent: ShapedMessage[] = [];
    for (let i = 0; i < 200; i++) {
      sent.push(send(i % 2 ? 'n1' : 'n2'));
      vi.advanceTimersByTime(7);
    }
    vi.advanceTimersByTime(1000);
    expect(released).toHaveLength(200);
    for (const r of released) {
      expect(r.at).toBeGreaterThanOrEqual(r.msg.sentAt + r.msg.delayMs);
      expect(r.at).toBeGreaterThanOrEqual(r.msg.dueAt);
      // Timers round up to whole milliseconds, so at most 1 ms late.
      expect(r.at - r.msg.dueAt).toBeLessThanOrEqual(1);
    }
  });

  it('re-arms when its timer fires before the injected clock says the message is due', () => {
    // A clock that runs at 90% of the timers' speed: every timer fires "early" by this clock.
    const slow = () => T0 + (Date.now() - T0) * 0.9;
    const { released, send } = setup({ delay: { kind: 'constant', ms: 100 }, now: slow });
    const m = send('n1');
    vi.advanceTimersByTime(100);
    expect(released).toEqual([]);
    vi.advanceTimersByTime(20);
    expect(released).toHaveLength(1);
    expect(released[0]!.at).toBeGreaterThanOrEqual(m.dueAt);
  });

  it('keeps per-link FIFO: a later message with a shorter delay waits for its predecessor', () => {
    const { released, send } = setup();
    const first = send('n1', 200);
    vi.advanceTimersByTime(10);
    const second = send('n1', 50); // would be due at T0 + 60 on its own
    expect(second.dueAt).toBe(first.dueAt);
    vi.advanceTimersByTime(100);
    expect(released).toEqual([]);
    vi.advanceTimersByTime(90);
    expect(released.map((r) => [r.id, r.at])).toEqual([
      ['m1', T0 + 200],
      ['m2', T0 + 200],
    ]);
  });

  it('keeps FIFO with drawn delays: release order is send order on every link', () => {
    const { released, send } = setup({ seed: 2024, delay: { kind: 'uniform', min: 0, max: 500 } });
    const order: Record<string, string[]> = {};
    let overtakes = 0;
    let last: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const dest = ['n1', 'n2', 'n3'][i % 3]!;
      const m = send(dest);
      if (m.sentAt + m.delayMs < (last[dest] ?? 0)) overtakes++;
      last = { ...last, [dest]: m.sentAt + m.delayMs };
      (order[dest] ??= []).push(m.id);
      vi.advanceTimersByTime(3);
    }
    vi.advanceTimersByTime(1000);
    // The draws do try to overtake, so the FIFO rule is really exercised.
    expect(overtakes).toBeGreaterThan(50);
    for (const dest of ['n1', 'n2', 'n3']) {
      expect(released.filter((r) => r.dest === dest).map((r) => r.id)).toEqual(order[dest]);
    }
    // ...and a message waits only as long as its own delay or its predecessor requires.
    for (const dest of ['n1', 'n2', 'n3']) {
      let prev = 0;
      for (const r of released.filter((x) => x.dest === dest)) {
        expect(r.at).toBeLessThanOrEqual(Math.max(r.msg.sentAt + r.msg.delayMs, prev) + 1);
        prev = r.at;
      }
    }
  });

  it('a slow message on one link does not hold back another link', () => {
    const { released, send } = setup();
    send('n1', 1000);
    send('n2', 10);
    vi.advanceTimersByTime(10);
    expect(released.map((r) => [r.dest, r.at])).toEqual([['n2', T0 + 10]]);
  });

  it('releases messages due at the same time in one batch, oldest first', () => {
    const batches: string[][] = [];
    const shaper = new LinkShaper({
      self: 'n0',
      seed: 1,
      model: () => plainModel({ kind: 'constant', ms: 50 }),
      now: () => Date.now(),
      transmit: (_dest, due) => batches.push(due.map((m) => m.id)),
    });
    for (const id of ['a', 'b', 'c']) shaper.enqueue({ id, dest: 'n1', seq: 1, sentAt: Date.now(), delayMs: 50, frame: id });
    vi.advanceTimersByTime(50);
    expect(batches).toEqual([['a', 'b', 'c']]);
  });
});

describe('LinkShaper decisions', () => {
  const drawMany = (shaper: LinkShaper, dest: string, n: number) => Array.from({ length: n }, () => shaper.draw(dest));

  it('numbers messages per link from 1', () => {
    const { shaper } = setup();
    expect(drawMany(shaper, 'n1', 3).map((d) => d.seq)).toEqual([1, 2, 3]);
    expect(shaper.draw('n2').seq).toBe(1);
    expect(shaper.draw('n1').seq).toBe(4);
  });

  it('gives the same (seq, delay) sequence per link for the same seed', () => {
    const a = drawMany(setup({ seed: 77 }).shaper, 'n3', 30);
    const b = drawMany(setup({ seed: 77 }).shaper, 'n3', 30);
    expect(a).toEqual(b);
    for (const d of a) {
      expect(d.delayMs).toBeGreaterThanOrEqual(50);
      expect(d.delayMs).toBeLessThan(150);
    }
    expect(new Set(a.map((d) => d.delayMs)).size).toBe(30);
  });

  it('gives a different sequence for a different seed, sender or destination', () => {
    const delays = (opts: { seed: number; self?: string }, dest: string) =>
      drawMany(setup(opts).shaper, dest, 10).map((d) => d.delayMs);
    const base = delays({ seed: 77 }, 'n3');
    expect(delays({ seed: 78 }, 'n3')).not.toEqual(base);
    expect(delays({ seed: 77, self: 'n1' }, 'n3')).not.toEqual(base);
    expect(delays({ seed: 77 }, 'n4')).not.toEqual(base);
  });

  it('decisions on one link do not depend on traffic on another', () => {
    const quiet = setup({ seed: 5 });
    const busy = setup({ seed: 5 });
    const alone = drawMany(quiet.shaper, 'n1', 20);
    const mixed: { seq: number; delayMs: number }[] = [];
    for (let i = 0; i < 20; i++) {
      drawMany(busy.shaper, 'n2', i % 4);
      busy.send('n3');
      mixed.push(busy.shaper.draw('n1'));
    }
    expect(mixed).toEqual(alone);
  });

  it('decisions do not depend on timing', () => {
    const early = setup({ seed: 8 });
    const a = [early.send('n1'), early.send('n1')].map((m) => [m.seq, m.delayMs]);
    const late = setup({ seed: 8 });
    const b: number[][] = [];
    for (let i = 0; i < 2; i++) {
      vi.advanceTimersByTime(1234);
      const m = late.send('n1');
      b.push([m.seq, m.delayMs]);
    }
    expect(b).toEqual(a);
  });
});

describe('LinkShaper pending and close', () => {
  it('counts held messages over all links', () => {
    const { shaper, send } = setup({ delay: { kind: 'constant', ms: 100 } });
    expect(shaper.pending).toBe(0);
    send('n1');
    send('n2');
    vi.advanceTimersByTime(50);
    send('n1');
    expect(shaper.pending).toBe(3);
    vi.advanceTimersByTime(50);
    expect(shaper.pending).toBe(1);
    vi.advanceTimersByTime(50);
    expect(shaper.pending).toBe(0);
  });

  it('close() returns what was held, stops the timers and refuses new messages', () => {
    const { shaper, released, send } = setup({ delay: { kind: 'constant', ms: 100 } });
    send('n1');
    vi.advanceTimersByTime(60);
    send('n1');
    send('n2');
    vi.advanceTimersByTime(40);
    expect(released.map((r) => r.id)).toEqual(['m1']);
    const held = shaper.close();
    expect(held.map((m) => m.id).sort()).toEqual(['m2', 'm3']);
    expect(held.every((m) => m.frame.length > 0 && m.dueAt > Date.now())).toBe(true);
    expect(shaper.pending).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(released.map((r) => r.id)).toEqual(['m1']);
    expect(() => send('n1')).toThrow('link shaper is closed');
    expect(shaper.close()).toEqual([]);
  });

  it('leaves no timer behind once everything has been released', () => {
    const { send } = setup();
    send('n1');
    send('n2');
    vi.advanceTimersByTime(1000);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('LinkShaper reordering and bandwidth', () => {
  function shaperWith(model: LinkModel) {
    const released: Array<{ id: string; at: number }> = [];
    const shaper = new LinkShaper({
      self: 'n0',
      seed: 1,
      model: () => model,
      now: () => Date.now(),
      transmit: (_dest, due) => {
        for (const m of due) released.push({ id: m.id, at: Date.now() });
      },
    });
    const send = (id: string, delayMs: number, frame = `{"id":"${id}"}`, reorder = false) =>
      shaper.enqueue({ id, dest: 'n1', seq: 1, sentAt: Date.now(), delayMs, frame }, reorder);
    return { shaper, released, send };
  }

  it('lets a reordered message overtake a slower predecessor, and only a reordered one', () => {
    const { released, send } = shaperWith(plainModel({ kind: 'constant', ms: 0 }));
    send('slow', 100);
    send('fifo', 10);
    send('overtakes', 20, undefined, true);
    vi.advanceTimersByTime(200);
    expect(released.map((r) => r.id)).toEqual(['overtakes', 'slow', 'fifo']);
    expect(released.find((r) => r.id === 'overtakes')?.at).toBe(T0 + 20);
    // The FIFO message waited for its predecessor.
    expect(released.find((r) => r.id === 'fifo')?.at).toBe(T0 + 100);
  });

  it('spaces messages by size at the bandwidth limit: 1,000-byte frames at 10,000 B/s leave 100 ms apart', () => {
    const { released, send } = shaperWith({ ...plainModel({ kind: 'constant', ms: 0 }), bandwidth: 10_000 });
    for (const id of ['a', 'b', 'c']) send(id, 0, 'x'.repeat(1000));
    vi.advanceTimersByTime(1000);
    expect(released.map((r) => r.at - T0)).toEqual([0, 100, 200]);
  });

  it('adds no spacing without a bandwidth limit', () => {
    const { released, send } = shaperWith(plainModel({ kind: 'constant', ms: 0 }));
    for (const id of ['a', 'b', 'c']) send(id, 0, 'x'.repeat(1000));
    vi.advanceTimersByTime(10);
    expect(released.map((r) => r.at - T0)).toEqual([0, 0, 0]);
  });
});
