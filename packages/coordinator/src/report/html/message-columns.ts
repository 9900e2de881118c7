/**
 * Every message of messages.jsonl as columns for the page's message-flow diagram: typed arrays in
 * base64, sorted by send time (the page finds a time window by binary search). A million messages
 * take 30 bytes each; their ids and their distinct bodies go apart, read only when a message is clicked.
 */
import type { MessageLine } from '@agentnet/protocol';
import { BODY_BUDGET_CHARS, MAX_TYPES, MESSAGE_STATUS_CODES, NO_BODY, NO_INDEX_16, NO_INDEX_8, OTHER_TYPES, type MessageColumns } from './page-model.js';

const b64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

/** Hands out a stable small number per distinct name, in order of first sight. */
class NameTable {
  readonly names: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(initial: readonly string[] = []) {
    for (const name of initial) this.of(name);
  }

  /** `limit`: past this many names, every new one is `overflow`'s. */
  has(name: string): boolean {
    return this.index.has(name);
  }

  of(name: string, limit = Infinity, overflow = ''): number {
    let i = this.index.get(name);
    if (i === undefined && this.names.length >= limit - 1) return this.of(overflow);
    if (i === undefined) {
      i = this.names.length;
      this.names.push(name);
      this.index.set(name, i);
    }
    return i;
  }
}

export interface EncodedMessages {
  columns: MessageColumns;
  /** The messages' ids, one per line in the columns' order. */
  ids: string;
  /** The distinct bodies the `body` column points into. */
  bodies: string[];
}

/** `nodes`: the run's nodes, whose lanes come first in this order; clients follow as met. */
export function encodeMessages(lines: readonly MessageLine[], startedAt: number, nodes: readonly string[]): EncodedMessages {
  const order = Array.from(lines.keys()).sort((a, b) => (lines[a] as MessageLine).sent_at - (lines[b] as MessageLine).sent_at || a - b);
  const n = order.length;
  // Lanes: the run's nodes in their order, then everyone else (workload clients) in natural order.
  const others = new Set<string>();
  for (const m of lines) for (const id of [m.src, m.dest]) others.add(id);
  for (const id of nodes) others.delete(id);
  const collator = new Intl.Collator('en', { numeric: true });
  const lanes = new NameTable([...nodes, ...[...others].sort(collator.compare)]);
  const types = new NameTable();
  const reasons = new NameTable();
  const sent = new Float32Array(n);
  const received = new Float32Array(n);
  const delay = new Float32Array(n);
  const latency = new Float32Array(n);
  const src = new Uint16Array(n);
  const dest = new Uint16Array(n);
  const at = new Uint16Array(n);
  const type = new Uint16Array(n);
  const status = new Uint8Array(n);
  const reason = new Uint8Array(n);
  const dups = new Uint8Array(n);
  const body = new Uint32Array(n).fill(NO_BODY);
  const bodies = new NameTable();
  let bodyChars = 0;
  const leftOut = new Set<string>();
  const ids: string[] = new Array<string>(n);
  let maxSpan = 0;
  order.forEach((k, i) => {
    const m = lines[k] as MessageLine;
    ids[i] = m.id;
    sent[i] = m.sent_at - startedAt;
    received[i] = m.received_at === null ? Number.NaN : m.received_at - startedAt;
    if (m.received_at !== null) maxSpan = Math.max(maxSpan, m.received_at - m.sent_at);
    delay[i] = m.delay_ms;
    latency[i] = m.latency_ms ?? Number.NaN;
    src[i] = lanes.of(m.src);
    dest[i] = lanes.of(m.dest);
    status[i] = MESSAGE_STATUS_CODES[m.status];
    at[i] = m.status === 'dropped' ? lanes.of(m.dropped_by ?? m.src) : NO_INDEX_16;
    reason[i] = m.drop_reason === null ? NO_INDEX_8 : reasons.of(m.drop_reason);
    type[i] = m.type === undefined ? NO_INDEX_16 : types.of(m.type, MAX_TYPES, OTHER_TYPES);
    dups[i] = Math.min(255, m.duplicates);
    if (m.body !== undefined) {
      // Identical bodies (a flood's) are kept once; past the budget, new ones stay in messages.jsonl only.
      if (bodyChars + m.body.length <= BODY_BUDGET_CHARS || bodies.has(m.body)) {
        const before = bodies.names.length;
        body[i] = bodies.of(m.body);
        if (bodies.names.length > before) bodyChars += m.body.length;
      } else leftOut.add(m.body);
    }
  });
  const columns: MessageColumns = {
    count: n,
    lanes: lanes.names,
    types: types.names,
    reasons: reasons.names,
    sent: b64(sent),
    received: b64(received),
    delay: b64(delay),
    latency: b64(latency),
    src: b64(src),
    dest: b64(dest),
    at: b64(at),
    type: b64(type),
    status: b64(status),
    reason: b64(reason),
    dups: b64(dups),
    body: b64(body),
    bodies_left_out: leftOut.size,
    max_span_ms: maxSpan,
  };
  return { columns, ids: ids.join('\n'), bodies: bodies.names };
}
