/**
 * One run, from the coordinator's side: wait for `--nodes` registrations (ids in arrival order),
 * send each node its `init`, start traffic once every node has linked to all its peers, stop after
 * `--duration` (or on interrupt), collect every node's final flush, and analyse the journal.
 */
import {
  COORDINATOR_ID,
  ErrorCode,
  LINK_DRAIN_PER_PEER_MS,
  LINK_DRAIN_TIMEOUT_MS,
  STOP_TIMEOUT_MS,
  STOP_TIMEOUT_PER_NODE_MS,
  type JournalRecord,
  type MsgIds,
  type Logger,
  type MessageLine,
  type NodeCounters,
  type NodeToCoordinator,
  type Report,
  type Typed,
} from '@agentnet/protocol';
import { ControlServer, type ControlConnection } from './control-server.js';
import { Ledger } from './ledger.js';
import { SetupError } from './errors.js';
import { Conditions } from './conditions.js';
import { FaultTimeline } from './fault-timeline.js';
import { runConfigOf } from './run-config.js';
import type { ScenarioFile } from './scenario.js';
import { analyze, type NodeFacts } from './analysis.js';
import { fullMeshPeers, nodeIds } from './topology.js';
import { networkModel, type RunFlags } from './cli-options.js';
import type { RunDir } from './run-dir.js';

export interface CoordinatorOptions {
  flags: RunFlags;
  seed: number;
  host: string;
  port: number;
  run: RunDir;
  log: Logger;
  rerun: string;
  /** A timeline of faults to apply once traffic starts. */
  scenario?: ScenarioFile | undefined;
}

export interface RunOutcome {
  /** Absent when the run failed before anything could be reported. */
  report?: Report;
  lines?: MessageLine[];
  exitCode: number;
  error?: string;
}

interface NodeEntry {
  id: string;
  conn: ControlConnection;
  url: string;
  pid: number;
  hostname: string;
  state: 'registered' | 'ready' | 'stopped' | 'lost';
  lost: { at_ms: number; reason: string } | null;
  counters: NodeCounters | null;
  /** Why the node will be lost, when the coordinator itself caused it (a scenario crash). */
  lostReason?: string;
}

type Phase = 'registering' | 'connecting' | 'running' | 'stopping' | 'done';

export class Coordinator {
  private phase: Phase = 'registering';
  private readonly entries: NodeEntry[] = [];
  private readonly byId = new Map<string, NodeEntry>();
  private readonly ledger = new Ledger();
  private server: ControlServer | undefined;
  private startedAtMs = 0;
  private setupFailure: string | undefined;
  private readonly conditions = new Conditions();
  private msgId = 1;
  private url = '';
  /** Each node's peers, as sent in its init; a node is ready only with a link to every one. */
  private peerIds = new Map<string, string[]>();
  private readonly timeline: FaultTimeline;

  constructor(private readonly options: CoordinatorOptions) {
    this.timeline = new FaultTimeline(
      options.scenario,
      () =>
        this.entries.map((e) => ({
          id: e.id,
          pid: e.pid,
          hostname: e.hostname,
          ready: e.state === 'ready',
          running: e.state === 'registered' || e.state === 'ready',
          sendPartitions: (partitions) => this.server?.send(e.conn, { type: 'faults', msg_id: this.msgId++, partitions }),
          expectLoss: (reason) => (e.lostReason = reason),
        })),
      () => this.elapsed(),
      options.log,
    );
  }

  private get log(): Logger {
    return this.options.log;
  }

  /** Listens; resolves with the control URL. */
  async listen(): Promise<string> {
    this.server = await ControlServer.listen(this.options.host, this.options.port, this.log, {
      onMessage: (conn, msg) => this.onMessage(conn, msg),
      onClose: (conn, code) => this.onClose(conn, code),
    });
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `ws://${host}:${this.server.port}`;
    this.url = url;
    this.log.info({ url, run_id: this.options.run.id, run_dir: this.options.run.path, seed: this.options.seed }, 'listening');
    return url;
  }

  private elapsed(): number {
    return this.startedAtMs === 0 ? 0 : performance.now() - this.startedAtMs;
  }

