/**
 * `--traffic broadcast`: every node broadcasts a value at random intervals (as chatter sends), and
 * every node passes on what it receives for the first time: to all its neighbours but the one it
 * came from (flooding), or to `fanout` neighbours drawn at random (push gossip, "infect and die").
 * Copies seen before are counted and not passed on. Each hop is a journaled message tagged with its
 * broadcast (`origin:k`) and round, so the coordinator can count messages and rounds per broadcast.
 */
import { keyedRng, type IntervalSpec } from '@agentnet/protocol';
import type { Behavior, Incoming, NodeHandle } from '../api/behavior.js';

export interface BroadcastSettings {
  mode: 'flood' | 'gossip';
  fanout: number;
}

export function createBroadcast(node: NodeHandle, interval: IntervalSpec, settings: BroadcastSettings): Behavior {
  let k = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const seen = new Set<string>();

  /** The neighbours a broadcast goes on to from here (`from`: where it came from). */
  const targets = (bcast: string, from: string | undefined): string[] => {
    const candidates = node.peers.filter((p) => p !== from);
    if (settings.mode === 'flood' || candidates.length <= settings.fanout) return candidates;
    const rng = keyedRng(node.seed, 'gossip', node.id, bcast);
    const pool = [...candidates];
    const out: string[] = [];
    while (out.length < settings.fanout) out.push(pool.splice(rng.int(pool.length), 1)[0] as string);
    return out;
  };

  const pass = (bcast: string, round: number, value: string, from: string | undefined) => {
    for (const dest of targets(bcast, from)) node.send(dest, { type: 'bcast', value }, { bcast, round });
  };

  const scheduleNext = () => {
    const wait = keyedRng(node.seed, 'broadcast', node.id, k).uniform(interval.min, interval.max);
    timer = setTimeout(() => {
      if (!running) return;
      // A restarted node numbers its broadcasts afresh: its incarnation keeps the ids apart.
      const bcast = node.incarnation ? `${node.id}.${node.incarnation}:${++k}` : `${node.id}:${++k}`;
      seen.add(bcast);
      pass(bcast, 1, `value ${k} from ${node.id}`, undefined);
      scheduleNext();
    }, wait);
  };

  return {
    start() {
      if (running || node.peers.length === 0) return;
      running = true;
      scheduleNext();
    },
    stop() {
      running = false;
      if (timer) clearTimeout(timer);
    },
    handle(msg: Incoming) {
      if (msg.body.type !== 'bcast') return false;
      const bcast = msg.bcast;
      if (bcast === undefined) return true;
      // A copy seen before stops here (its receipt is in the journal, which counts it).
      if (seen.has(bcast)) return true;
      seen.add(bcast);
      if (running) pass(bcast, (msg.round ?? 1) + 1, String((msg.body as { value?: unknown }).value ?? ''), msg.src);
      return true;
    },
  };
}
