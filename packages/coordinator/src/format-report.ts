/** The report as a person reads it at the end of a run. */
import type { Percentiles, Report } from '@agentnet/protocol';

function ms(p: Percentiles): string {
  if (p.count === 0) return 'no samples';
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  return `p50 ${f(p.p50)}  p95 ${f(p.p95)}  p99 ${f(p.p99)}  max ${f(p.max)}  (n=${p.count})`;
}

function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd());
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
      ...report.per_node.map((n) => [n.id, String(n.pid), String(n.sent), String(n.received), String(n.dropped), String(n.in_flight), n.status]),
    ]),
    '',
    `accounting: sent ${t.sent} = delivered ${t.delivered} + dropped ${t.dropped} + in flight ${t.in_flight}` +
      (t.dropped > 0 ? `  (dropped: ${Object.entries(t.dropped_by_reason).map(([r, n]) => `${r} ${n}`).join(', ')})` : '') +
      (t.duplicated > 0 ? `; ${t.duplicated} duplicate copies delivered` : ''),
    `latency ms (observed):  ${ms(report.latency_ms)}`,
    `injected delay ms:      ${ms(report.delay_ms)}`,
    `overhead ms:            ${ms(report.overhead_ms)}`,
  ];
  for (const f of report.faults) lines.push(`fault at ${(f.at_ms / 1000).toFixed(2)} s: ${f.kind} ${f.detail}`);
  if (report.interrupted) lines.push('', 'INTERRUPTED: this is a partial report of what was collected before the stop.');
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push(
    '',
    `run ${report.run_id}: seed ${report.seed}, ${report.nodes} nodes, ${report.elapsed_ms} ms, interval ${report.config.interval}`,
    `network: ${report.config.network}${report.config.links.map((l) => `; ${l}`).join('')}`,
    `files: ${report.run_dir}/{report.json,messages.jsonl,coordinator.log,n*.log}`,
    `rerun: ${report.rerun}`,
    '',
  );
  return lines.join('\n');
}