  async run(signal: AbortSignal): Promise<RunOutcome> {
    const url = this.url;
    const { flags } = this.options;
    const ids = nodeIds(flags.nodes);

    let r = await this.conditions.waitFor(() => this.entries.length === flags.nodes || this.setupFailure !== undefined, flags['register-timeout'], signal);
    if (r === 'timeout') {
      return this.fail(`only ${this.entries.length} of ${flags.nodes} nodes registered within ${flags['register-timeout']} ms (coordinator at ${url})`);
    }
    if (this.setupFailure) return this.fail(this.setupFailure);

    if (r === 'ok') {
      this.phase = 'connecting';
      const peers = fullMeshPeers(ids);
      this.peerIds = peers;
      const network = { seed: this.options.seed, ...networkModel(flags) };
      for (const entry of this.entries) {
        const peerIds = peers.get(entry.id) ?? [];
        const peerList = peerIds.map((id) => ({ id, url: this.entry(id)?.url ?? '' }));
        this.server?.send(entry.conn, {
          type: 'init',
          msg_id: this.msgId++,
          node_id: entry.id,
          node_ids: ids,
          peers: peerList,
          network,
          traffic: { behavior: flags.traffic, interval: flags.interval, message_size: flags['message-size'] },
          validate_peer_messages: flags['peer-validation'],
        });
        this.log.info({ node_id: entry.id, peers: peerIds }, 'init');
      }
      r = await this.conditions.waitFor(() => this.entries.every((e) => e.state === 'ready') || this.setupFailure !== undefined, flags['ready-timeout'], signal);
      if (r === 'timeout') {
        const late = this.entries.filter((e) => e.state !== 'ready').map((e) => e.id);
        return this.fail(`${late.join(', ')} did not link to all their peers within ${flags['ready-timeout']} ms`);
      }
      if (this.setupFailure) return this.fail(this.setupFailure);
    }

    const startedAt = new Date();
    if (r === 'ok') {
      this.phase = 'running';
      this.startedAtMs = performance.now();
      for (const entry of this.entries) this.server?.send(entry.conn, { type: 'start', msg_id: this.msgId++ });
      this.log.info({ nodes: this.entries.length, duration_ms: flags.duration }, 'start');
      this.timeline.start();
      // Runs for the duration, unless interrupted or every node has already gone.
      r = await this.conditions.waitFor(() => this.allFinished(), flags.duration, signal);
    }
    const interrupted = r === 'aborted';
    await this.stopAll(interrupted ? 'interrupted' : 'duration elapsed');
    return { ...this.finish(startedAt, interrupted), exitCode: interrupted ? 130 : 0 };
  }

  private entry(id: string): NodeEntry | undefined {
    return this.byId.get(id);
  }

  /** Every node has sent its final flush or is lost: nothing more will come. */
  private allFinished(): boolean {
    return this.entries.every((e) => e.state === 'stopped' || e.state === 'lost');
  }

  /** Sends `stop` to every live node and waits for their final flushes. */
  private async stopAll(reason: string): Promise<void> {
    this.timeline.stop();
    this.phase = 'stopping';
    const live = this.entries.filter((e) => e.state === 'registered' || e.state === 'ready');
    for (const entry of live) this.server?.send(entry.conn, { type: 'stop', msg_id: this.msgId++, reason });
    this.log.info({ reason, nodes: live.map((e) => e.id) }, 'stop');
    const n = this.entries.length;
    const windowMs = STOP_TIMEOUT_MS + LINK_DRAIN_TIMEOUT_MS + n * (LINK_DRAIN_PER_PEER_MS + STOP_TIMEOUT_PER_NODE_MS);
    const r = await this.conditions.waitFor(() => this.allFinished(), windowMs);
    if (r === 'timeout') {
      for (const e of this.entries) if (e.state !== 'stopped' && e.state !== 'lost') this.markLost(e, `no final flush within ${windowMs} ms of stop`);
    }
  }

  private finish(startedAt: Date, interrupted: boolean): Omit<RunOutcome, 'exitCode'> {
    this.phase = 'done';
    const { flags, run } = this.options;
    const lost = new Set(this.entries.filter((e) => e.state === 'lost').map((e) => e.id));
    const lines = this.ledger.lines(lost);
    const nodes: NodeFacts[] = this.entries.map((e) => ({ id: e.id, pid: e.pid, url: e.url, hostname: e.hostname, lost: e.lost, reported: e.counters }));
    const report = analyze({
      runId: run.id,
      runDir: run.path,
      startedAt: startedAt.toISOString(),
      elapsedMs: this.elapsed(),
      interrupted,
      config: runConfigOf(flags, this.options.seed),
      rerun: this.options.rerun,
      coordinator: { pid: process.pid, url: this.url },
      nodes,
      lines,
      anomalies: this.ledger.anomalies,
      faults: this.timeline.faults,
    });
    this.log.info({ totals: report.totals, interrupted }, 'report');
    return { report, lines };
  }

  private fail(error: string): RunOutcome {
    this.log.error({ err: new SetupError(error) }, 'setup_failed');
    for (const e of this.entries) if (e.state !== 'lost') this.server?.send(e.conn, { type: 'stop', msg_id: this.msgId++, reason: error });
    this.phase = 'done';
    return { exitCode: 1, error };
  }

  private markLost(entry: NodeEntry, reason: string): void {
    entry.state = 'lost';
    entry.lost = { at_ms: Math.round(this.elapsed()), reason };
    this.log.warn({ node_id: entry.id, node_pid: entry.pid, reason, phase: this.phase }, 'lost');
    if (this.phase === 'registering' || this.phase === 'connecting') {
      this.setupFailure ??= `${entry.id} (pid ${entry.pid}) was lost before the run started: ${reason}`;
    }
    this.conditions.changed();
  }

