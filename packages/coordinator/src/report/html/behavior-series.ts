/**
 * The charts of what the nodes' algorithms and the workload did, from events.jsonl and
 * history.jsonl: leader and term over time per node (Raft, Bully), Raft's commit index, broadcast
 * values held (convergence after each heal), and the workload's latency per operation and rate.
 */
import type { HistoryEntry } from '@agentnet/protocol';
import type { AlgorithmData, Points, WorkloadData } from './page-model.js';

export interface RunEvent {
  /** Epoch ms. */
  at: number;
  node: string;
  kind: string;
  data: Record<string, unknown>;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Points per name, in the order names are first met. */
class PointSets {
  private readonly sets = new Map<string, Points>();

  add(name: string, x: number, y: number): void {
    let set = this.sets.get(name);
    if (!set) {
      set = { name, x: [], y: [] };
      this.sets.set(name, set);
    }
    set.x.push(Math.round(x * 1000) / 1000);
    set.y.push(y);
  }

  list(): Points[] {
    return [...this.sets.values()];
  }
}

/** Null when no node recorded an event these charts show. */
export function algorithmData(events: readonly RunEvent[], startedAt: number, nodes: readonly string[]): AlgorithmData | null {
  const terms = new PointSets();
  const leaders = new PointSets();
  const commits = new PointSets();
  const holds = new PointSets();
  const held = new Map<string, number>();
  const lanes = [...nodes];
  const lane = (id: string): number => {
    const i = lanes.indexOf(id);
    if (i >= 0) return i;
    lanes.push(id);
    return lanes.length - 1;
  };
  let any = false;
  for (const e of events) {
    const t = e.at - startedAt;
    const term = num(e.data.term) ?? num(e.data.epoch);
    if (e.kind === 'leader') {
      any = true;
      if (term !== undefined) terms.add(e.node, t, term);
      leaders.add(e.node, t, lane(e.node));
    } else if (e.kind === 'follow' && typeof e.data.leader === 'string') {
      any = true;
      if (term !== undefined) terms.add(e.node, t, term);
      leaders.add(e.node, t, lane(e.data.leader));
    } else if (e.kind === 'commit' && num(e.data.index) !== undefined) {
      any = true;
      commits.add(e.node, t, num(e.data.index) as number);
    } else if (e.kind === 'hold') {
      any = true;
      const n = (held.get(e.node) ?? 0) + 1;
      held.set(e.node, n);
      holds.add(e.node, t, n);
    } else if (e.kind === 'boot') {
      // A restarted process holds what it restored (its hold events follow) and nothing else.
      held.set(e.node, 0);
    }
  }
  return any ? { terms: terms.list(), leaders: leaders.list(), lanes, commits: commits.list(), holds: holds.list() } : null;
}

/** Null without a workload history. `time_ms` in the history is already ms since the start. */
export function workloadData(history: readonly HistoryEntry[]): WorkloadData | null {
  if (history.length === 0) return null;
  const latency = new PointSets();
  const invokes = new Map<number, HistoryEntry>();
  let end = 0;
  for (const h of history) end = Math.max(end, h.time_ms);
  const seconds = Math.max(1, Math.ceil(end / 1000));
  const rate: Record<string, Array<number | null>> = { ok: [], fail: [], info: [] };
  for (const k of Object.keys(rate)) rate[k] = new Array<number | null>(seconds).fill(0);
  for (const h of history) {
    if (h.type === 'invoke') {
      invokes.set(h.index, h);
      continue;
    }
    const invoke = h.invoke_index === undefined ? undefined : invokes.get(h.invoke_index);
    if (!invoke || h.final) continue;
    latency.add(`${h.f} ${h.type}`, invoke.time_ms, Math.round((h.time_ms - invoke.time_ms) * 1000) / 1000);
    const column = rate[h.type] as Array<number | null>;
    const s = Math.min(seconds - 1, Math.floor(h.time_ms / 1000));
    column[s] = (column[s] ?? 0) + 1;
  }
  return { latency: latency.list(), rate: { x: Array.from({ length: seconds }, (_, i) => i * 1000), ys: rate } };
}
