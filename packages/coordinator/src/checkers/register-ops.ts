/**
 * A history as the linearizability search needs it: per key, each operation once, with the time
 * it was invoked and the time it completed, and how to describe it so a reader finds it in
 * history.jsonl. `fail` operations are left out (they did not happen); so are reads that did not
 * complete `ok` (they change nothing and saw nothing). An `info` write or cas may have happened at
 * any time after its invoke, or never: it completes at infinity and may stay out of the order.
 */
import type { HistoryEntry, KvKey, OpF } from '@agentnet/protocol';

export interface RegisterOp {
  /** Position among the key's operations (its bit in the search's set of placed operations). */
  id: number;
  f: OpF;
  /** write: the value; read: the value read (null: none); cas: [from, to]. */
  value: number | null | readonly [number, number];
  /** ms since start of the invoke, and of the completion (Infinity for `info`). */
  call: number;
  ret: number;
  info: boolean;
  process: string;
  node: string;
  /** Line of the invoke in history.jsonl. */
  index: number;
  final: boolean;
}

/** The register's value: null while the key does not exist. */
export type RegisterState = number | null;

/** The state after `op`, or undefined when `op` cannot happen in `state`. */
export function stepRegister(state: RegisterState, op: RegisterOp): RegisterState | undefined {
  switch (op.f) {
    case 'write':
      return op.value as number;
    case 'read':
      return op.value === state ? state : undefined;
    case 'cas': {
      const [from, to] = op.value as readonly [number, number];
      return state === from ? to : undefined;
    }
  }
}

/** The history's operations by key (keys in order of first appearance), each key's in invoke order. */
export function registerOpsByKey(history: readonly HistoryEntry[]): Map<string, { key: KvKey; ops: RegisterOp[] }> {
  const invokes = new Map<number, HistoryEntry>();
  const byKey = new Map<string, { key: KvKey; ops: RegisterOp[] }>();
  for (const e of history) {
    if (e.type === 'invoke') {
      invokes.set(e.index, e);
      continue;
    }
    const invoke = e.invoke_index === undefined ? undefined : invokes.get(e.invoke_index);
    if (!invoke || e.type === 'fail' || (e.f === 'read' && e.type !== 'ok')) continue;
    const name = JSON.stringify(invoke.key);
    let group = byKey.get(name);
    if (!group) byKey.set(name, (group = { key: invoke.key, ops: [] }));
    const value = invoke.f === 'read' ? (e.value as number | null) : (invoke.value as number | [number, number]);
    group.ops.push({
      id: 0,
      f: invoke.f,
      value,
      call: invoke.time_ms,
      ret: e.type === 'info' ? Infinity : e.time_ms,
      info: e.type === 'info',
      process: invoke.process,
      node: invoke.node,
      index: invoke.index,
      final: invoke.final === true,
    });
  }
  for (const group of byKey.values()) {
    group.ops.sort((a, b) => a.call - b.call || a.index - b.index);
    group.ops.forEach((op, i) => (op.id = i));
  }
  return byKey;
}

const valueText = (v: number | null) => (v === null ? 'nothing' : String(v));

/** `c3 read 17 (history 40, 1203-1310 ms)`: enough to find the operation in history.jsonl. */
export function describeOp(op: RegisterOp): string {
  const what = op.f === 'cas' ? `cas ${(op.value as readonly [number, number]).join('->')}` : `${op.f} ${valueText(op.value as number | null)}`;
  const when = op.info ? `${Math.round(op.call)} ms-, info` : `${Math.round(op.call)}-${Math.round(op.ret)} ms`;
  return `${op.process} ${what}${op.final ? ' (final read)' : ''} (history ${op.index}, ${when})`;
}

export function describeState(state: RegisterState): string {
  return state === null ? 'no value' : String(state);
}
