/** The run's data as the page's code reads it: the model, and every message decoded into typed arrays. */
import { NO_BODY, type MessageColumns, type PageModel } from '../../report/html/page-model.js';

export interface Messages {
  count: number;
  lanes: string[];
  types: string[];
  reasons: string[];
  sent: Float32Array;
  received: Float32Array;
  delay: Float32Array;
  latency: Float32Array;
  /** The messages in flight at the stop, in send order: their stubs reach any later window. */
  inFlight: Int32Array;
  src: Uint16Array;
  dest: Uint16Array;
  at: Uint16Array;
  type: Uint16Array;
  status: Uint8Array;
  reason: Uint8Array;
  dups: Uint8Array;
  maxSpan: number;
  /** The messages' ids, parsed on first use (only a click needs them). */
  id(i: number): string;
  /** The message's body as journaled (JSON, cut), parsed on first use; undefined when the page has none. */
  body(i: number): string | undefined;
  bodiesLeftOut: number;
}

function jsonOf<T>(id: string): T {
  const el = document.getElementById(id);
  if (!el?.textContent) throw new Error(`report.html has no #${id} data`);
  return JSON.parse(el.textContent) as T;
}

function bytes(b64: string): ArrayBuffer {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
}

export function loadModel(): PageModel {
  return jsonOf<PageModel>('model');
}

function inFlightOf(status: Uint8Array): Int32Array {
  let n = 0;
  for (const s of status) if (s === 2) n++;
  const out = new Int32Array(n);
  for (let i = 0, k = 0; i < status.length; i++) if (status[i] === 2) out[k++] = i;
  return out;
}

export function loadMessages(): Messages {
  const c = jsonOf<MessageColumns>('messages');
  const status = new Uint8Array(bytes(c.status));
  let ids: string[] | undefined;
  let bodies: string[] | undefined;
  const bodyIndex = new Uint32Array(bytes(c.body));
  return {
    count: c.count,
    lanes: c.lanes,
    types: c.types,
    reasons: c.reasons,
    sent: new Float32Array(bytes(c.sent)),
    received: new Float32Array(bytes(c.received)),
    delay: new Float32Array(bytes(c.delay)),
    latency: new Float32Array(bytes(c.latency)),
    inFlight: inFlightOf(status),
    src: new Uint16Array(bytes(c.src)),
    dest: new Uint16Array(bytes(c.dest)),
    at: new Uint16Array(bytes(c.at)),
    type: new Uint16Array(bytes(c.type)),
    status,
    reason: new Uint8Array(bytes(c.reason)),
    dups: new Uint8Array(bytes(c.dups)),
    maxSpan: c.max_span_ms,
    bodiesLeftOut: c.bodies_left_out,
    body(i: number): string | undefined {
      const k = bodyIndex[i] as number;
      if (k === NO_BODY) return undefined;
      bodies ??= jsonOf<string[]>('message-bodies');
      return bodies[k];
    },
    id(i: number): string {
      ids ??= jsonOf<string>('message-ids').split('\n');
      return ids[i] ?? '?';
    },
  };
}

/** Element helper: a tag with attributes and children (text is escaped by the DOM). */
export function h(tag: string, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and, as its tooltip, a title. */
export function svg(tag: string, attrs: Record<string, string | number>, title?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (title) {
    const t = document.createElementNS(SVG, 'title');
    t.textContent = title;
    el.append(t);
  }
  return el;
}

export function sectionBody(id: string): HTMLElement {
  const el = document.querySelector<HTMLElement>(`#${id} .body`);
  if (!el) throw new Error(`report.html has no #${id} section`);
  return el;
}

/** Hides a section that has nothing to show for this run, saying why in the page's outline. */
export function hideSection(id: string): void {
  const el = document.getElementById(id);
  if (el) el.hidden = true;
}

export const PALETTE = ['#2e62d9', '#e8710a', '#12805c', '#c4320a', '#7e3bd0', '#0e9aa7', '#b54708', '#d6336c', '#5c7cfa', '#2b8a3e', '#868e96', '#a61e4d'];
export const colorOf = (i: number): string => PALETTE[i % PALETTE.length] as string;
/** Drop reasons get warm colours of their own, apart from the body types' palette. */
const REASON_PALETTE = ['#c4320a', '#b54708', '#d6336c', '#a61e4d', '#e8590c', '#862e9c', '#5f3dc4', '#c92a2a', '#7c2d12'];
export const reasonColorOf = (i: number): string => REASON_PALETTE[i % REASON_PALETTE.length] as string;
/** An arrow whose body type the journal did not record. */
export const UNTYPED_COLOR = '#667085';
export const fmtMs = (ms: number): string => (Math.abs(ms) >= 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
