/**
 * The report's `broadcast` section: the journal's hop messages grouped by broadcast (`origin:k`),
 * giving each broadcast's message count, how many nodes it reached, the rounds until the last of
 * them first heard it, and the copies that arrived where the value already was.
 */
import type { BroadcastReport, MessageLine } from '@agentnet/protocol';
import { percentiles } from '../numbers/percentiles.js';
import type { Graph } from '../topology/topology.js';

export function broadcastReport(lines: readonly MessageLine[], graph: Graph, settings: { mode: 'flood' | 'gossip'; fanout: number }): BroadcastReport {
  const byBroadcast = new Map<string, MessageLine[]>();
  for (const m of lines) {
    if (m.bcast === undefined) continue;
    let list = byBroadcast.get(m.bcast);
    if (!list) byBroadcast.set(m.bcast, (list = []));
    list.push(m);
  }
  const n = graph.nodes.length;
  const messages: number[] = [];
  const rounds: number[] = [];
  const reached: number[] = [];
  const duplicates: number[] = [];
  let complete = 0;
  for (const [bcast, list] of byBroadcast) {
    // `n2:7`, or `n2.1:7` from n2's process after one restart.
    const origin = (bcast.slice(0, bcast.indexOf(':')).split('.')[0] ?? '') as string;
    // The round in which each node first received it (by arrival time).
    const first = new Map<string, { at: number; round: number }>();
    let deliveries = 0;
    let backHome = 0;
    for (const m of list) {
      if (m.status !== 'delivered' || m.received_at === null) continue;
      // The origin had the value from the start: anything that comes back to it is a duplicate.
      if (m.dest === origin) {
        backHome++;
        continue;
      }
      deliveries++;
      const known = first.get(m.dest);
      if (!known || m.received_at < known.at) first.set(m.dest, { at: m.received_at, round: m.round ?? 1 });
    }
    messages.push(list.length);
    reached.push((first.size + 1) / n);
    duplicates.push(deliveries - first.size + backHome);
    if (first.size + 1 === n) {
      complete++;
      rounds.push(Math.max(0, ...[...first.values()].map((f) => f.round)));
    }
  }
  return {
    mode: settings.mode,
    fanout: settings.fanout,
    broadcasts: byBroadcast.size,
    complete,
    messages: percentiles(messages),
    rounds: percentiles(rounds),
    reached: percentiles(reached),
    duplicates: percentiles(duplicates),
    flood_expected_messages: settings.mode === 'flood' ? 2 * graph.edges.length - n + 1 : null,
  };
}
