/** The report as a person reads it at the end of a run. */
import type { NodeReport, PeriodStats, Percentiles, Report } from '@agentnet/protocol';
import { plural } from '../numbers/plural.js';

const one = (x: number | null) => (x === null ? '-' : x.toFixed(1));
const secs = (at_ms: number) => (at_ms / 1000).toFixed(2);

function ms(p: Percentiles): string {
  if (p.count === 0) return 'no samples';
  return `p50 ${one(p.p50)}  p95 ${one(p.p95)}  p99 ${one(p.p99)}  max ${one(p.max)}  (n=${p.count})`;
}

export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd());
}

/** The columns after name, kind and time of one row of the fault-period table. */
function periodCells(s: PeriodStats): string[] {
  const delivery = s.delivery_ratio === null ? '-' : `${(s.delivery_ratio * 100).toFixed(1)}%`;
  const latency = s.latency_ms.count === 0 ? '-' : `${one(s.latency_ms.p50)}/${one(s.latency_ms.p99)}`;
  return [String(s.sent), delivery, latency, one(s.delay_ms.p50), one(s.overhead_ms.p50)];
}

/** Traffic by fault period, then inside versus outside all of them; nothing for a run without faults. */
function faultTable(report: Report): string[] {
  if (report.fault_periods.length === 0) return [];
  return [
    '',
    ...table([
      ['fault periods', 'kind', 'from-to s', 'sent', 'delivered', 'latency p50/p99', 'injected p50', 'overhead p50'],
      ...report.fault_periods.map((p) => [p.name, p.kind, `${secs(p.start_ms)}-${secs(p.end_ms)}`, ...periodCells(p)]),
      ['inside faults', '', '', ...periodCells(report.inside_faults)],
      ['outside faults', '', '', ...periodCells(report.outside_faults)],
    ]),
  ];
}

/** The graph in one line, and for routed runs convergence, paths and what routing cost. */
function topologyLines(report: Report): string[] {
  const g = report.graph;
  const degrees = Object.entries(g.degree.histogram).map(([d, n]) => `${d}:${n}`).join(' ');
  const lines = [`graph: ${g.topology}, ${plural(g.nodes, 'node')}, ${plural(g.edges, 'link')}, diameter ${g.diameter}, degree ${g.degree.min}-${g.degree.max} (mean ${g.degree.mean}; ${degrees})${g.svg ? `, drawn in ${g.svg}` : ''}`];
  const b = report.broadcast;
  if (b) {
    const mode = b.mode === 'flood' ? `flood (expected ${b.flood_expected_messages === null ? '?' : plural(b.flood_expected_messages, 'message')} each)` : `gossip to ${b.fanout}`;
    lines.push(
      `broadcast: ${mode}; ${plural(b.broadcasts, 'broadcast')}, ${b.complete} reached every node`,
      `messages per broadcast: ${ms(b.messages)}`,
      `rounds to reach all:    ${ms(b.rounds)}`,
      `duplicates received:    ${ms(b.duplicates)}`,
    );
  }
  const v = report.verdict;
  if (v) {
    lines.push(`verdict: ${v.valid === true ? 'VALID' : v.valid === false ? 'INVALID' : 'UNKNOWN'}`);
    for (const c of v.checks) lines.push(`  ${c.valid === true ? 'ok  ' : c.valid === false ? 'FAIL' : '??  '} ${c.name}: ${c.detail}`);
  }
  const r = report.routing;
  if (!r) return lines;
  // A wait with no convergence ended either at the next topology change or at the stop (routing-checker.ts).
  const conv = (i: number) => {
    const c = r.convergence[i];
    if (c?.converged_ms !== null && c?.converged_ms !== undefined) return `converged in ${c.converged_ms} ms`;
    return i + 1 < r.convergence.length ? 'did not converge before the next change' : 'not converged at stop';
  };
  const startAt = r.convergence.findIndex((c) => c.cause === 'start');
  lines.push(
    `routing: ${r.protocol} (every ${r.interval_ms} ms, ttl ${r.ttl}), ${startAt < 0 ? 'not started' : `after start: ${conv(startAt)}`}`,
    ...r.convergence.flatMap((c, i) => (c.cause === 'start' ? [] : [`  after ${c.cause} at ${secs(c.at_ms)} s: ${conv(i)}`])),
    `hops:                   ${ms(r.hops)}; ${Object.entries(r.hops_histogram).map(([h, n]) => `${h}:${n}`).join(' ')}`,
    `stretch:                ${ms(r.stretch)}`,
    `control plane: ${plural(r.control_messages.sent, 'message')}, ${plural(r.control_messages.bytes, 'byte')}; data plane: ${plural(r.data_messages.sent, 'hop message')}, ${plural(r.data_messages.bytes, 'byte')}; dropped no_route ${r.dropped.no_route}, ttl ${r.dropped.ttl} (after convergence ${r.ttl_after_convergence})`,
  );
  return lines;
}

