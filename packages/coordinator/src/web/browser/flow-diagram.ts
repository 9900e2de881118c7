/**
 * The message-flow diagram's controls: zoom (wheel, or a time window typed in), pan (drag), filters
 * by node, body type and status, and a click on an arrow shows that message and its journal records.
 */
import type { TimelineBand } from '../../report/html/page-model.js';
import { colorOf, fmtMs, h, reasonColorOf, type Messages } from './data.js';
import { ARROW_LIMIT, arrowEnd, drawFlow, type DrawResult, type FlowFilter } from './flow-draw.js';
import { LEFT, RIGHT, TOP, laneHeightFor, laneY, timeX, xTime, type FlowView } from './flow-geometry.js';

const STATUS_NAMES = ['delivered', 'dropped', 'in flight'] as const;

/** Distance from point p to the segment a-b. */
function toSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** The message as its journal records say it: the sender's send, then the receipt, drop or what was left. */
export function describe(m: Messages, i: number): string {
  const lane = (k: number) => m.lanes[k] ?? '?';
  const type = m.type[i] === 65535 ? '(none recorded)' : m.types[m.type[i] as number];
  const sent = m.sent[i] as number;
  const lines = [
    `message ${m.id(i)}: ${lane(m.src[i] as number)} → ${lane(m.dest[i] as number)}, type ${type}, ${STATUS_NAMES[m.status[i] as number]}`,
    '',
    'journal records:',
    `  send  at ${lane(m.src[i] as number)}: sent_at +${fmtMs(sent)}, injected delay ${fmtMs(m.delay[i] as number)}`,
  ];
  if (m.status[i] === 0) {
    const r = m.received[i] as number;
    const latency = m.latency[i] as number;
    lines.push(`  recv  at ${lane(m.dest[i] as number)}: received_at +${fmtMs(r)}, latency ${fmtMs(latency)} (overhead ${fmtMs(latency - (m.delay[i] as number))})`);
  } else if (m.status[i] === 1) {
    lines.push(`  drop  at ${lane(m.at[i] as number)}: reason ${m.reasons[m.reason[i] as number] ?? '?'}`);
  } else {
    lines.push('  (no receipt or drop: in flight when the run stopped)');
  }
  if ((m.dups[i] as number) > 0) lines.push(`  dup   at ${lane(m.dest[i] as number)}: ${m.dups[i]} more ${m.dups[i] === 1 ? 'copy' : 'copies'} received`);
  const body = m.body(i);
  lines.push(
    '',
    body !== undefined
      ? `body (as journaled: JSON, cut to 200 characters): ${body}`
      : m.bodiesLeftOut > 0
        ? 'body: not in this page (it keeps 32 million characters of bodies); messages.jsonl has it'
        : 'body: none journaled for it',
  );
  return lines.join('\n');
}

