/**
 * One client of the kv workload, a Jepsen process: it has at most one operation outstanding, and
 * issues its k-th operation (decided by the seed) when it is due and the previous one completed.
 * Each operation goes to the node the seed names, over a link this client opened to that node
 * (again, after the node restarted); every outcome lands in the history: `ok`, `fail` when the
 * operation certainly did not happen (a definite error, a node it could not reach), `info` when it
 * may have (no reply in time, the link lost, a crash error, a reply it could not read).
 */
import { ErrorCode, FINAL_READ_RETRY_MS, isDefiniteError, type ClientReplyBody, type HistoryEntry, type Logger, type OpF, type RunSecret } from '@agentnet/protocol';
import type { Ledger } from '../report/ledger.js';
import type { RunIdentity } from '../security/run-identity.js';
import { BadReplyError, ClientLink, LinkLostError, NotSentError } from './client-link.js';
import type { Completion, History } from './history.js';
import { finalReadNode, plannedOp } from './kv-generator.js';
import type { WorkloadSettings } from './settings.js';

export interface KvClientContext {
  seed: number;
  settings: WorkloadSettings;
  nodeIds: readonly string[];
  /** Where a node can be reached now, or why it cannot. */
  locate: (node: string) => { url: string } | { down: string };
  ledger: Ledger;
  log: Logger;
  /** The run secret (`--security on`): proven in each link's hello. */
  secret: RunSecret | undefined;
  /** The clients' certificates (`--security on`): each link is TLS. */
  identity?: RunIdentity | undefined;
  history: History;
  /** The latest value any client saw for each key: what a cas expects to find. */
  known: Map<number, number>;
}

export interface FinalRead {
  key: number;
  ok: boolean;
  value: number | null;
  node: string | null;
  attempts: number;
}

