/**
 * The election checker, judged from the events nodes record (`leader {epoch}` when a node becomes
 * leader, `follow {leader, epoch}` when it accepts one): at most one leader per epoch at any time;
 * after the last heal and the settle period, a leader every live node agrees on; and how long
 * elections took after each fault (a distribution, reported, not judged).
 */
import type { Check } from '@agentnet/protocol';
import { percentiles } from '../percentiles.js';
import type { CheckInput } from './index.js';

export function electionChecks(input: CheckInput): Check[] {
  const leaders = input.events.filter((e) => e.kind === 'leader');
  const byEpoch = new Map<number, Set<string>>();
  for (const e of leaders) {
    const epoch = Number(e.data.epoch);
    let set = byEpoch.get(epoch);
    if (!set) byEpoch.set(epoch, (set = new Set()));
    set.add(e.node);
  }
  const doubled = [...byEpoch].filter(([, nodes]) => nodes.size > 1);
  const oneLeader: Check = {
    name: 'one leader per epoch',
    valid: doubled.length === 0,
    detail:
      doubled.length === 0
        ? `${leaders.length} leaderships over ${byEpoch.size} epochs, never two leaders in one`
        : `two or more leaders in ${doubled.length} epochs: ${doubled.slice(0, 5).map(([e, nodes]) => `epoch ${e}: ${[...nodes].join(', ')}`).join('; ')}`,
  };

  // Each live node's last word: itself when it last became leader, or the leader it last followed.
  const last = new Map<string, { at: number; leader: string }>();
  for (const e of input.events) {
    if (e.kind !== 'leader' && e.kind !== 'follow') continue;
    const known = last.get(e.node);
    if (!known || e.at >= known.at) last.set(e.node, { at: e.at, leader: e.kind === 'leader' ? e.node : String(e.data.leader) });
  }
  const views = input.liveAtEnd.map((id) => [id, last.get(id)?.leader] as const);
  const named = new Set(views.map(([, l]) => l));
  const agreed = named.size === 1 && !named.has(undefined) && input.liveAtEnd.includes([...named][0] as string);
  const agreement: Check = {
    name: 'leader agreed after the last heal',
    valid: input.settled ? agreed : 'unknown',
    detail: !input.settled
      ? 'the run did not settle after its faults (interrupted), so agreement cannot be judged'
      : agreed
        ? `every live node follows ${[...named][0]}`
        : `live nodes disagree: ${views.map(([id, l]) => `${id} -> ${l ?? 'none'}`).join(', ')}`,
  };

  // Time to elect: from each fault (and the start) to the next time some node became leader.
  const starts = [input.startEpochMs, ...input.faultTimes];
  const times = starts.flatMap((t) => {
    const next = leaders.find((e) => e.at >= t);
    return next ? [next.at - t] : [];
  });
  const p = percentiles(times);
  const timing: Check = {
    name: 'time to elect',
    valid: true,
    detail: `${times.length} elections after the start and faults: p50 ${p.p50 ?? '-'} ms, p99 ${p.p99 ?? '-'} ms, max ${p.max ?? '-'} ms`,
    data: { elect_ms: p },
  };
  return [oneLeader, agreement, timing];
}
