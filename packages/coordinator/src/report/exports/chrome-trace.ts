/**
 * `trace.json`: the run in the Chrome Trace Event format, which Perfetto (ui.perfetto.dev) and
 * chrome://tracing open. One process, the run; a track (thread) per node and one for the faults.
 * Each message is a short slice at its sender and, when delivered, one at its destination, joined
 * by a flow arrow; a dropped message is an instant at the node that dropped it, when it would have
 * arrived; each fault period is an async span on the faults track (fault periods may overlap, which
 * slices on one track may not). Times are microseconds from the start.
 */
import type { FaultPeriod, MessageLine } from '@agentnet/protocol';

export const TRACE_FILE = 'trace.json';

/** The track of the faults; nodes follow from 1, in node id order. */
const FAULTS_TID = 0;
const PID = 1;
/** A message's slices last a microsecond: a point on the track that a flow arrow can bind to. */
const SLICE_US = 1;

export interface TraceEvent {
  name: string;
  ph: 'X' | 's' | 'f' | 'i' | 'M' | 'b' | 'e';
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  id?: number;
  cat?: string;
  bp?: 'e';
  s?: 't';
  args?: Record<string, unknown>;
}

export interface TraceRun {
  runId: string;
  /** Epoch ms the run's traffic started: ts 0. */
  startedAt: number;
  nodes: readonly string[];
  faultPeriods: readonly FaultPeriod[];
}

/**
 * The file's events as JSON texts, one at a time: the tracks' names, the fault periods, then every
 * message (built by hand: a million messages are four million events, and JSON.stringify of an
 * object per event doubles the time).
 */
export function* traceEvents(run: TraceRun, lines: readonly MessageLine[]): Generator<string> {
  const tids = new Map(run.nodes.map((id, i) => [id, i + 1]));
  /** Tracks made on the way, whose names are still to be written. */
  const named: string[] = [];
  const tidOf = (node: string): number => {
    let tid = tids.get(node);
    // A workload client, or a node the run did not list: a track of its own.
    if (tid === undefined) {
      tids.set(node, (tid = tids.size + 1));
      named.push(JSON.stringify({ name: 'thread_name', ph: 'M', pid: PID, tid, args: { name: node } }));
    }
    return tid;
  };
  const us = (epochMs: number): number => Math.round((epochMs - run.startedAt) * 1000);
  const json = (e: TraceEvent): string => JSON.stringify(e);
  yield json({ name: 'process_name', ph: 'M', pid: PID, tid: FAULTS_TID, args: { name: `agentnet run ${run.runId}` } });
  yield json({ name: 'thread_name', ph: 'M', pid: PID, tid: FAULTS_TID, args: { name: 'faults' } });
  for (const node of run.nodes) yield json({ name: 'thread_name', ph: 'M', pid: PID, tid: tidOf(node), args: { name: node } });
  for (const [k, p] of run.faultPeriods.entries()) {
    const span = { name: p.name, cat: 'fault', id: k + 1, pid: PID, tid: FAULTS_TID };
    yield json({ ...span, ph: 'b', ts: Math.round(p.start_ms * 1000), args: { kind: p.kind, detail: p.detail } });
    yield json({ ...span, ph: 'e', ts: Math.round(Math.max(p.end_ms * 1000, p.start_ms * 1000 + SLICE_US)) });
  }
  let flow = 0;
  for (const m of lines) {
    const type = JSON.stringify(m.type ?? 'message').slice(1, -1);
    const id = JSON.stringify(m.id);
    const sentTs = us(m.sent_at);
    const src = tidOf(m.src);
    const dest = tidOf(m.dest);
    yield* named.splice(0);
    yield `{"name":"send ${type}","cat":"message","ph":"X","pid":${PID},"tid":${src},"ts":${sentTs},"dur":${SLICE_US},"args":{"id":${id},"dest":${JSON.stringify(m.dest)},"status":"${m.status}","delay_ms":${m.delay_ms}}}`;
    if (m.status === 'delivered' && m.received_at !== null) {
      const k = ++flow;
      const receivedTs = Math.max(us(m.received_at), sentTs + SLICE_US);
      yield `{"name":"message","cat":"message","ph":"s","id":${k},"pid":${PID},"tid":${src},"ts":${sentTs}}`;
      yield `{"name":"receive ${type}","cat":"message","ph":"X","pid":${PID},"tid":${dest},"ts":${receivedTs},"dur":${SLICE_US},"args":{"id":${id},"src":${JSON.stringify(m.src)},"latency_ms":${m.latency_ms},"hops":${m.hops}}}`;
      yield `{"name":"message","cat":"message","ph":"f","bp":"e","id":${k},"pid":${PID},"tid":${dest},"ts":${receivedTs}}`;
    } else if (m.status === 'dropped') {
      const at = tidOf(m.dropped_by ?? m.src);
      yield* named.splice(0);
      yield json({ name: `drop ${m.drop_reason ?? 'unknown'}`, cat: 'drop', ph: 'i', s: 't', pid: PID, tid: at, ts: us(m.sent_at + m.delay_ms), args: { id: m.id, src: m.src, dest: m.dest, ...(m.refusal ? { refusal: m.refusal } : {}) } });
    }
  }
}