export class KvClient {
  readonly id: string;
  private readonly links = new Map<string, ClientLink>();
  private msgId = 0;
  private k = 0;
  private issuing = false;
  private halted = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    readonly index: number,
    private readonly c: KvClientContext,
  ) {
    this.id = `c${index}`;
  }

  start(): void {
    this.issuing = true;
    this.loop = this.issue();
  }

  /** No new operations; resolves when the outstanding one, if any, has completed. */
  stopIssuing(): Promise<void> {
    this.issuing = false;
    this.wake?.();
    return this.loop;
  }

  /** Stops everything at once (the run was interrupted): no more retries either. */
  halt(): void {
    this.halted = true;
    void this.stopIssuing();
  }

  close(): void {
    for (const link of this.links.values()) link.close();
  }

  private async issue(): Promise<void> {
    let last = performance.now();
    while (this.issuing) {
      const plan = plannedOp(this.c.seed, this.c.settings, this.c.nodeIds, this.index, this.k);
      await this.sleep(last + plan.waitMs - performance.now());
      if (!this.issuing) return;
      this.k++;
      last = performance.now();
      await this.perform(plan.f, plan.key, plan.node, plan.value, false);
    }
  }

  /**
   * Reads each key until a read is `ok` or `deadline` (performance.now() ms) has passed: every key
   * once, then those not read yet again, in rounds, so one key that cannot be read does not starve
   * the others.
   */
  async finalReads(keys: readonly number[], deadline: number): Promise<FinalRead[]> {
    const reads: FinalRead[] = keys.map((key) => ({ key, ok: false, value: null, node: null, attempts: 0 }));
    for (let round = 0; !this.halted; round++) {
      const unread = reads.filter((r) => !r.ok);
      if (unread.length === 0 || (round > 0 && performance.now() >= deadline)) break;
      if (round > 0) await this.sleep(Math.min(FINAL_READ_RETRY_MS, deadline - performance.now()));
      for (const read of unread) {
        if (this.halted || (round > 0 && performance.now() >= deadline)) break;
        read.node = finalReadNode(this.c.seed, this.c.nodeIds, read.key, read.attempts++);
        const done = await this.perform('read', read.key, read.node, 0, true);
        if (done?.type === 'ok') {
          read.ok = true;
          read.value = done.value as number | null;
        }
      }
    }
    for (const r of reads) this.c.log.info({ client: this.id, key: r.key, ok: r.ok, value: r.value, node_id: r.node, attempts: r.attempts }, 'final_read');
    return reads;
  }

  /** One operation from invoke to completion; undefined when the run ended before it completed. */
  private async perform(f: OpF, key: number, node: string, value: number, final: boolean): Promise<HistoryEntry | undefined> {
    const from = this.c.known.get(key) ?? 0;
    const body = f === 'read' ? { type: f, key } : f === 'write' ? { type: f, key, value } : { type: f, key, from, to: value };
    const invoke = this.c.history.invoke({ process: this.id, f, key, value: f === 'read' ? null : f === 'write' ? value : [from, value], node, final });
    const done = this.c.history.complete(invoke, await this.attempt(node, body, f));
    if (done?.type === 'ok') {
      const seen = f === 'read' ? (done.value as number | null) : value;
      if (seen !== null) this.c.known.set(key, seen);
    }
    if (done) this.c.log.debug({ client: this.id, f, key, node_id: node, type: done.type, ms: Math.round(done.time_ms - invoke.time_ms), error: done.error }, 'op');
    return done;
  }

  private async attempt(node: string, body: { type: OpF; [key: string]: unknown }, f: OpF): Promise<Completion> {
    const timeoutMs = this.c.settings.opTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    const where = this.c.locate(node);
    if ('down' in where) return { type: 'fail', error: { code: ErrorCode.temporarily_unavailable, text: where.down } };
    let msg: string | undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      const link = await this.linkTo(node, where.url, timeoutMs);
      const sent = link.request(body);
      msg = sent.msg;
      const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), deadline - performance.now())));
      const reply = await Promise.race([sent.reply, timedOut]);
      if (reply !== 'timeout') return { ...outcomeOf(f, reply), msg };
      link.forget(sent.msgId);
      return { type: 'info', error: { code: ErrorCode.timeout, text: `no reply from ${node} within ${timeoutMs} ms` }, msg };
    } catch (err) {
      const text = (err as Error).message;
      const known = msg === undefined ? {} : { msg };
      if (err instanceof NotSentError) return { type: 'fail', error: { code: ErrorCode.temporarily_unavailable, text }, ...known };
      if (err instanceof LinkLostError) return { type: 'info', error: { code: ErrorCode.crash, text }, ...known };
      if (err instanceof BadReplyError) return { type: 'info', error: { code: ErrorCode.malformed_request, text }, ...known };
      // Nothing else is expected here; if it comes, the operation's fate is unknown, and the client goes on.
      this.c.log.error({ err, client: this.id, node_id: node }, 'client_failed');
      return { type: 'info', error: { code: ErrorCode.crash, text }, ...known };
    } finally {
      clearTimeout(timer);
    }
  }

  /** This client's link to `node` at `url`: the open one, or a new one (the node restarted, or the link was lost). */
  private async linkTo(node: string, url: string, timeoutMs: number): Promise<ClientLink> {
    const known = this.links.get(node);
    if (known?.usable && known.url === url) return known;
    known?.close();
    const tls = await this.c.identity?.clientTls(this.id, node);
    const link = await ClientLink.open({ client: this.id, node, url, ledger: this.c.ledger, log: this.c.log, secret: this.c.secret, tls, nextMsgId: () => ++this.msgId }, timeoutMs);
    this.links.set(node, link);
    return link;
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.halted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/** What a reply means for the operation: a read of a key that does not exist reads nothing. */
export function outcomeOf(f: OpF, reply: ClientReplyBody): Completion {
  if (reply.type === 'error') {
    // Maelstrom's clients count error 20 on a read as a failure; here it is what it says, a read
    // that found no value, so a final read can show an acknowledged write that was lost.
    if (f === 'read' && reply.code === ErrorCode.key_does_not_exist) return { type: 'ok', value: null };
    return { type: isDefiniteError(reply.code) ? 'fail' : 'info', error: { code: reply.code, text: reply.text } };
  }
  if (f === 'read' && reply.type === 'read_ok') return { type: 'ok', value: reply.value };
  if ((f === 'write' && reply.type === 'write_ok') || (f === 'cas' && reply.type === 'cas_ok')) return { type: 'ok' };
  return { type: 'info', error: { code: ErrorCode.malformed_request, text: `unexpected reply ${reply.type} to a ${f}` } };
}
