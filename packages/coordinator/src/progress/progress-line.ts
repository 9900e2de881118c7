/**
 * The one line a run shows on a terminal while it runs, rewritten in place: during start-up how many
 * nodes registered and linked (ready), then elapsed against duration, the nodes, the messages so far
 * and per second, and the faults in force; so a 200-node start-up is never a silent minute.
 */
import { OPEN_DURATION_MS } from '@agentnet/protocol';
import type { ApiState } from '../api/schema.js';

export interface ProgressView {
  state: ApiState;
  /** `--nodes`. */
  expected: number;
  durationMs: number;
  /** Messages delivered per second since the last line; undefined on the first. */
  perSecond: number | undefined;
}

export function progressLine(v: ProgressView): string {
  const { state } = v;
  const count = (s: string) => state.nodes.filter((n) => n.state === s).length;
  const lost = count('lost');
  const nodes = `nodes ${state.nodes.length}/${v.expected} registered, ${count('ready')} ready${lost > 0 ? `, ${lost} lost` : ''}`;
  if (state.phase === 'registering' || state.phase === 'connecting') return `${state.phase}: ${nodes}`;
  const t = state.totals;
  const parts = [
    `${seconds(state.elapsed_ms)} / ${v.durationMs === OPEN_DURATION_MS ? 'open' : seconds(v.durationMs)}`,
    nodes,
    `sent ${t.sent} delivered ${t.delivered} dropped ${t.dropped}`,
    ...(v.perSecond === undefined ? [] : [`${Math.round(v.perSecond)} msg/s`]),
    `faults: ${state.in_force.names.length + state.in_force.paused.length === 0 ? 'none' : [...state.in_force.names, ...state.in_force.paused.map((p) => `paused ${p.node}`)].join(', ')}`,
  ];
  return `${state.phase === 'running' ? '' : `${state.phase}: `}${parts.join('  ')}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
