/**
 * Reliable-broadcast nodes on an in-memory full mesh for unit tests (with fake timers): real node
 * APIs and the real behaviour, each message delivered after a seeded 1-5 ms delay unless a cut or
 * a dead node loses it; crash and restart a node (the new process has only the node's storage);
 * and every event
 * the nodes record, as a run's events.jsonl would hold them.
 */
import { createLogger, keyedRng } from '@agentnet/protocol';
import type { Behavior, Incoming, NodeHandle } from '../behavior.js';
import { createApiBehavior } from '../node-api.js';
import { createMemoryStorage, type NodeStorage } from '../node-storage.js';
import { createReliableBroadcast } from './reliable-broadcast.js';

const { log } = createLogger({ role: 'node', level: 'silent', pretty: false });

export interface RecordedEvent {
  at: number;
  node: string;
  kind: string;
  data: Record<string, unknown>;
}

export class BroadcastNetwork {
  readonly ids: string[];
  readonly events: RecordedEvent[] = [];
  /** Every message sent, by type. */
  readonly sent = new Map<string, number>();
  private readonly nodes = new Map<string, Behavior>();
  /** Directed links that lose everything: "src>dest". */
  private readonly cuts = new Set<string>();
  private readonly delays = keyedRng(5, 'broadcast-network');
  private msgIds = 0;
  private readonly storages = new Map<string, NodeStorage>();
  private readonly incarnations = new Map<string, number>();

  constructor(
    n: number,
    private readonly antiEntropy: boolean,
  ) {
    this.ids = Array.from({ length: n }, (_, i) => `n${i}`);
    for (const id of this.ids) this.boot(id);
  }

  /** Cuts every link between the groups (both ways); links inside a group stay. */
  partition(...groups: string[][]): void {
    for (const a of groups) for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.cuts.add(`${x}>${y}`);
  }

  heal(): void {
    this.cuts.clear();
  }

  crash(id: string): void {
    this.nodes.get(id)?.stop();
    this.nodes.delete(id);
  }

  restart(id: string): void {
    this.crash(id);
    this.boot(id);
  }

  stop(): void {
    for (const id of [...this.nodes.keys()]) this.crash(id);
  }

  /** Per node, the values it holds now: its last boot's broadcast and hold events. */
  holdings(): Map<string, Set<string>> {
    const held = new Map<string, Set<string>>();
    for (const e of this.events) {
      if (e.kind === 'boot') held.set(e.node, new Set());
      else if (e.kind === 'broadcast' || e.kind === 'hold') held.get(e.node)?.add(String(e.data.value));
    }
    return held;
  }

  /** Every value some node broadcast at or before `at`. */
  broadcastBy(at: number): string[] {
    return this.events.filter((e) => e.kind === 'broadcast' && e.at <= at).map((e) => String(e.data.value));
  }

  private boot(id: string): void {
    const peers = this.ids.filter((p) => p !== id);
    const incarnation = this.incarnations.has(id) ? (this.incarnations.get(id) as number) + 1 : 0;
    this.incarnations.set(id, incarnation);
    const storage = this.storages.get(id) ?? createMemoryStorage();
    this.storages.set(id, storage);
    const handle: NodeHandle = {
      id,
      peers,
      destinations: peers,
      seed: 3,
      incarnation,
      storage: () => storage,
      backlog: () => 0,
      send: (dest, body) => {
        const msgId = ++this.msgIds;
        this.sent.set(body.type, (this.sent.get(body.type) ?? 0) + 1);
        // A JSON round trip, as on the wire: nothing shared between the nodes' memories.
        const msg: Incoming = { src: id, dest, id: `${id}-${msgId}`, body: JSON.parse(JSON.stringify({ ...body, msg_id: msgId })) as Incoming['body'] };
        const target = this.nodes.get(dest);
        if (!this.cuts.has(`${id}>${dest}`)) setTimeout(() => this.nodes.get(dest) === target && target?.handle(msg), 1 + this.delays.int(5));
        return msg.id as string;
      },
    };
    const record = (kind: string, data: Record<string, unknown>) => this.events.push({ at: Date.now(), node: id, kind, data });
    const node = createApiBehavior(handle, this.ids, log, (api) => createReliableBroadcast(api, { antiEntropy: this.antiEntropy }), record);
    this.nodes.set(id, node);
    node.start();
  }
}
