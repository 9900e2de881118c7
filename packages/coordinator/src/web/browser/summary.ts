/** The page's text parts: the summary with the verdict, the per-node bars and the fault table. */
import type { Report } from '@agentnet/protocol';
import { h } from './data.js';

const pct = (x: number | null): string => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const num = (x: number | null | undefined): string => (x === null || x === undefined ? '-' : String(Math.round(x * 10) / 10));

function table(head: string[], rows: Array<Array<string | Node>>, numeric: number[] = []): HTMLElement {
  const cell = (tag: string, c: string | Node, i: number) => h(tag, numeric.includes(i) ? { class: 'num' } : {}, c);
  return h('table', {}, h('thead', {}, h('tr', {}, ...head.map((c, i) => cell('th', c, i)))), h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((c, i) => cell('td', c, i))))));
}

export function renderSummary(into: HTMLElement, r: Report): void {
  const t = r.totals;
  const most = r.summary.most_received;
  into.append(
    h(
      'div',
      { class: 'lines', id: 'notebook-lines' },
      h('div', {}, `Total messages exchanged: ${r.summary.total_exchanged}`),
      h('div', {}, `Average messages per node: ${r.summary.average_per_node}`),
      h('div', {}, `Node with most messages received: ${most ? `${most.id} (${most.count})` : '-'}`),
    ),
  );
  const reasons = Object.entries(t.dropped_by_reason).map(([k, v]) => `${k} ${v}`).join(', ');
  const balanced = t.sent === t.delivered + t.dropped + t.in_flight;
  into.append(
    h(
      'p',
      { id: 'accounting' },
      `Accounting: sent ${t.sent} = delivered ${t.delivered} + dropped ${t.dropped}${reasons ? ` (${reasons})` : ''} + in flight at stop ${t.in_flight}${balanced ? '' : ' (does not add up)'}; duplicates ${t.duplicated}.`,
    ),
  );
  into.append(
    h('p', {}, `Latency p50 ${num(r.latency_ms.p50)} ms, p99 ${num(r.latency_ms.p99)} ms; injected p50 ${num(r.delay_ms.p50)} ms; overhead p50 ${num(r.overhead_ms.p50)} ms. Security ${r.security.mode}; refused ${r.security.refused.total}.`),
  );
  const v = r.verdict;
  const verdict = h('div', { id: 'verdict' });
  if (v) {
    const word = v.valid === true ? 'valid' : v.valid === false ? 'invalid' : 'unknown';
    verdict.append(h('p', {}, 'Verdict: ', h('span', { class: `verdict ${word}` }, word.toUpperCase()), ` (${r.config.checker ?? 'checker'})`));
    verdict.append(
      table(
        ['', 'check', 'detail'],
        v.checks.map((c) => {
          const cls = c.valid === true ? 'check-ok' : c.valid === false ? 'check-fail' : 'check-unknown';
          return [h('span', { class: cls }, c.valid === true ? 'ok' : c.valid === false ? 'FAIL' : '??'), c.name, c.detail];
        }),
      ),
    );
  } else {
    verdict.append(h('p', { class: 'note' }, 'No checker judged this run (run an algorithm, --check, or a workload for a verdict).'));
  }
  into.append(verdict);
  if (r.warnings.length > 0) into.append(h('div', { id: 'warnings' }, ...r.warnings.map((w) => h('p', { class: 'warn' }, `warning: ${w}`))));
  into.append(h('p', { class: 'note' }, `Repeat it: ${r.rerun}`));
}

/** Sent, received and dropped per node as bars on one scale. */
export function renderNodeBars(into: HTMLElement, r: Report): void {
  let max = 1;
  for (const n of r.per_node) max = Math.max(max, n.sent, n.received, n.dropped);
  const bar = (value: number, color: string) => h('div', { style: `height:6px;margin:1px 0;background:${color};width:${(100 * value) / max}%`, title: String(value) });
  into.append(h('div', { class: 'legend' }, h('span', {}, h('i', { style: 'background:#2e62d9' }), 'sent'), h('span', {}, h('i', { style: 'background:#12805c' }), 'received'), h('span', {}, h('i', { style: 'background:#c4320a' }), 'dropped')));
  into.append(
    table(
      ['node', 'status', 'sent', 'received', 'dropped', ''],
      r.per_node.map((n) => [
        n.id,
        n.status === 'ok' ? 'ok' : h('span', { class: 'check-fail', title: n.lost?.reason ?? '' }, 'lost'),
        String(n.sent),
        String(n.received),
        String(n.dropped),
        h('div', { style: 'width:260px' }, bar(n.sent, '#2e62d9'), bar(n.received, '#12805c'), bar(n.dropped, '#c4320a')),
      ]),
      [2, 3, 4],
    ),
  );
}

export function renderFaults(into: HTMLElement, r: Report): boolean {
  if (r.faults.length === 0) return false;
  into.append(table(['at s', 'kind', 'detail', 'period'], r.faults.map((f) => [(f.at_ms / 1000).toFixed(2), f.kind, f.detail, f.name ?? (f.ends ? `ends ${f.ends.join(', ')}` : '')]), [0]));
  if (r.fault_periods.length > 0) {
    into.append(h('p', {}, 'Traffic sent during each fault period:'));
    const period = (name: string, kind: string, s: Report['inside_faults']) => [name, kind, String(s.sent), pct(s.delivery_ratio), num(s.latency_ms.p50), num(s.overhead_ms.p50)];
    into.append(
      table(
        ['period', 'kind', 'sent', 'delivered', 'latency p50', 'overhead p50'],
        [...r.fault_periods.map((p) => period(p.name, p.kind, p)), period('inside faults', '', r.inside_faults), period('outside faults', '', r.outside_faults)],
        [2, 3, 4, 5],
      ),
    );
  }
  return true;
}
