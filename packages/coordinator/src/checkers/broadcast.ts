/**
 * The broadcast checker (reliable broadcast with reconciliation), judged from the events nodes
 * record (see broadcast-holdings.ts): after the final heal and the settle period, every live node
 * holds every value any live node acknowledged; how long after each heal until every live node held
 * every value known at that heal; and what anti-entropy cost, its digests and the values it
 * repaired, against resending everything (reported, not judged). Nodes keep broadcasting until
 * they are stopped, so values acknowledged in the last SPREAD_GRACE_MS of the run are still
 * spreading when it ends: they are counted, not judged.
 */
import { jsonBytes, type Check } from '@agentnet/protocol';
import { percentiles } from '../numbers/percentiles.js';
import { plural } from '../numbers/plural.js';
import { convergedAfter, holdingsOf, missingAtEnd } from './broadcast-holdings.js';
import type { CheckInput } from './check-input.js';

export const SPREAD_GRACE_MS = 1000;
const LISTED_NODES = 5;
const LISTED_VALUES = 3;

export function broadcastChecks(input: CheckInput): Check[] {
  const h = holdingsOf(input);
  const cutoff = h.endAt - SPREAD_GRACE_MS;
  const judged = [...h.acknowledged].filter(([, first]) => first <= cutoff).map(([v]) => v);
  const young = h.acknowledged.size - judged.length;
  const missing = missingAtEnd(h, judged);
  const live = input.liveAtEnd.length;

  const listed = missing
    .slice(0, LISTED_NODES)
    .map(([node, values]) => `${node} misses ${values.length} (${values.slice(0, LISTED_VALUES).join(', ')}${values.length > LISTED_VALUES ? ', ...' : ''})`)
    .join('; ');
  const holdsAll: Check = {
    name: 'every live node holds every acknowledged value',
    valid: !input.settled ? 'unknown' : judged.length === 0 ? 'unknown' : missing.length === 0,
    detail: !input.settled
      ? 'the run did not settle after its faults (interrupted), so convergence cannot be judged'
      : judged.length === 0
        ? `no value was acknowledged before the last ${SPREAD_GRACE_MS} ms of the run: nothing to judge`
        : missing.length === 0
          ? `all ${plural(live, 'live node')} hold all ${plural(judged.length, 'value')} acknowledged until ${SPREAD_GRACE_MS} ms before the end (${young} later ones still spreading, not judged)`
          : `${missing.length} of ${live} live nodes miss some of the ${judged.length} acknowledged values: ${listed}${missing.length > LISTED_NODES ? '; ...' : ''}`,
    data: { values: judged.length, still_spreading: young, missing: Object.fromEntries(missing.map(([node, values]) => [node, values.length])) },
  };

  const heals = [...(input.healTimes ?? [])].sort((a, b) => a - b);
  const after = heals.map((at) => ({ heal_at_ms: at - input.startEpochMs, ...convergedAfter(h, at) }));
  const times = after.flatMap((c) => (c.ms === null ? [] : [c.ms]));
  const convergence: Check = {
    name: 'convergence after each heal',
    valid: true,
    detail:
      after.length === 0
        ? 'no heal in this run'
        : after
            .map((c) => `heal at ${(c.heal_at_ms / 1000).toFixed(2)} s: ${c.ms === null ? 'not converged by the end' : `${c.ms} ms`} (${plural(c.values, 'value')})`)
            .join('; '),
    data: { convergence: after, convergence_ms: percentiles(times) },
  };

  // Anti-entropy costs its digests on every round as well as the values it repairs: both count,
  // as the nodes recorded them when they sent them (`sync` and `repair` events). The digests are a
  // standing cost, paid with or without a partition; what repairing one heal cost is what was sent
  // from the heal until every live node held every value known at it.
  const bytesOf = (kind: string, from = -Infinity, to = Infinity) =>
    input.events.filter((e) => e.kind === kind && e.at >= from && e.at <= to).reduce((n, e) => n + Number(e.data.bytes ?? 0), 0);
  const repairs = input.events.filter((e) => e.kind === 'repair');
  const syncs = input.events.filter((e) => e.kind === 'sync').length;
  const digestBytes = bytesOf('sync');
  const valueBytes = bytesOf('repair');
  const copies = repairs.reduce((n, e) => n + Number(e.data.values ?? 0), 0);
  const seconds = Math.max(h.endAt - input.startEpochMs, 1) / 1000;
  const digestRate = live === 0 ? 0 : Math.round(digestBytes / live / seconds);
  // What repair would cost without digests: every live node sent every value known at the heal once.
  const perHeal = after.map((c) => {
    const at = input.startEpochMs + c.heal_at_ms;
    const to = c.ms === null ? Infinity : at + c.ms;
    const known = [...h.acknowledged].filter(([, first]) => first <= at).map(([v]) => v);
    return { heal_at_ms: c.heal_at_ms, digest_bytes: bytesOf('sync', at, to), value_bytes: bytesOf('repair', at, to), full_resend_bytes: live * jsonBytes(known) };
  });
  const fullResend = perHeal.reduce((n, p) => n + p.full_resend_bytes, 0);
  const cost: Check = {
    name: 'repair cost',
    valid: true,
    detail:
      `${digestBytes + valueBytes} bytes of anti-entropy: ${digestBytes} of digests in ${plural(syncs, 'message')} (${digestRate} bytes per node per second, paid with or without faults) ` +
      `and ${valueBytes} of values in ${plural(repairs.length, 'repair')} carrying ${plural(copies, 'value')}` +
      perHeal
        .map((p) => `; from the heal at ${(p.heal_at_ms / 1000).toFixed(2)} s to convergence ${p.digest_bytes} bytes of digests and ${p.value_bytes} of values, where resending every value known then to every live node would take ${p.full_resend_bytes}`)
        .join(''),
    data: {
      repair_bytes: digestBytes + valueBytes,
      digest_bytes: digestBytes,
      digest_bytes_per_node_s: digestRate,
      repaired_value_bytes: valueBytes,
      syncs,
      repairs: repairs.length,
      repaired_values: copies,
      values: h.acknowledged.size,
      full_resend_bytes: fullResend,
      per_heal: perHeal,
    },
  };
  return [holdsAll, convergence, cost];
}
