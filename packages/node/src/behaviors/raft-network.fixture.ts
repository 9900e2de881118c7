/**
 * Raft servers on an in-memory network for unit tests (with fake timers): real node APIs and real
 * Raft code, messages delivered after a seeded random delay, in order on each link as on a run
 * without --reorder, unless a cut or a dead node loses them; crash and restart a node (the restarted process gets what its predecessors stored, and
 * the next incarnation in its message ids, as on a real cluster); and every event the servers record.
 */
import { createLogger, keyedRng } from '@agentnet/protocol';
import type { Behavior, Incoming, NodeHandle } from '../behavior.js';
import { createApiBehavior } from '../node-api.js';
import { createMemoryStorage, type NodeStorage } from '../node-storage.js';
import { createRaftServer, type RaftServer } from './raft.js';
import type { RaftOptions } from './raft-state.js';

const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });

export interface RecordedEvent {
  at: number;
  node: string;
  kind: string;
  data: Record<string, unknown>;
}

export class UnknownServerError extends Error {
  constructor(id: string) {
    super(`no Raft server ${id} on this network`);
    this.name = 'UnknownServerError';
  }
}

export class RaftNetwork {
  readonly ids: string[];
  readonly events: RecordedEvent[] = [];
  readonly servers = new Map<string, RaftServer>();
  private readonly behaviors = new Map<string, Behavior>();
  private readonly incarnations = new Map<string, number>();
  /** Each node's stable storage: it outlives the node's processes. */
  private readonly storages = new Map<string, NodeStorage>();
  /** Directed links that lose everything: "src>dest". */
  private readonly cuts = new Set<string>();
  private readonly delays = keyedRng(11, 'raft-network');
  /** When the last message sent on each directed link ("src>dest") is delivered: the next one is not earlier. */
  private readonly linkFree = new Map<string, number>();
  sent = 0;
  /** Every message sent, in order. */
  readonly messages: Incoming[] = [];

  constructor(
    n: number,
    private readonly options: RaftOptions & { workload?: boolean; seed?: number } = {},
  ) {
    this.ids = Array.from({ length: n }, (_, i) => `n${i}`);
    for (const id of this.ids) this.boot(id, 0);
  }

  server(id: string): RaftServer {
    const s = this.servers.get(id);
    if (!s) throw new UnknownServerError(id);
    return s;
  }

  /** Servers that lead their current term now. */
  leaders(): string[] {
    return this.ids.filter((id) => this.behaviors.has(id) && this.server(id).state.role === 'leader');
  }

  /** Cuts every link between the groups (both ways); links inside a group stay. */
  partition(...groups: string[][]): void {
    for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.cuts.add(`${x}>${y}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  /** Kills a node's process: its timers stop and what is sent to it is lost. */
  crash(id: string): void {
    this.behaviors.get(id)?.stop();
    this.behaviors.delete(id);
  }

  /** Starts a new process for the node with the next incarnation and the node's storage. */
  restart(id: string): void {
    this.crash(id);
    this.boot(id, (this.incarnations.get(id) ?? 0) + 1);
  }

  private boot(id: string, incarnation: number): void {
    this.incarnations.set(id, incarnation);
    const storage = this.storages.get(id) ?? createMemoryStorage();
    this.storages.set(id, storage);
    let seq = 0;
    // Message ids as the data path writes them: `n2-K` for a first process, `n2.I-K` after a restart.
    const prefix = incarnation === 0 ? `${id}-` : `${id}.${incarnation}-`;
    const handle: NodeHandle = {
      id,
      peers: this.ids.filter((p) => p !== id),
      destinations: this.ids.filter((p) => p !== id),
      seed: this.options.seed ?? 3,
      incarnation,
      storage: () => storage,
      backlog: () => 0,
      send: (dest, body) => {
        const k = ++seq;
        const msg: Incoming = { src: id, dest, id: `${prefix}${k}`, body: { ...body, msg_id: k } };
        this.sent++;
        this.messages.push(msg);
        const link = `${id}>${dest}`;
        const at = Math.max(Date.now() + 1 + this.delays.int(5), this.linkFree.get(link) ?? 0);
        this.linkFree.set(link, at);
        // Timers due at the same time fire in the order they were set: the link stays in order.
        setTimeout(() => {
          // A cut at delivery time loses it, as a partition drops what crosses it; so does a dead receiver.
          if (this.cuts.has(`${id}>${dest}`)) return;
          this.behaviors.get(dest)?.handle(msg);
        }, at - Date.now());
        return `${prefix}${k}`;
      },
    };
    const factory = (node: Parameters<typeof createRaftServer>[0]) => {
      const server = createRaftServer(node, this.options, this.options.workload ?? false);
      this.servers.set(id, server);
      return server;
    };
    const record = (kind: string, data: Record<string, unknown>) => this.events.push({ at: Date.now(), node: id, kind, data });
    const behavior = createApiBehavior(handle, this.ids, log, factory, record);
    this.behaviors.set(id, behavior);
    behavior.start();
  }

  /** Hands `body` to `dest` as if `src` had sent it (a message no server of this network wrote). */
  inject(src: string, dest: string, body: Incoming['body']): void {
    this.behaviors.get(dest)?.handle({ src, dest, id: `${src}-injected`, body });
  }

  /** Each node's applied entries by index ("term:key=value"), from its `apply` events (all its processes). */
  applied(): Map<string, Map<number, string>> {
    const out = new Map(this.ids.map((id) => [id, new Map<number, string>()]));
    for (const e of this.events) {
      if (e.kind !== 'apply') continue;
      out.get(e.node)?.set(Number(e.data.index), `${String(e.data.term)}:${String(e.data.key)}=${String(e.data.value)}`);
    }
    return out;
  }

  /** Indexes where two apply events (of any nodes, or one node twice) disagree on the entry. */
  conflicts(): number[] {
    const seen = new Map<number, string>();
    const bad = new Set<number>();
    for (const e of this.events) {
      if (e.kind !== 'apply') continue;
      const index = Number(e.data.index);
      const entry = `${String(e.data.term)}:${String(e.data.key)}=${String(e.data.value)}`;
      const before = seen.get(index);
      if (before !== undefined && before !== entry) bad.add(index);
      seen.set(index, before ?? entry);
    }
    return [...bad].sort((a, b) => a - b);
  }
}