  private onClose(conn: ControlConnection, code: number): void {
    const entry = conn.nodeId === undefined ? undefined : this.entry(conn.nodeId);
    if (!entry || entry.state === 'stopped' || entry.state === 'lost') return;
    this.markLost(entry, entry.lostReason ?? `control connection closed (code ${code}) without a final flush`);
  }

  private onMessage(conn: ControlConnection, msg: Typed<NodeToCoordinator & MsgIds>): void {
    const server = this.server;
    if (!server) return;
    const body = msg.body;
    const seen = { src: msg.src, type: body.type, ...(body.msg_id === undefined ? {} : { msg_id: body.msg_id }) };
    if (msg.dest !== COORDINATOR_ID) {
      return server.reject(conn, ErrorCode.node_not_found, `this is the coordinator; "${msg.dest}" is not reachable on the control channel`, seen);
    }
    if (body.type === 'register') {
      if (conn.nodeId !== undefined) return server.reject(conn, ErrorCode.unexpected_message, `already registered as ${conn.nodeId}`, seen);
      if (this.entries.length >= this.options.flags.nodes) {
        return server.reject(conn, ErrorCode.cluster_full, `the run already has its ${this.options.flags.nodes} nodes`, seen);
      }
      if (this.phase !== 'registering') {
        return server.reject(conn, ErrorCode.unexpected_message, `registration is closed: the run is ${this.phase}`, seen);
      }
      const id = `n${this.entries.length}`;
      conn.nodeId = id;
      const entry: NodeEntry = { id, conn, url: body.url, pid: body.pid, hostname: body.hostname, state: 'registered', lost: null, counters: null };
      this.entries.push(entry);
      this.byId.set(id, entry);
      server.send(conn, { type: 'register_ok', in_reply_to: body.msg_id, node_id: id, run_id: this.options.run.id, run_dir: this.options.run.path });
      this.log.info({ node_id: id, url: body.url, node_pid: body.pid, hostname: body.hostname, registered: this.entries.length, of: this.options.flags.nodes }, 'register');
      return this.conditions.changed();
    }
    const entry = conn.nodeId === undefined ? undefined : this.entry(conn.nodeId);
    if (!entry) return server.reject(conn, ErrorCode.unexpected_message, `${body.type} before register`, seen);
    if (msg.src !== entry.id) return server.reject(conn, ErrorCode.unknown_peer, `this connection is ${entry.id}, not ${msg.src}`, seen);
    switch (body.type) {
      case 'ready':
        if (this.phase !== 'connecting' || entry.state !== 'registered') {
          return server.reject(conn, ErrorCode.unexpected_message, `ready is not expected while ${this.phase}`, seen);
        }
        {
          const missing = (this.peerIds.get(entry.id) ?? []).filter((p) => !body.peers.includes(p));
          if (missing.length > 0) {
            return server.reject(conn, ErrorCode.malformed_request, `ready without links to ${missing.join(', ')}`, seen);
          }
        }
        entry.state = 'ready';
        this.log.info({ node_id: entry.id, peers: body.peers.length }, 'ready');
        return this.conditions.changed();
      case 'records':
        return this.onRecords(conn, entry, body.records, body.msg_id);
      case 'stopped':
        if (entry.state === 'stopped' || entry.state === 'lost') {
          return server.reject(conn, ErrorCode.unexpected_message, `${entry.id} has already stopped`, seen);
        }
        entry.state = 'stopped';
        entry.counters = body.counters;
        this.log.info({ node_id: entry.id, counters: body.counters }, 'stopped');
        if (this.phase === 'registering' || this.phase === 'connecting') {
          this.setupFailure ??= `${entry.id} (pid ${entry.pid}) stopped before the run started`;
        }
        return this.conditions.changed();
      case 'error':
        this.log.warn({ node_id: entry.id, error: body }, 'error_reply');
        return;
    }
  }

  private onRecords(conn: ControlConnection, entry: NodeEntry, records: JournalRecord[], msgId: number | undefined): void {
    let refused = 0;
    for (const record of records) {
      // A node reports only what it sent (send, drop) or received (recv) itself.
      const own = record.t === 'recv' || record.t === 'dup' ? record.dest === entry.id : record.src === entry.id;
      if (own) this.ledger.add(record);
      else refused++;
    }
    if (refused > 0) {
      this.server?.reject(conn, ErrorCode.malformed_request, `${refused} records are not about ${entry.id}`, { src: entry.id, type: 'records', ...(msgId === undefined ? {} : { msg_id: msgId }) });
    }
    this.log.debug({ node_id: entry.id, records: records.length }, 'records');
  }

  async close(): Promise<void> {
    await this.server?.close();
  }
}
