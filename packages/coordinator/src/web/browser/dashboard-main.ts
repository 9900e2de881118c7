/**
 * The live dashboard's code: follows the run's stream, redraws the views on each snapshot, feeds
 * leader changes, crashes, restarts and losses into the event list, and when the run's report is
 * written turns the page into that report (report.html, fetched with the token).
 */
import uPlot from 'uplot';
import type { ApiState } from '../../api/schema.js';
import type { DashboardEnd, DashboardSnapshot } from '../../dashboard/dashboard-model.js';
import { authHeaders, call, follow } from './dashboard-api.js';
import { renderControls } from './dashboard-controls.js';
import { drawFaults, drawNodes, drawTopology, feed } from './dashboard-views.js';
import { chart } from './charts.js';
import { h, sectionBody } from './data.js';

const controls = renderControls(document.getElementById('control-forms') as HTMLElement);
const feedList = document.getElementById('feed') as HTMLElement;
const phase = document.getElementById('phase') as HTMLElement;
const clock = document.getElementById('clock') as HTMLElement;
const totalsLine = document.getElementById('totals') as HTMLElement;

/** The rate chart's points: elapsed seconds, delivered and dropped per second between snapshots. */
const rate = { x: [] as number[], delivered: [] as number[], dropped: [] as number[] };
let plot: uPlot | undefined;
let previous: ApiState | undefined;
let historySeen = 0;
let ended = false;

function follows(state: ApiState): void {
  const lines: Array<{ at_ms: number; text: string }> = [];
  for (; historySeen < state.history.length; historySeen++) {
    const f = state.history[historySeen]!;
    lines.push({ at_ms: f.at_ms, text: `fault ${f.kind}: ${f.detail}` });
  }
  for (const n of state.nodes) {
    const before = previous?.nodes.find((p) => p.id === n.id);
    if (before && before.state !== 'lost' && n.state === 'lost') lines.push({ at_ms: state.elapsed_ms, text: `${n.id} lost` });
    if (before && n.incarnation > before.incarnation) lines.push({ at_ms: state.elapsed_ms, text: `${n.id} restarted (incarnation ${n.incarnation})` });
  }
  feed(feedList, lines);
}

function chartRate(state: ApiState): void {
  if (!previous || state.elapsed_ms <= previous.elapsed_ms) return;
  const dt = (state.elapsed_ms - previous.elapsed_ms) / 1000;
  rate.x.push(state.elapsed_ms);
  rate.delivered.push(Math.max(0, (state.totals.delivered - previous.totals.delivered) / dt));
  rate.dropped.push(Math.max(0, (state.totals.dropped - previous.totals.dropped) / dt));
  if (!plot) {
    plot = chart(sectionBody('rate'), { x: rate.x, time: true, xLabel: 'time', yLabel: 'messages / s', height: 200, lines: [{ label: 'delivered', values: rate.delivered, color: '#12805c' }, { label: 'dropped', values: rate.dropped, color: '#c4320a' }] });
  } else {
    plot.setData([rate.x, rate.delivered, rate.dropped]);
  }
}

async function becomeReport(end: DashboardEnd): Promise<void> {
  const verdict = end.verdict === null ? '' : `, verdict ${String(end.verdict).toUpperCase()}`;
  feed(feedList, [{ at_ms: previous?.elapsed_ms ?? 0, text: `run ended: ${end.totals.sent} sent, ${end.totals.delivered} delivered, ${end.totals.dropped} dropped${verdict}` }]);
  // Without --dashboard the coordinator waits a moment for this fetch, then exits.
  const res = await fetch('/dashboard/report', { headers: authHeaders });
  if (!res.ok) {
    phase.textContent = `ended; the report could not be fetched (${res.status}): it is ${end.run_dir}/report.html`;
    return;
  }
  const html = await res.text();
  document.open();
  document.write(html);
  document.close();
  if (!end.keep_open) return;
  const close = h('button', { type: 'button', id: 'dashboard-close', style: 'position:fixed;top:12px;right:16px' }, 'Close the run');
  close.addEventListener('click', () => {
    void call('POST', '/dashboard/close', {}).then((a) =>
      close.replaceWith(h('span', { style: 'position:fixed;top:14px;right:16px;color:#667085' }, a.ok ? 'closed: the coordinator has exited' : `could not close the run: ${a.text}`)),
    );
  });
  document.body.append(close);
}

const stream = follow(
  (s: DashboardSnapshot) => {
    if (ended) return;
    const { state } = s;
    phase.textContent = state.phase;
    clock.textContent = `${(state.elapsed_ms / 1000).toFixed(1)} s`;
    totalsLine.textContent = `· ${state.totals.sent} sent, ${state.totals.delivered} delivered, ${state.totals.dropped} dropped, ${state.totals.in_flight} in flight`;
    document.getElementById('title')!.textContent = `agentnet dashboard · run ${state.run_id} · seed ${state.seed}`;
    controls.update(state);
    drawTopology(sectionBody('topology'), state, s.links, s.all_links);
    drawNodes(sectionBody('nodes'), state, s.nodes);
    drawFaults(sectionBody('faults'), state);
    follows(state);
    feed(feedList, s.events);
    chartRate(state);
    previous = state;
    if (s.end) {
      ended = true;
      stream.stop();
      becomeReport(s.end).catch((err: unknown) => {
        phase.textContent = `ended; ${(err as Error).message}`;
      });
    }
  },
  (why) => {
    if (!ended) phase.textContent = why;
  },
);
