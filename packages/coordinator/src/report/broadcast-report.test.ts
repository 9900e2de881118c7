/** Broadcast statistics from hand-made journal lines on a 4-node ring. */
import { describe, expect, it } from 'vitest';
import type { MessageLine } from '@agentnet/protocol';
import { broadcastReport } from './broadcast-report.js';
import { makeGraph } from '../topology/topology.js';

const ring = makeGraph(['n0', 'n1', 'n2', 'n3'], [['n0', 'n1'], ['n1', 'n2'], ['n2', 'n3'], ['n3', 'n0']]);

function hop(bcast: string, src: string, dest: string, round: number, receivedAt: number | null): MessageLine {
  return {
    id: `${src}-${round}-${dest}`,
    src,
    dest,
    sent_at: 0,
    delay_ms: 1,
    status: receivedAt === null ? 'dropped' : 'delivered',
    received_at: receivedAt,
    latency_ms: receivedAt,
    drop_reason: receivedAt === null ? 'loss' : null,
    duplicates: 0,
    hops: receivedAt === null ? null : 1,
    dropped_by: null,
    bcast,
    round,
  };
}

describe('broadcastReport', () => {
  it('counts messages, reach, rounds of first receipts and duplicates per broadcast', () => {
    // n0 floods a 4-ring: 2 x 4 - 4 + 1 = 5 messages; n2 hears it from n1 first (round 2), then from n3.
    const full = [hop('n0:1', 'n0', 'n1', 1, 10), hop('n0:1', 'n0', 'n3', 1, 12), hop('n0:1', 'n1', 'n2', 2, 20), hop('n0:1', 'n3', 'n2', 2, 25), hop('n0:1', 'n2', 'n3', 3, 30)];
    // n1's broadcast lost on one link: it reaches n0 and n1 only... and n0 passes it on to n3.
    const partial = [hop('n1:1', 'n1', 'n0', 1, 5), hop('n1:1', 'n1', 'n2', 1, null), hop('n1:1', 'n0', 'n3', 2, 9)];
    const other = { ...hop('x', 'n0', 'n1', 1, 3), bcast: undefined, round: undefined } as MessageLine;
    const r = broadcastReport([...full, ...partial, other], ring, { mode: 'flood', fanout: 1 });
    expect(r).toMatchObject({ broadcasts: 2, complete: 1, flood_expected_messages: 5 });
    expect(r.messages).toMatchObject({ count: 2, max: 5, p50: 3 });
    expect(r.rounds).toMatchObject({ count: 1, max: 2 });
    expect(r.reached).toMatchObject({ max: 1, p50: 0.75 });
    // The full one: 5 deliveries to 3 nodes = 2 duplicates (n2's second copy, n3's second copy).
    expect(r.duplicates).toMatchObject({ max: 2, p50: 0 });
    expect(broadcastReport(full, ring, { mode: 'gossip', fanout: 2 }).flood_expected_messages).toBeNull();
    // A copy that comes back to the origin is a duplicate too.
    const echo = broadcastReport([...full, hop('n0:1', 'n1', 'n0', 2, 15)], ring, { mode: 'flood', fanout: 1 });
    expect(echo.duplicates.max).toBe(3);
  });
});
