/**
 * Stable storage for a behaviour (`node.storage`): values by key and append-only lists that a
 * node's later processes find again after a crash and restart. Raft keeps its term, vote and log
 * here (figure 2's "persistent state on all servers").
 *
 * One write-ahead file per node, `<run dir>/<node>.storage.jsonl`, a JSON line per change. Every
 * change is written with a synchronous `write(2)` before the call returns, so it outlives a
 * SIGKILL of the process the moment the call returns: the kernel holds it even if the process
 * dies on the next instruction. It is not fsynced, so it does not outlive the machine; agentnet
 * crashes processes, not hosts. A torn last line (a process killed inside write) is ignored.
 * A new process reads the file back and rewrites it compacted, so the file does not grow with
 * truncations and overwritten values.
 */
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { z } from 'zod';

const Change = z.discriminatedUnion('op', [
  z.object({ op: z.literal('set'), key: z.string(), value: z.unknown() }),
  z.object({ op: z.literal('append'), list: z.string(), items: z.array(z.unknown()) }),
  z.object({ op: z.literal('truncate'), list: z.string(), length: z.number().int().nonnegative() }),
]);
type Change = z.infer<typeof Change>;

/** A durable append-only list: what it holds is on storage once `append` or `truncate` returns. */
export interface DurableList {
  readonly length: number;
  /** The item at `index` (0-based). */
  at(index: number): unknown;
  /** All items, oldest first (a copy). */
  items(): unknown[];
  append(...items: unknown[]): void;
  /** Keeps the first `length` items. */
  truncate(length: number): void;
}

export interface NodeStorage {
  /** What was last set under `key` by this process or an earlier one of the node; undefined if nothing. */
  get(key: string): unknown;
  /** Stores `value` (JSON) under `key`; on storage when this returns. */
  set(key: string, value: unknown): void;
  /** The durable list `name`, created empty if no process of the node wrote to it. */
  list(name: string): DurableList;
}

export class StorageFileError extends Error {
  constructor(path: string, line: number, why: string) {
    super(`storage file ${path}, line ${line}: ${why}`);
    this.name = 'StorageFileError';
  }
}

export class StorageClosedError extends Error {
  constructor(path: string) {
    super(`storage ${path} is closed: the behaviour has stopped`);
    this.name = 'StorageClosedError';
  }
}

/**
 * Opens the node's storage at `path`. `fresh` (a node's first process) starts it empty; a restarted
 * process gets what its predecessors stored.
 */
export function openNodeStorage(path: string, fresh: boolean): NodeStorage & { close(): void } {
  const values = new Map<string, unknown>();
  const lists = new Map<string, unknown[]>();
  if (fresh) rmSync(path, { force: true });
  else if (existsSync(path)) replay(path, values, lists);
  // Rewritten compacted, then appended to: a write never has to find its place in the file.
  const tmp = `${path}.tmp`;
  const compacted = [...[...values].map(([key, value]): Change => ({ op: 'set', key, value })), ...[...lists].map(([list, items]): Change => ({ op: 'append', list, items }))];
  const out = openSync(tmp, 'w');
  if (compacted.length > 0) writeSync(out, compacted.map((c) => JSON.stringify(c)).join('\n') + '\n');
  closeSync(out);
  renameSync(tmp, path);
  const fd = openSync(path, 'a');
  let open = true;
  return {
    ...storageOver(values, lists, (change) => {
      if (!open) throw new StorageClosedError(path);
      writeSync(fd, JSON.stringify(change) + '\n');
    }),
    close() {
      if (open) closeSync(fd);
      open = false;
    },
  };
}

/** Storage held in memory, for in-memory test networks: keep the object to "restart" with it. */
export function createMemoryStorage(): NodeStorage {
  return storageOver(new Map(), new Map(), () => {});
}

/** The storage API over its values and lists; `write` makes each change durable before it is applied. */
function storageOver(values: Map<string, unknown>, lists: Map<string, unknown[]>, write: (change: Change) => void): NodeStorage {
  const listOf = (name: string): unknown[] => {
    let items = lists.get(name);
    if (!items) {
      items = [];
      lists.set(name, items);
    }
    return items;
  };
  return {
    get: (key) => values.get(key),
    set(key, value) {
      write({ op: 'set', key, value });
      values.set(key, value);
    },
    list(name) {
      const items = listOf(name);
      return {
        get length() {
          return items.length;
        },
        at: (index) => items[index],
        items: () => [...items],
        append(...more) {
          if (more.length === 0) return;
          write({ op: 'append', list: name, items: more });
          for (const item of more) items.push(item);
        },
        truncate(length) {
          if (length >= items.length) return;
          write({ op: 'truncate', list: name, length });
          items.length = length;
        },
      };
    },
  };
}

function replay(path: string, values: Map<string, unknown>, lists: Map<string, unknown[]>): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  // The text after the last newline is a write that a kill cut short, or nothing.
  const complete = lines.slice(0, -1);
  complete.forEach((line, i) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new StorageFileError(path, i + 1, 'not JSON');
    }
    const r = Change.safeParse(parsed);
    if (!r.success) throw new StorageFileError(path, i + 1, r.error.issues[0]?.message ?? 'not a change');
    const c = r.data;
    if (c.op === 'set') values.set(c.key, c.value);
    else if (c.op === 'append') {
      const items = lists.get(c.list) ?? [];
      for (const item of c.items) items.push(item);
      lists.set(c.list, items);
    } else lists.get(c.list)?.splice(c.length);
  });
}