/** The client workload: what the clients did and saw, and where the operations are. */
function workloadLines(report: Report): string[] {
  const w = report.workload;
  if (!w) return [];
  const outcomes = (o: { ok: number; fail: number; info: number }) => `ok ${o.ok}, fail ${o.fail}, info ${o.info}`;
  const finals = w.final_reads.map((f) => `${f.key}=${f.ok ? (f.value ?? 'nothing') : '?'}`).join(' ');
  const sent = w.clients.reduce((n, c) => n + c.sent, 0);
  return [
    `workload: ${w.kind}, ${plural(w.concurrency, 'client')} at ${w.rate} ops/s on ${plural(w.keys, 'key')} (timeout ${w.op_timeout_ms} ms): ${w.throughput.invoked_per_s} invoked/s, ${w.throughput.ok_per_s} ok/s`,
    `  read ${outcomes(w.ops.read)}; write ${outcomes(w.ops.write)}; cas ${outcomes(w.ops.cas)}`,
    `ok latency ms:          ${ms(w.ok_latency_ms)}`,
    `final reads: ${finals || 'none'}; clients sent ${plural(sent, 'request')}; every operation in ${w.history}`,
  ];
}

/** `ok`, with how often the node restarted and how many errors its behaviour raised (the first is under warnings). */
function statusCell(n: NodeReport): string {
  const notes = [
    ...(n.restarts.length > 0 ? [`restarted ${n.restarts.length}x`] : []),
    ...(n.behavior_errors && n.behavior_errors.count > 0 ? [plural(n.behavior_errors.count, 'behaviour error')] : []),
  ];
  return [n.status, ...notes].join(', ');
}

export function formatReport(report: Report): string {
  const t = report.totals;
  const most = report.summary.most_received;
  const lines = [
    '',
    `Total messages exchanged: ${report.summary.total_exchanged}`,
    `Average messages per node: ${report.summary.average_per_node.toFixed(2)}`,
    most ? `Node ${most.id} received the most messages: ${most.count}` : 'No node received any message',
    '',
    ...table([
      ['node', 'pid', 'sent', 'received', 'dropped', 'in_flight', 'status'],
      ...report.per_node.map((n) => [n.id, String(n.pid), String(n.sent), String(n.received), String(n.dropped), String(n.in_flight), statusCell(n)]),
    ]),
    '',
    `accounting: sent ${t.sent} = delivered ${t.delivered} + dropped ${t.dropped} + in flight ${t.in_flight}` +
      (t.dropped > 0 ? `  (dropped: ${Object.entries(t.dropped_by_reason).map(([r, n]) => `${r} ${n}`).join(', ')})` : '') +
      (t.duplicated > 0 ? `; ${t.duplicated} duplicate copies delivered` : ''),
    `latency ms (observed):  ${ms(report.latency_ms)}`,
    `injected delay ms:      ${ms(report.delay_ms)}`,
    `overhead ms:            ${ms(report.overhead_ms)}`,
  ];
  lines.push(...workloadLines(report), ...topologyLines(report));
  for (const f of report.faults) lines.push(`fault at ${secs(f.at_ms)} s: ${f.kind} ${f.detail}`);
  lines.push(...faultTable(report));
  if (report.interrupted) lines.push('', 'INTERRUPTED: this is a partial report of what was collected before the stop.');
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push(
    '',
    `run ${report.run_id}: seed ${report.seed}, ${plural(report.nodes, 'node')}, ${report.elapsed_ms} ms, interval ${report.config.interval}`,
    `network: ${report.config.network}${report.config.links.map((l) => `; ${l}`).join('')}`,
    ...securityLines(report.security),
    `files: ${report.run_dir}/{report.html,report.json,messages.jsonl,coordinator.log,n*.log}`,
    `rerun: ${report.rerun}`,
    '',
  );
  return lines.join('\n');
}

/** `security: on, refused 3 (register: no_proof 1; link: bad_proof 2)`; nothing for a run with security off that refused nothing. */
function securityLines(s: Report['security']): string[] {
  if (s.mode === 'off' && s.refused.total === 0 && !s.attacks) return [];
  const byGuard = Object.entries(s.refused.by_guard).map(([guard, reasons]) => `${guard}: ${Object.entries(reasons).map(([r, n]) => `${r} ${n}`).join(', ')}`);
  const lines = [`security: ${s.mode}, ${s.refused.total === 0 ? 'nothing refused' : `refused ${s.refused.total} (${byGuard.join('; ')})`}`];
  const a = s.attacks;
  if (a) {
    const kinds = Object.entries(a.made).map(([kind, n]) => `${kind} ${n}`).join(', ');
    lines.push(
      `attacks: ${a.total.made} made${kinds ? ` (${kinds})` : ''}, ${a.total.rejected} rejected, ${a.total.delivered_undetected} delivered undetected, ${a.total.undelivered} lost on the way, in flight or unanswered`,
    );
  }
  return lines;
}
