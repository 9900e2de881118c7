/**
 * The client workload of a run (`--workload kv`), in the coordinator process. Its phases follow the
 * run's: the clients start issuing operations with the traffic, stop issuing when the duration
 * ends (what is outstanding completes or times out), and after the end-of-run heal and settle each
 * key is read once more (retried within `--settle`), so an acknowledged write that was lost shows.
 * Then the history is judged: linearizable per key, and every key read at the end.
 */
import { OPEN_DURATION_MS, type Check, type HistoryEntry, type Logger, type MessageLine, type NetworkModel, type RunSecret, type WorkloadReport } from '@agentnet/protocol';
import type { RunFlags } from '../plan/cli-options.js';
import type { RunIdentity } from '../security/run-identity.js';
import type { Ledger } from '../report/ledger.js';
import type { NodeTable } from '../cluster/node-table.js';
import { nodeIds } from '../topology/topology.js';
import { History } from './history.js';
import { finalReader } from './kv-generator.js';
import { KvClient, type FinalRead } from './kv-client.js';
import { linearizableCheck } from '../checkers/linearizable.js';
import { workloadSettings, type WorkloadSettings } from './settings.js';
import { finalReadsCheck, workloadReport } from '../report/workload-report.js';

export interface WorkloadOptions {
  settings: WorkloadSettings;
  seed: number;
  nodeIds: readonly string[];
  locate: (node: string) => { url: string } | { down: string };
  ledger: Ledger;
  log: Logger;
  /** The run secret (`--security on`): the clients prove it in their hellos. */
  secret: RunSecret | undefined;
  /** The clients' certificates (`--security on`): every client link is TLS. */
  identity: RunIdentity | undefined;
  /** ms since the start of traffic. */
  elapsedMs: () => number;
  durationMs: number;
}

export interface WorkloadResult {
  report: WorkloadReport;
  checks: Check[];
}

export class Workload {
  readonly history: History;
  private readonly clients: KvClient[];
  private finals: FinalRead[] = [];

  constructor(private readonly o: WorkloadOptions) {
    this.history = new History(o.elapsedMs);
    const known = new Map<number, number>();
    const context = { seed: o.seed, settings: o.settings, nodeIds: o.nodeIds, locate: o.locate, ledger: o.ledger, log: o.log, secret: o.secret, identity: o.identity, history: this.history, known };
    this.clients = Array.from({ length: o.settings.concurrency }, (_, i) => new KvClient(i + 1, context));
  }

  /** Starts the clients; an interrupt (`signal`) stops them at once, retries included. */
  start(signal: AbortSignal): void {
    const { kind, rate, concurrency, keys, opTimeoutMs } = this.o.settings;
    this.o.log.info({ kind, rate, clients: concurrency, keys, op_timeout_ms: opTimeoutMs }, 'workload_start');
    signal.addEventListener('abort', () => this.clients.forEach((c) => c.halt()), { once: true });
    for (const c of this.clients) c.start();
  }

  /** The duration is over: no new operations. */
  stopIssuing(): void {
    for (const c of this.clients) void c.stopIssuing();
  }

  /**
   * After the heal and the settle: waits for every client's last operation, then reads every key
   * (each client the keys dealt to it, all clients at once) until read or `--settle` has passed.
   */
  async finalReads(signal: AbortSignal): Promise<'ok' | 'aborted'> {
    await Promise.all(this.clients.map((c) => c.stopIssuing()));
    const deadline = performance.now() + this.o.settings.finalReadsMs;
    const keys = Array.from({ length: this.o.settings.keys }, (_, k) => k);
    const reads = await Promise.all(this.clients.map((c) => c.finalReads(keys.filter((k) => finalReader(k, this.clients.length) === c.index), deadline)));
    this.finals = reads.flat().sort((a, b) => a.key - b.key);
    this.o.log.info({ ops: this.history.entries.filter((e) => e.type === 'invoke').length, read: this.finals.filter((f) => f.ok).length, of: this.o.settings.keys }, 'workload_done');
    return signal.aborted ? 'aborted' : 'ok';
  }

  /** The report section and the checks, once the nodes have stopped; completes what is still outstanding as `info`. */
  result(lines: readonly MessageLine[], interrupted: boolean): WorkloadResult {
    for (const c of this.clients) c.halt();
    this.history.closeOutstanding('the run stopped with the operation outstanding');
    const { settings } = this.o;
    // An open-ended run has no duration to divide by: its traffic lasted until its last operation began.
    const open = this.o.durationMs === OPEN_DURATION_MS;
    const durationMs = open ? this.history.entries.reduce((ms, e) => (e.type === 'invoke' && !e.final ? Math.max(ms, e.time_ms) : ms), 1) : this.o.durationMs;
    const report = workloadReport({ settings, history: this.history.entries, finals: this.finals, lines, durationMs });
    return { report, checks: [linearizableCheck(this.history.entries), finalReadsCheck(this.finals, settings.keys, interrupted)] };
  }

  get entries(): readonly HistoryEntry[] {
    return this.history.entries;
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}

/** The run's workload from its flags, or undefined without `--workload`. */
export function createWorkload(o: { flags: RunFlags; seed: number; network: NetworkModel; log: Logger; guard: { secret: RunSecret | undefined; identity: RunIdentity | undefined } }, nodes: NodeTable, ledger: Ledger, elapsedMs: () => number): Workload | undefined {
  const settings = workloadSettings(o.flags, o.network.default.delay);
  if (!settings) return undefined;
  const locate = (id: string) => {
    const entry = nodes.get(id);
    if (entry?.state === 'ready') return { url: entry.url };
    return { down: `${id} is not running (${entry?.state === 'registered' ? 'rejoining' : (entry?.state ?? 'unknown')})` };
  };
  return new Workload({ settings, seed: o.seed, nodeIds: nodeIds(o.flags.nodes), locate, ledger, log: o.log, secret: o.guard.secret, identity: o.guard.identity, elapsedMs, durationMs: o.flags.duration });
}