export function renderFlow(into: HTMLElement, m: Messages, bands: readonly TimelineBand[], runMs: number): void {
  // Sorted by send time: the last send plus the longest flight is where the last arrow ends.
  const lastSent = m.count > 0 ? (m.sent[m.count - 1] as number) + m.maxSpan : 0;
  const end = Math.max(runMs, lastSent, ...bands.map((b) => b.end_ms)) + 1;
  const filter: FlowFilter = { lanes: new Uint8Array(m.lanes.length).fill(1), type: -1, status: [true, true, true] };
  const laneHeight = laneHeightFor(m.lanes.length);
  const view: FlowView = { t0: 0, t1: end, width: 800, height: TOP + laneHeight * m.lanes.length + 8, laneHeight };
  let selected = -1;
  let last: DrawResult = { drawn: new Int32Array(0), aggregated: false, inView: 0 };

  const from = h('input', { type: 'number', id: 'flow-from', step: 'any', title: 'window start, ms since the run began' }) as HTMLInputElement;
  const to = h('input', { type: 'number', id: 'flow-to', step: 'any', title: 'window end, ms' }) as HTMLInputElement;
  const typeSelect = h('select', { id: 'flow-type' }, h('option', { value: '-1' }, 'all types'), ...m.types.map((t, i) => h('option', { value: String(i) }, t))) as HTMLSelectElement;
  const statusBoxes = STATUS_NAMES.map((name, k) => {
    const box = h('input', { type: 'checkbox', id: `flow-status-${k}` }) as HTMLInputElement;
    box.checked = true;
    box.addEventListener('change', () => {
      filter.status[k as 0 | 1 | 2] = box.checked;
      redraw();
    });
    return h('label', {}, box, name);
  });
  const nodeBoxes = m.lanes.map((name, lane) => {
    const box = h('input', { type: 'checkbox', 'data-lane': name }) as HTMLInputElement;
    box.checked = true;
    box.addEventListener('change', () => {
      filter.lanes[lane] = box.checked ? 1 : 0;
      redraw();
    });
    return { box, label: h('label', {}, box, name) };
  });
  const setAll = (on: boolean) => () => {
    for (const [lane, b] of nodeBoxes.entries()) {
      b.box.checked = on;
      filter.lanes[lane] = on ? 1 : 0;
    }
    redraw();
  };
  const button = (text: string, id: string, action: () => void) => {
    const b = h('button', { type: 'button', id }, text);
    b.addEventListener('click', action);
    return b;
  };
  const canvas = h('canvas', { id: 'flow-canvas' }) as HTMLCanvasElement;
  const status = h('div', { id: 'flow-status' });
  const detail = h('div', { id: 'flow-detail' }, 'Click an arrow to see that message and its journal records. Wheel zooms, drag pans.');
  const legend = h(
    'div',
    { class: 'legend' },
    ...m.types.slice(0, 12).map((t, i) => h('span', {}, h('i', { style: `background:${colorOf(i)}` }), t)),
    ...m.reasons.map((r, i) => h('span', {}, h('i', { style: `background:${reasonColorOf(i)}` }), `✕ ${r}`)),
    h('span', {}, h('i', { style: 'background:#98a2b3' }), 'in flight at stop'),
  );
  into.append(
    h(
      'div',
      { id: 'flow-controls' },
      h('label', {}, 'from ms', from),
      h('label', {}, 'to ms', to),
      button('Show window', 'flow-apply', () => {
        const a = Number(from.value);
        const b = Number(to.value);
        if (Number.isFinite(a) && Number.isFinite(b) && b > a) setWindow(a, b);
      }),
      button('Whole run', 'flow-reset', () => setWindow(0, end)),
      typeSelect,
      ...statusBoxes,
    ),
    h('div', { id: 'flow-controls-nodes' }, 'nodes: ', button('all', 'flow-all', setAll(true)), button('none', 'flow-none', setAll(false)), h('span', { id: 'flow-nodes' }, ...nodeBoxes.map((b) => b.label))),
    h('div', { id: 'flow-wrap' }, canvas),
    status,
    legend,
    detail,
  );
  typeSelect.addEventListener('change', () => {
    filter.type = Number(typeSelect.value);
    redraw();
  });

  function setWindow(a: number, b: number): void {
    view.t0 = a;
    view.t1 = Math.max(a + 0.01, b);
    redraw();
  }

  function redraw(): void {
    const dpr = devicePixelRatio || 1;
    view.width = Math.max(400, canvas.parentElement?.clientWidth ?? 800);
    canvas.width = view.width * dpr;
    canvas.height = view.height * dpr;
    canvas.style.height = `${view.height}px`;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    last = drawFlow(ctx, m, bands, view, filter, selected);
    from.value = view.t0.toFixed(1);
    to.value = view.t1.toFixed(1);
    status.textContent = `${m.count} messages in the run; ${last.inView} in this window ${fmtMs(view.t0)} – ${fmtMs(view.t1)}${
      last.aggregated ? ` (over ${ARROW_LIMIT}: shown as density per lane; zoom in for arrows)` : ''
    }`;
  }

  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      const at = xTime(view, e.clientX - r.left);
      const k = Math.pow(1.0015, e.deltaY);
      setWindow(at - (at - view.t0) * k, at + (view.t1 - at) * k);
    },
    { passive: false },
  );
  let drag: { x: number; t0: number; t1: number; moved: boolean } | undefined;
  canvas.addEventListener('mousedown', (e) => {
    drag = { x: e.clientX, t0: view.t0, t1: view.t1, moved: false };
  });
  window.addEventListener('mousemove', (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    if (Math.abs(dx) > 3) drag.moved = true;
    if (!drag.moved) return;
    const dt = (dx / (view.width - LEFT - RIGHT)) * (drag.t1 - drag.t0);
    setWindow(drag.t0 - dt, drag.t1 - dt);
  });
  window.addEventListener('mouseup', (e) => {
    const wasClick = drag !== undefined && !drag.moved;
    drag = undefined;
    if (!wasClick || e.target !== canvas) return;
    const r = canvas.getBoundingClientRect();
    pick(e.clientX - r.left, e.clientY - r.top);
  });

  function pick(x: number, y: number): void {
    let best = -1;
    let bestD = 7;
    for (const i of last.drawn) {
      const x0 = timeX(view, m.sent[i] as number);
      const y0 = laneY(view, m.src[i] as number);
      const x1 = timeX(view, arrowEnd(m, i, view));
      const y1 = m.status[i] === 1 ? laneY(view, m.at[i] as number) : laneY(view, m.dest[i] as number);
      const d = toSegment(x, y, x0, y0, x1, y1);
      if (d < bestD) {
        bestD = d;
        best = i;
      }
    }
    selected = best;
    detail.textContent = best < 0 ? (last.aggregated ? 'Zoom in until arrows show to pick a message.' : 'No message there.') : describe(m, best);
    redraw();
  }

  window.addEventListener('resize', redraw);
  redraw();
}
