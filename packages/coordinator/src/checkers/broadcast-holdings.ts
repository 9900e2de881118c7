/**
 * What each node of a reliable-broadcast run held and since when, from the events it recorded: a
 * node holds a value from its `broadcast {value}` (its own) or `hold {value}` (learned) on, and
 * counts only what it records after its latest `boot` (a restarted process records `hold` again for
 * each value its storage kept, so nothing is taken on trust from before). Only nodes live at the end
 * count: a value is acknowledged when one of them recorded it, in any of its incarnations.
 */
import type { CheckInput } from './check-input.js';

export interface Holdings {
  /** Each acknowledged value with the first time a live node recorded it. */
  acknowledged: Map<string, number>;
  /** Per live node: the values its last incarnation holds, with when it first held each. */
  held: Map<string, Map<string, number>>;
  /** When the events end: the last one recorded, so a checker can leave out values too young to have spread. */
  endAt: number;
}

export function holdingsOf(input: CheckInput): Holdings {
  const live = new Set(input.liveAtEnd);
  const acknowledged = new Map<string, number>();
  const held = new Map<string, Map<string, number>>(input.liveAtEnd.map((id) => [id, new Map()]));
  let endAt = -Infinity;
  // Events come in time order, so a boot replaces what the node held before it.
  for (const e of input.events) {
    endAt = Math.max(endAt, e.at);
    if (!live.has(e.node)) continue;
    if (e.kind === 'boot') held.set(e.node, new Map());
    if (e.kind !== 'broadcast' && e.kind !== 'hold') continue;
    const value = e.data.value;
    if (typeof value !== 'string') continue;
    if (!acknowledged.has(value)) acknowledged.set(value, e.at);
    const mine = held.get(e.node) as Map<string, number>;
    if (!mine.has(value)) mine.set(value, e.at);
  }
  return { acknowledged, held, endAt };
}

/** The values of `among` each live node does not hold at the end, for the nodes that miss some. */
export function missingAtEnd(h: Holdings, among: Iterable<string>): Array<[string, string[]]> {
  const values = [...among];
  return [...h.held]
    .map(([node, mine]) => [node, values.filter((v) => !mine.has(v))] as [string, string[]])
    .filter(([, missing]) => missing.length > 0);
}

/**
 * When every live node held every value acknowledged by `at`: ms after `at` (0 if they all did
 * already), or null if some node never did.
 */
export function convergedAfter(h: Holdings, at: number): { values: number; ms: number | null } {
  const known = [...h.acknowledged].filter(([, first]) => first <= at).map(([v]) => v);
  let last = at;
  for (const mine of h.held.values()) {
    for (const v of known) {
      const since = mine.get(v);
      if (since === undefined) return { values: known.length, ms: null };
      last = Math.max(last, since);
    }
  }
  return { values: known.length, ms: last - at };
}
