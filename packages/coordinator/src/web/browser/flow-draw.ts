/**
 * Draws the message-flow diagram for a time window: a lane per node, an arrow per message from its
 * send to its receipt, a cross where a drop happened (coloured by reason), a dashed stub for what
 * was in flight at the stop, fault periods shaded. Only what the window shows is looked at (the
 * messages are sorted by send time); when more than ARROW_LIMIT would show, each lane becomes a
 * strip of message density per pixel column instead, so a million messages stay interactive.
 */
import type { TimelineBand } from '../../report/html/page-model.js';
import { UNTYPED_COLOR, colorOf, reasonColorOf, type Messages } from './data.js';
import { LEFT, TOP, laneY, timeX, type FlowView } from './flow-geometry.js';

export const ARROW_LIMIT = 12_000;

export interface FlowFilter {
  /** Lanes shown; a message shows when its sender or its destination is. */
  lanes: Uint8Array;
  /** A body type index, or -1 for all. */
  type: number;
  /** Statuses shown: [delivered, dropped, in flight]. */
  status: [boolean, boolean, boolean];
}

export interface DrawResult {
  /** Messages drawn as arrows (when not aggregated). */
  drawn: Int32Array;
  aggregated: boolean;
  inView: number;
}

/** The first index whose send time is at or after t. */
export function firstSentAtOrAfter(sent: Float32Array, t: number): number {
  let lo = 0;
  let hi = sent.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sent[mid] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}


/** Where a message's arrow ends in time: its receipt, a moment after its send for a drop, the window's end in flight. */
export function arrowEnd(m: Messages, i: number, view: FlowView): number {
  const s = m.status[i] as number;
  if (s === 0) return m.received[i] as number;
  if (s === 1) return (m.sent[i] as number) + (view.t1 - view.t0) / 80;
  return view.t1;
}

export function shown(m: Messages, i: number, f: FlowFilter): boolean {
  if (!f.status[m.status[i] as 0 | 1 | 2]) return false;
  if (f.type >= 0 && m.type[i] !== f.type) return false;
  return f.lanes[m.src[i] as number] === 1 || f.lanes[m.dest[i] as number] === 1;
}

export function drawFlow(ctx: CanvasRenderingContext2D, m: Messages, bands: readonly TimelineBand[], view: FlowView, f: FlowFilter, selected: number): DrawResult {
  const { width, height } = view;
  ctx.clearRect(0, 0, width, height);
  ctx.font = '11px system-ui, sans-serif';
  for (const [k, b] of bands.entries()) {
    const x0 = Math.max(LEFT, timeX(view, b.start_ms));
    const x1 = Math.min(width, timeX(view, b.end_ms));
    if (x1 <= x0) continue;
    ctx.fillStyle = b.kind === 'partition' ? 'rgba(196,50,10,0.08)' : 'rgba(181,71,8,0.08)';
    ctx.fillRect(x0, TOP - 6, x1 - x0, height - TOP);
    ctx.fillStyle = 'rgba(120,40,10,0.9)';
    ctx.fillText(b.name, x0 + 2, 10 + (k % 2) * 10);
  }
  ctx.strokeStyle = '#e4e7ec';
  ctx.fillStyle = '#344054';
  m.lanes.forEach((name, lane) => {
    const y = laneY(view, lane);
    ctx.globalAlpha = f.lanes[lane] === 1 ? 1 : 0.35;
    ctx.beginPath();
    ctx.moveTo(LEFT, y);
    ctx.lineTo(width, y);
    ctx.stroke();
    if (view.laneHeight >= 8) ctx.fillText(name, 4, y + 4, LEFT - 8);
  });
  ctx.globalAlpha = 1;
  // An arrow ends at most maxSpan (a receipt) or a drop's stub after its send; in-flight stubs reach any later window.
  const lo = firstSentAtOrAfter(m.sent, view.t0 - Math.max(m.maxSpan, (view.t1 - view.t0) / 80) - 1);
  const hi = firstSentAtOrAfter(m.sent, view.t1 + 1e-6);
  const drawn = new Int32Array(ARROW_LIMIT);
  let n = 0;
  let inView = 0;
  const consider = (i: number): void => {
    if (!shown(m, i, f) || arrowEnd(m, i, view) < view.t0) return;
    if (n < ARROW_LIMIT) drawn[n++] = i;
    inView++;
  };
  for (let k = 0; k < m.inFlight.length && (m.inFlight[k] as number) < lo; k++) consider(m.inFlight[k] as number);
  for (let i = lo; i < hi; i++) consider(i);
  if (inView > ARROW_LIMIT) {
    drawDensity(ctx, m, view, f, lo, hi);
    return { drawn: new Int32Array(0), aggregated: true, inView };
  }
  for (let k = 0; k < n; k++) drawArrow(ctx, m, view, drawn[k] as number, false);
  if (selected >= 0) drawArrow(ctx, m, view, selected, true);
  return { drawn: drawn.subarray(0, n), aggregated: false, inView };
}

