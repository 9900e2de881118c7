/**
 * report.html's code: reads the run's data from the page itself and draws every section. Errors
 * are shown on the page (a section that fails says so) instead of leaving it half drawn in silence.
 */
import { hideSection, h, loadMessages, loadModel, sectionBody } from './data.js';
import { chart, setsChart } from './charts.js';
import { renderFlow } from './flow-diagram.js';
import { renderHeatMap } from './heat-map.js';
import { renderFaults, renderNodeBars, renderSummary } from './summary.js';
import { renderTopology } from './topology.js';

const model = loadModel();
const r = model.report;
const bands = model.bands;

/** Draws one section; a failure shows in it and does not stop the others. */
function section(id: string, draw: (into: HTMLElement) => boolean | void): void {
  const into = sectionBody(id);
  try {
    if (draw(into) === false) hideSection(id);
  } catch (err) {
    into.append(h('p', { class: 'warn' }, `This section could not be drawn: ${(err as Error).message}`));
    // The browser's console is where a page reports its errors (and where the browser tests look).
    console.error(err);
  }
}

function noDeliveries(into: HTMLElement): void {
  into.append(h('p', { class: 'note' }, 'No message between nodes was delivered in this run: there is no latency to show.'));
}

document.getElementById('title')!.textContent = `agentnet run ${r.run_id}`;
document.getElementById('subtitle')!.textContent = `${r.started_at} · ${r.nodes} nodes · ${r.config.behavior} · topology ${r.config.topology} · seed ${r.seed} · ${model.open_ended ? 'open-ended' : `${(r.duration_ms / 1000).toFixed(1)} s`}${
  r.interrupted ? ' · interrupted' : ''
} · stopped by ${r.stopped_by}`;
document.getElementById('footer')!.textContent = `Built from ${model.files.join(', ')} in ${r.run_dir}. Rebuild with: npm run report -- ${r.run_dir}`;

section('summary', (into) => renderSummary(into, r));
section('flow', (into) => renderFlow(into, loadMessages(), bands, model.traffic_ms));
section('rate', (into) => {
  chart(into, { x: model.rate.x, time: true, xLabel: 'time', yLabel: 'messages / s', bands, lines: Object.entries(model.rate.ys).map(([label, values]) => ({ label, values })) });
});
section('nodes', (into) => renderNodeBars(into, r));
section('latency-histogram', (into) => {
  if (r.latency_ms.count === 0) return noDeliveries(into);
  const hist = model.latency_histogram;
  into.append(h('p', { class: 'note' }, 'Delivered messages by latency: observed (send to receipt) against the delay the network model injected.'));
  chart(into, {
    x: hist.edges,
    xLabel: 'ms',
    yLabel: 'messages',
    lines: [
      { label: 'observed', values: hist.observed, stepped: true, fill: 'rgba(46,98,217,0.15)' },
      { label: 'injected', values: hist.injected, stepped: true, fill: 'rgba(232,113,10,0.12)' },
    ],
  });
});
section('latency-cdf', (into) => {
  if (r.latency_ms.count === 0) return noDeliveries(into);
  const c = model.latency_cdf;
  into.append(h('p', { class: 'note' }, 'Latency at each percentile of delivered messages (the CDF, axes swapped): observed, injected, and the overhead of sockets and processes.'));
  chart(into, {
    x: c.p.map((p) => p * 100),
    xLabel: 'percentile',
    yLabel: 'ms',
    lines: [
      { label: 'observed', values: c.observed },
      { label: 'injected', values: c.injected },
      { label: 'overhead', values: c.overhead },
    ],
  });
});
section('links', (into) => {
  if (model.links.length === 0) return false;
  into.append(h('p', { class: 'note' }, r.config.routing ? 'End to end: a routed message counts for its sender and destination, not for the links it crossed.' : 'Each directed link between neighbours.'));
  renderHeatMap(into, model.links, r.per_node.map((n) => n.id));
  return true;
});
section('topology', (into) => {
  into.append(
    h(
      'p',
      { class: 'note' },
      `${r.graph.topology}: ${r.graph.nodes} nodes, ${r.graph.edges} links, diameter ${r.graph.diameter}. An edge's width and colour: the messages its two ends sent each other and how many were dropped${r.config.routing ? ' (routed traffic for other nodes that crossed it is not counted)' : ''}.`,
    ),
  );
  renderTopology(into, model.topology);
  const routing = r.routing;
  if (routing) {
    into.append(h('p', {}, `Routing ${routing.protocol}: convergence after each change`));
    into.append(
      h('table', {}, ...routing.convergence.map((c) => h('tr', {}, h('td', {}, `${(c.at_ms / 1000).toFixed(2)} s`), h('td', {}, c.cause), h('td', {}, c.converged_ms === null ? 'not converged' : `converged in ${c.converged_ms} ms`)))),
    );
  }
});
section('algorithm', (into) => {
  const a = model.algorithm;
  if (!a) return false;
  const nodeNames = a.lanes;
  if (a.leaders.length > 0) {
    into.append(h('p', {}, 'The leader each node had over time'));
    setsChart(into, a.leaders, { time: true, xLabel: 'time', yLabel: 'leader', yNames: nodeNames, bands });
  }
  if (a.terms.length > 0) {
    into.append(h('p', {}, 'Term (Raft) or epoch (Bully) per node'));
    setsChart(into, a.terms, { time: true, xLabel: 'time', yLabel: 'term', bands });
  }
  if (a.commits.length > 0) {
    into.append(h('p', {}, 'Commit index per node'));
    setsChart(into, a.commits, { time: true, xLabel: 'time', yLabel: 'commit index', bands });
  }
  if (a.holds.length > 0) {
    into.append(h('p', {}, 'Broadcast values held per node (convergence after each heal)'));
    setsChart(into, a.holds, { time: true, xLabel: 'time', yLabel: 'values held', bands });
  }
  return true;
});
section('workload', (into) => {
  const w = model.workload;
  if (!w) return false;
  into.append(h('p', {}, 'Latency of each operation at its invoke, by operation and outcome'));
  setsChart(into, w.latency, { time: true, xLabel: 'invoked at', yLabel: 'ms', bands, points: true });
  into.append(h('p', {}, 'Operations completed per second'));
  chart(into, { x: w.rate.x, time: true, xLabel: 'time', yLabel: 'ops / s', bands, lines: Object.entries(w.rate.ys).map(([label, values]) => ({ label, values, stepped: true })) });
  return true;
});
section('faults', (into) => renderFaults(into, r));
document.body.dataset.ready = 'true';
