/**
 * The report's `workload` section and the `final reads` check, from the history, the final reads
 * and the joined journal: operations by kind and outcome, the latency of the `ok` ones, the
 * throughput over the duration, and each client's messages as the journal has them (their
 * requests count in `totals.sent` but in no node's `sent`, so with these the sums still add up).
 */
import type { Check, HistoryEntry, MessageLine, OpF, WorkloadReport } from '@agentnet/protocol';
import { percentiles } from '../numbers/percentiles.js';
import type { FinalRead } from '../workload/kv-client.js';
import type { WorkloadSettings } from '../workload/settings.js';

export const HISTORY_FILE = 'history.jsonl';

export interface WorkloadFacts {
  settings: WorkloadSettings;
  history: readonly HistoryEntry[];
  finals: readonly FinalRead[];
  lines: readonly MessageLine[];
  /** How long the clients issued operations (the run's duration), ms. */
  durationMs: number;
}

export function workloadReport(w: WorkloadFacts): WorkloadReport {
  const invokes = new Map(w.history.filter((e) => e.type === 'invoke').map((e) => [e.index, e]));
  const during = w.history.filter((e) => e.final !== true);
  const ops = { read: { ok: 0, fail: 0, info: 0 }, write: { ok: 0, fail: 0, info: 0 }, cas: { ok: 0, fail: 0, info: 0 } };
  const latency: number[] = [];
  for (const e of during) {
    if (e.type === 'invoke') continue;
    ops[e.f as OpF][e.type]++;
    const invoke = e.invoke_index === undefined ? undefined : invokes.get(e.invoke_index);
    if (e.type === 'ok' && invoke) latency.push(e.time_ms - invoke.time_ms);
  }
  const seconds = Math.max(w.durationMs, 1) / 1000;
  const invoked = during.filter((e) => e.type === 'invoke').length;
  const perSecond = (n: number) => Math.round((n / seconds) * 100) / 100;
  const clients = Array.from({ length: w.settings.concurrency }, (_, i) => `c${i + 1}`).map((id) => {
    const own = w.lines.filter((m) => m.src === id);
    return {
      id,
      sent: own.length,
      received: w.lines.filter((m) => m.dest === id && m.status === 'delivered').length,
      dropped: own.filter((m) => m.status === 'dropped').length,
      in_flight: own.filter((m) => m.status === 'in_flight').length,
    };
  });
  return {
    kind: w.settings.kind,
    rate: w.settings.rate,
    concurrency: w.settings.concurrency,
    keys: w.settings.keys,
    op_timeout_ms: w.settings.opTimeoutMs,
    history: HISTORY_FILE,
    ops,
    ok_latency_ms: percentiles(latency),
    throughput: { invoked_per_s: perSecond(invoked), ok_per_s: perSecond(ops.read.ok + ops.write.ok + ops.cas.ok) },
    final_reads: w.finals.map((f) => ({ key: f.key, ok: f.ok, value: f.value, node: f.node, attempts: f.attempts })),
    clients,
  };
}

/**
 * Whether every key was read after the settle: without that read, an acknowledged write that was
 * lost at the end would go unseen, so a key nobody could read leaves the verdict unknown.
 */
export function finalReadsCheck(finals: readonly FinalRead[], keys: number, interrupted: boolean): Check {
  const name = 'final reads';
  if (interrupted || finals.length < keys) return { name, valid: 'unknown', detail: 'the run ended before every key was read after the settle' };
  const unread = finals.filter((f) => !f.ok);
  const values = finals.map((f) => `${f.key}=${f.ok ? (f.value ?? 'nothing') : '?'}`).join(' ');
  if (unread.length > 0) {
    const which = unread.map((f) => `${f.key} (${f.attempts} ${f.attempts === 1 ? 'attempt' : 'attempts'})`).join(', ');
    return { name, valid: 'unknown', detail: `no final read of key ${which} was answered ok: whether acknowledged writes to them survived is not known; read: ${values}`, data: { unread: unread.map((f) => f.key) } };
  }
  return { name, valid: true, detail: `every key read after the settle: ${values}` };
}
