import { describe, expect, it } from 'vitest';
import { RecordingHost } from '../../fixtures/api-host.js';
import { createFeed } from './dashboard-feed.js';

describe('the dashboard feed', () => {
  it("gives the state, every link, each node's counts, and each leader change once", () => {
    const host = new RecordingHost();
    const events: Array<{ at: number; node: string; kind: string; data: Record<string, unknown> }> = [];
    const feed = createFeed(Object.assign(host, { events: () => events }));
    events.push({ at: Date.now(), node: 'n1', kind: 'leader', data: { term: 3 } }, { at: Date.now(), node: 'n2', kind: 'follow', data: { term: 3, leader: 'n1' } });
    const first = feed.next(undefined);
    expect(first.all_links).toBe(true);
    expect(first.links).toHaveLength(12);
    // n0 is cut from the rest: 3 sends on each of its 3 links, all dropped, and nothing received.
    expect(first.nodes.n0).toEqual({ sent: 9, received: 0, dropped: 9 });
    expect(first.nodes.n1).toEqual({ sent: 9, received: 6, dropped: 3 });
    expect(first.events.map((e) => e.text)).toEqual(['n1 became leader (term 3)']);
    expect(first.end).toBeNull();
    expect(feed.next(undefined).events).toEqual([]);
    events.push({ at: Date.now(), node: 'n2', kind: 'leader', data: { epoch: 4 } });
    expect(feed.next(undefined).events.map((e) => e.text)).toEqual(['n2 became leader (epoch 4)']);
  });

  it('sends only the faulted links of a large run, with every node still counted', () => {
    const host = new RecordingHost();
    const state = host.state();
    const many = Object.assign(host, { state: () => ({ ...state, nodes: Array.from({ length: 41 }, (_, i) => ({ id: `n${i}`, pid: i, state: 'ready' as const, incarnation: 0 })) }) });
    const snapshot = createFeed(many).next(undefined);
    expect(snapshot.all_links).toBe(false);
    // The partition cut n0's six links; the link fault changed n1>n2.
    expect(snapshot.links.map((l) => `${l.src}>${l.dest}`).sort()).toEqual(['n0>n1', 'n0>n2', 'n0>n3', 'n1>n0', 'n1>n2', 'n2>n0', 'n3>n0']);
    expect(snapshot.nodes.n3).toEqual({ sent: 9, received: 6, dropped: 3 });
  });
});