function drawArrow(ctx: CanvasRenderingContext2D, m: Messages, view: FlowView, i: number, highlight: boolean): void {
  const x0 = timeX(view, m.sent[i] as number);
  const y0 = laneY(view, m.src[i] as number);
  const status = m.status[i] as number;
  const y1 = status === 1 ? laneY(view, m.at[i] as number) : laneY(view, m.dest[i] as number);
  const x1 = timeX(view, arrowEnd(m, i, view));
  const type = m.type[i] as number;
  ctx.lineWidth = highlight ? 3 : 1;
  ctx.strokeStyle = highlight ? '#111' : status === 0 ? (type === 65535 ? UNTYPED_COLOR : colorOf(type)) : status === 1 ? '#c4320a' : '#98a2b3';
  ctx.setLineDash(status === 2 ? [4, 3] : []);
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  if (status === 1) {
    // A drop: towards its destination, ending in a cross on the lane of the node that dropped it.
    const yd = laneY(view, m.dest[i] as number);
    const ym = y1 === y0 ? y0 + (yd - y0) * 0.25 : y1;
    ctx.lineTo(x1, ym);
    ctx.stroke();
    ctx.strokeStyle = highlight ? '#111' : reasonColorOf(m.reason[i] as number);
    ctx.beginPath();
    ctx.moveTo(x1 - 4, ym - 4);
    ctx.lineTo(x1 + 4, ym + 4);
    ctx.moveTo(x1 + 4, ym - 4);
    ctx.lineTo(x1 - 4, ym + 4);
    ctx.stroke();
  } else {
    ctx.lineTo(x1, y1);
    ctx.stroke();
    if (status === 0 && Math.hypot(x1 - x0, y1 - y0) > 12) {
      const a = Math.atan2(y1 - y0, x1 - x0);
      ctx.beginPath();
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 6 * Math.cos(a - 0.4), y1 - 6 * Math.sin(a - 0.4));
      ctx.moveTo(x1, y1);
      ctx.lineTo(x1 - 6 * Math.cos(a + 0.4), y1 - 6 * Math.sin(a + 0.4));
      ctx.stroke();
    }
  }
  ctx.setLineDash([]);
  ctx.lineWidth = 1;
}

/** Zoomed out: per lane and 2-pixel column, how many messages were sent (blue) and dropped (red). */
function drawDensity(ctx: CanvasRenderingContext2D, m: Messages, view: FlowView, f: FlowFilter, lo: number, hi: number): void {
  const cols = Math.max(1, Math.ceil((view.width - LEFT) / 2));
  const lanes = m.lanes.length;
  const sends = new Uint32Array(cols * lanes);
  const drops = new Uint32Array(cols * lanes);
  for (let i = lo; i < hi; i++) {
    if (!shown(m, i, f)) continue;
    const col = Math.floor((timeX(view, m.sent[i] as number) - LEFT) / 2);
    if (col < 0 || col >= cols) continue;
    sends[(m.src[i] as number) * cols + col]! += 1;
    if (m.status[i] === 1) drops[(m.at[i] as number) * cols + col]! += 1;
  }
  let max = 1;
  for (const v of sends) if (v > max) max = v;
  const band = Math.max(2, view.laneHeight * 0.7);
  for (let lane = 0; lane < lanes; lane++) {
    const y = laneY(view, lane) - band / 2;
    for (let col = 0; col < cols; col++) {
      const s = sends[lane * cols + col] as number;
      const d = drops[lane * cols + col] as number;
      if (s > 0) {
        ctx.fillStyle = `rgba(46,98,217,${0.15 + (0.85 * Math.log1p(s)) / Math.log1p(max)})`;
        ctx.fillRect(LEFT + col * 2, y, 2, band);
      }
      if (d > 0) {
        ctx.fillStyle = 'rgba(196,50,10,0.9)';
        ctx.fillRect(LEFT + col * 2, y + band - 2, 2, 2);
      }
    }
  }
}
