/**
 * The election checker, judged from the events nodes record (`leader {epoch}` when a node becomes
 * leader, `follow {leader, epoch}` when it accepts one): at most one leader per epoch at any time;
 * after the last heal and the settle period, a leader every live node agrees on, each in its
 * current process; and how long elections took after the start and after each fault that cost the
 * leader (a distribution, reported, not judged; the rule is Raft's, in election-times.ts).
 */
import { FAULT_KINDS, type Check } from '@agentnet/protocol';
import { msText, percentiles } from '../numbers/percentiles.js';
import { plural } from '../numbers/plural.js';
import { electionTimes, faultMomentsOf, type Leadership } from './election-times.js';
import type { CheckInput } from './check-input.js';


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
        ? `${plural(leaders.length, 'leadership')} over ${plural(byEpoch.size, 'epoch')}, never two leaders in one`
        : `two or more leaders in ${plural(doubled.length, 'epoch')}: ${doubled.slice(0, 5).map(([e, nodes]) => `epoch ${e}: ${[...nodes].join(', ')}`).join('; ')}`,
  };

  // Time to elect: epochs order leaderships across nodes as Raft's terms do (bully.ts).
  const leaderships: Leadership[] = leaders.map((e) => ({ at: e.at, node: e.node, term: Number(e.data.epoch) })).filter((l) => Number.isFinite(l.term));
  const samples = electionTimes(input.startEpochMs, faultMomentsOf(input), leaderships);
  const p = percentiles(samples);
  const timing: Check = {
    name: 'time to elect',
    valid: true,
    detail: `${plural(samples.length, 'election')} after the start and leader-losing faults: ${msText(p, ['p50', 'p99', 'max'])}`,
    // Every sample, the start's first, then the faults' in time order: a distribution to plot.
    data: { elect_ms: p, elect_samples_ms: samples },
  };
  return [oneLeader, agreement(input), timing];
}

/**
 * Per node, the moment its current process began after: its last crash, stop or restart. Events
 * carry no process or incarnation (a BehaviorEvent is `{at, kind, data}`, the coordinator adds only
 * the node's id, in events.jsonl too) and Bully records nothing when it starts, so the faults tell:
 * a process a crash or stop struck records nothing after it, and a node live at the end runs one
 * started after it (restarted by a step or by the end-of-run reset, which is not among the faults,
 * but the crash before it is). The fault's moment and the events share one clock: node faults are
 * signalled only to nodes on the coordinator's host. A restart of a running node counts by the
 * node its moment names (run-report.ts names it for restarts as for crashes, stops and pauses).
 */
function processStarts(input: CheckInput): Map<string, number> {
  const since = new Map<string, number>();
  for (const f of input.faults ?? []) {
    // A node fault that ends the node's process: whatever it recorded before came from an earlier one.
    if (f.node !== undefined && f.kind !== undefined && 'endsProcess' in FAULT_KINDS[f.kind]) since.set(f.node, Math.max(since.get(f.node) ?? -Infinity, f.at));
  }
  return since;
}

/**
 * After the last heal, one live leader that every live node names in its current process: the
 * followers by their last `follow`, the leader itself by a `leader` as its last word. Views from an
 * earlier process do not count: a crashed leader restarted at the end that never led again must not
 * pass on the stale `follow`s of the others.
 */
function agreement(input: CheckInput): Check {
  const name = 'leader agreed after the last heal';
  if (!input.settled) return { name, valid: 'unknown', detail: 'the run did not settle after its faults (interrupted), so agreement cannot be judged' };
  const since = processStarts(input);
  const current = new Map<string, { leader: string; led: boolean }>();
  // Events come in time order: the last one of the current process is the node's view.
  for (const e of input.events) {
    if (e.kind !== 'leader' && e.kind !== 'follow') continue;
    if (e.at < (since.get(e.node) ?? -Infinity)) continue;
    current.set(e.node, e.kind === 'leader' ? { leader: e.node, led: true } : { leader: String(e.data.leader), led: false });
  }
  const views = input.liveAtEnd.map((id) => [id, current.get(id)] as const);
  const named = new Set(views.map(([, v]) => v?.leader));
  const leader = named.size === 1 ? [...named][0] : undefined;
  const live = leader !== undefined && input.liveAtEnd.includes(leader);
  // Live and named by every live node, itself included: its own view then names itself, but only
  // a `leader` event makes that a leadership (a `follow` of itself is no election).
  const agreed = live && current.get(leader)?.led === true;
  const restarted = (id: string) => (since.has(id) ? ' since its restart' : '');
  return {
    name,
    valid: agreed,
    detail: agreed
      ? `every live node follows ${leader}`
      : live
        ? `every live node names ${leader}, but it did not become leader in its current process`
        : `live nodes disagree: ${views.map(([id, v]) => `${id} -> ${v?.leader ?? 'none'}${restarted(id)}`).join(', ')}`,
  };
}
