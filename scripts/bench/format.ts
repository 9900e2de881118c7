/** The bench results as a table for the terminal. */
import type { BenchResult } from './result.js';

const f = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '-' : x.toFixed(digits));

export function formatBench(r: BenchResult): string {
  const out: string[] = [`agentnet bench ${r.date}${r.quick ? ' (quick)' : ''}: ${r.machine.cores} cores, ${r.machine.memory_gb} GB, Node ${r.machine.node}, ${r.duration_s} s`, ''];
  if (r.throughput) {
    const t = r.throughput;
    out.push(
      `throughput (${t.nodes} nodes, ${t.message_size}-char messages, flood, journal + info logs):`,
      `  agentnet ${t.agentnet_msgs_per_s} msgs/s   raw ws ${t.baseline_msgs_per_s} msgs/s   ratio ${f(t.ratio, 3)}   accounting ${t.accounting_exact ? 'exact' : 'BROKEN'}`,
    );
  }
  if (r.fidelity) {
    out.push('delay fidelity (observed - injected, ms):');
    for (const d of r.fidelity) out.push(`  ${d.delay.padEnd(14)} p50 ${f(d.overhead_ms.p50, 2)}  p99 ${f(d.overhead_ms.p99, 2)}  max ${f(d.overhead_ms.max, 2)}  (n=${d.messages})`);
  }
  if (r.startup) {
    out.push('start-up (launch to all nodes linked):');
    for (const s of r.startup) out.push(`  ${String(s.nodes).padStart(4)} nodes  ${s.topology.padEnd(5)} ${s.ready_ms === null ? 'FAILED' : `${s.ready_ms} ms`}`);
  }
  if (r.memory) {
    out.push('memory of idle processes (MB):');
    for (const m of r.memory) {
      out.push(
        `  ${String(m.nodes).padStart(4)} nodes  node RSS mean ${f(m.node_rss_mb.mean)} max ${f(m.node_rss_mb.max)}  PSS mean ${f(m.node_pss_mb?.mean)} max ${f(m.node_pss_mb?.max)}  coordinator RSS ${f(m.coordinator_rss_mb)} PSS ${f(m.coordinator_pss_mb)}`,
      );
    }
  }
  if (r.scale) {
    out.push(`scale (chatter runs, accounting exact): largest ${r.scale.largest_ok ?? 'none'}; stopped: ${r.scale.stopped_because}`);
    for (const s of r.scale.steps) out.push(`  ${String(s.nodes).padStart(4)} nodes  ${s.ok ? 'ok' : 'FAILED'}  ready ${s.ready_ms ?? '-'} ms  wall ${s.wall_ms} ms  delivered ${s.delivered}  node PSS ${f(s.node_pss_mb)} MB${s.note ? `  ${s.note}` : ''}`);
  }
  if (r.parts) {
    out.push('cost of the parts (flood throughput):');
    for (const p of r.parts) out.push(`  ${p.name.padEnd(36)} ${String(p.msgs_per_s).padStart(8)} msgs/s  x${f(p.ratio_to_default, 2)}`);
  }
  if (r.security) {
    const x = r.security;
    out.push(
      'cost of --security on (TLS 1.3 with certificates on every link, data messages numbered on a direct link, sealed end to end when routed through others):',
      `  flood  off ${x.off_msgs_per_s} msgs/s   on ${x.on_msgs_per_s} msgs/s   loss ${f(x.throughput_loss * 100)}%   accounting ${x.accounting_exact ? 'exact' : 'BROKEN'}`,
    );
    for (const s of x.startup) {
      out.push(`  ${String(s.nodes).padStart(4)} nodes  ready off ${s.off_ms ?? '-'} ms  on ${s.on_ms ?? '-'} ms  x${f(s.ratio, 2)}   idle node RSS off ${f(s.node_rss_mb_off)} MB  on ${f(s.node_rss_mb_on)} MB`);
    }
  }
  if (r.report) {
    const x = r.report;
    out.push(
      `report.html of a flood run (${x.messages} messages, ${f(x.html_mb)} MB):`,
      `  npm run report ${x.build_ms} ms   reading messages.jsonl alone ${x.baseline_read_ms} ms   x${f(x.build_ratio, 2)}`,
      `  first paint ${x.first_paint_ms ?? '-'} ms   every section drawn ${x.ready_ms ?? '-'} ms   plain page of that size ${x.baseline_paint_ms ?? '-'} ms${x.note ? `   (${x.note})` : ''}`,
    );
  }
  for (const e of r.errors) out.push(`error: ${e}`);
  return `${out.join('\n')}\n`;
}
