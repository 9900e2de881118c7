/**
 * One run, from the coordinator's side: wait for `--nodes` registrations (ids in arrival order),
 * send each node its `init`, start traffic once every node has linked to all its peers, stop after
 * `--duration` (or on interrupt), collect every node's final flush, and analyse the journal.
 */
import { LINK_DRAIN_PER_PEER_MS, LINK_DRAIN_TIMEOUT_MS, STOP_TIMEOUT_MS, STOP_TIMEOUT_PER_NODE_MS, EXIT_ERROR, FAULT_KINDS, componentLog, STOP_REASONS, type Logger, type StopCause, type BehaviorEvent } from '@agentnet/protocol';
import { ControlServer, type ControlConnection, type ControlHandlers } from './cluster/control-server.js';
import { ControlApi, type ControlApiHost } from './api/server.js';
import { createApiHost } from './api/host.js';
import type { ApiState } from './api/schema.js';
import { liveStateOf } from './faults/live-state.js';
import { NodeTable, timelineNode, type NodeEntry } from './cluster/node-table.js';
import { Membership } from './cluster/membership.js';
import { ControlHandler, type Phase } from './cluster/control-handler.js';
import { Ledger } from './report/ledger.js';
import { LeaderWatch } from './cluster/leader-watch.js';
import { SetupError } from './errors.js';
import { Conditions, type WaitResult } from './cluster/conditions.js';
import { settleAfterFaults } from './faults/settle.js';
import { FaultTimeline } from './faults/fault-timeline.js';
import { neighbours } from './topology/topology.js';
import { RoutingChecker } from './checkers/routing.js';
import { buildReport } from './report/run-report.js';
import { verdictExitCode } from './checkers/index.js';
import { writeControlFile } from './plan/run-dir.js';
import { createWorkload, type Workload } from './workload/workload.js';
import { sharedInit, type CoordinatorOptions, type RunOutcome } from './plan/run-options.js';

export type { CoordinatorOptions, RunOutcome } from './plan/run-options.js';

export class Coordinator {
  private phase: Phase = 'registering';
  private readonly nodes = new NodeTable();
  private readonly ledger = new Ledger();
  private server: ControlServer | undefined;
  private api: ControlApi | undefined;
  private startedAtMs = 0;
  private setupFailure: string | undefined;
  private readonly conditions = new Conditions();
  private msgId = 1;
  private url = '';
  /** Each node's peers, as sent in its init; a node is ready only with a link to every one. */
  private peerIds = new Map<string, string[]>();
  private readonly timeline: FaultTimeline;
  private readonly checker: RoutingChecker | undefined;
  private readonly membership: Membership;
  private readonly handler: ControlHandler;
  private readonly events: Array<BehaviorEvent & { node: string }> = [];
  private readonly leaders = new LeaderWatch();
  /** The run's own lines; each part logs through its own component's logger (protocol LOG_COMPONENTS). */
  private readonly log: Logger;
  /** Whether the run ended healed and settled (or without faults), so checkers may judge liveness. */
  private settled = true;
  /** When the nodes were told to stop (epoch ms). */
  private stopEpochMs: number | undefined;
  /** The first wrong route when the run stopped (judged before the nodes stop), if any. */
  private mismatchAtStop: string | undefined;
  private readonly workload: Workload | undefined;
  /** When `POST /stop` asked the run to end (ms since start), if it did. */
  private stopAskedAtMs: number | undefined;

  constructor(private readonly options: CoordinatorOptions) {
    this.log = componentLog(options.log, 'run');
    this.peerIds = neighbours(options.topology.graph);
    this.workload = createWorkload({ ...options, log: componentLog(options.log, 'workload') }, this.nodes, this.ledger, () => this.elapsed());
    this.membership = new Membership({
      nodes: this.nodes,
      guard: options.guard,
      peerIds: this.peerIds,
      init: sharedInit(options),
      run: options.run,
      log: componentLog(options.log, 'cluster'),
      server: () => this.server,
      running: () => this.phase === 'running',
      phase: () => this.phase,
      elapsedMs: () => this.elapsed(),
      nextMsgId: () => this.msgId++,
      changed: () => this.conditions.changed(),
      spawnNode: options.spawnNode,
      killing: options.killing,
    });
    if (options.routing) {
      this.checker = new RoutingChecker(options.topology.graph, options.routing, () => liveStateOf(this.nodes.all, this.timeline), () => this.elapsed(), componentLog(options.log, 'checker'));
    }
    this.timeline = new FaultTimeline(options.scenario, {
      nodes: () => this.nodes.all.map((e) => timelineNode(e, (state) => this.server?.send(e.conn, { type: 'faults', msg_id: this.msgId++, ...state }))),
      elapsedMs: () => this.elapsed(),
      log: componentLog(options.log, 'faults'),
      restart: (id) => this.membership.restart(id),
      leader: () => this.leaders.current(),
      killing: options.killing,
      // A crash, stop or restart changes the graph only when the node is seen lost or rejoined.
      recorded: (r) => ('endsProcess' in FAULT_KINDS[r.kind] ? undefined : this.checker?.changed(`${r.kind} ${r.detail}`)),
    });
    this.handler = new ControlHandler({
      server: () => this.server,
      nodes: this.nodes,
      guard: options.guard,
      ledger: this.ledger,
      membership: this.membership,
      timeline: this.timeline,
      checker: this.checker,
      events: this.events,
      leaders: this.leaders,
      peerIds: this.peerIds,
      expectedNodes: options.flags.nodes,
      run: options.run,
      log: componentLog(options.log, 'cluster'),
      phase: () => this.phase,
      nextMsgId: () => this.msgId++,
      changed: () => this.conditions.changed(),
      setupFailed: (reason) => (this.setupFailure ??= reason),
    });
  }

  /** Listens; resolves with the control URL. */
  async listen(): Promise<string> {
    const tls = this.options.guard.controlTls();
    const handlers: ControlHandlers = { onMessage: (conn, msg) => this.handler.onMessage(conn, msg), onClose: (conn, code) => this.onClose(conn, code) };
    this.server = await ControlServer.listen(this.options.host, this.options.port, componentLog(this.options.log, 'control-server'), handlers, tls);
    const host = this.options.host.includes(':') ? `[${this.options.host}]` : this.options.host;
    const url = `${tls ? 'wss' : 'ws'}://${host}:${this.server.port}`;
    this.url = url;
    this.log.info({ url, run_id: this.options.run.id, run_dir: this.options.run.path, seed: this.options.seed }, 'listening');
    this.api = await ControlApi.listen(this.options.flags['api-port'], this.apiHost(), componentLog(this.options.log, 'api'), this.options.guard, this.options.dashboard);
    writeControlFile(this.options.run, { url: this.api.url, pid: process.pid, run_id: this.options.run.id }, this.options.guard.apiToken());
    return url;
  }

  /** The control API's URL (`http://127.0.0.1:PORT`), once listening. */
  get apiUrl(): string { return this.api?.url ?? ''; }

  /** The run now, as the control API's `GET /state` answers (the progress line draws it). */
  state = (): ApiState => this.apiHost().state();

  private apiHost(): ControlApiHost {
    return createApiHost({
      runId: this.options.run.id,
      seed: this.options.seed,
      network: this.options.network,
      url: () => this.url,
      phase: () => this.phase,
      elapsedMs: () => this.elapsed(),
      nodes: () => this.nodes.all,
      timeline: this.timeline,
      peerIds: this.peerIds,
      ledger: this.ledger,
      events: () => this.events,
      stop: () => {
        if (this.stopAskedAtMs === undefined) {
          this.stopAskedAtMs = Math.round(this.elapsed());
          this.log.info({ elapsed_ms: this.stopAskedAtMs, phase: this.phase }, 'stop_requested');
          this.conditions.changed();
        }
        return { stopping: true, elapsed_ms: this.stopAskedAtMs };
      },
    });
  }

  private elapsed(): number {
    return this.startedAtMs === 0 ? 0 : performance.now() - this.startedAtMs;
  }

  async run(signal: AbortSignal): Promise<RunOutcome> {
    const { url, options: { flags } } = this;

    // Registered means answered: with --security on a node's register_ok waits for its certificate.
    const registered = () => (this.nodes.size === flags.nodes && this.options.guard.certifying === 0) || this.setupFailure !== undefined;
    let r = await this.conditions.waitFor(registered, flags['register-timeout'], signal);
    if (r === 'timeout') {
      return this.fail(`only ${this.nodes.size} of ${flags.nodes} nodes registered within ${flags['register-timeout']} ms (coordinator at ${url})`);
    }
    if (this.setupFailure) return this.fail(this.setupFailure);

    if (r === 'ok') {
      this.phase = 'connecting';
      for (const entry of this.nodes.all) this.membership.sendInit(entry);
      r = await this.conditions.waitFor(() => this.nodes.all.every((e) => e.state === 'ready') || this.setupFailure !== undefined, flags['ready-timeout'], signal);
      if (r === 'timeout') {
        const late = this.nodes.all.filter((e) => e.state !== 'ready').map((e) => e.id);
        return this.fail(`${late.join(', ')} did not link to all their peers within ${flags['ready-timeout']} ms`);
      }
      if (this.setupFailure) return this.fail(this.setupFailure);
    }

    const startedAt = new Date();
    let ended: StopCause = 'duration';
    if (r === 'ok') {
      this.phase = 'running';
      this.startedAtMs = performance.now();
      for (const entry of this.nodes.all) this.server?.send(entry.conn, { type: 'start', msg_id: this.msgId++ });
      this.log.info({ nodes: this.nodes.size, duration_ms: flags.duration }, 'start');
      this.checker?.start();
      this.timeline.start();
      this.workload?.start(signal);
      // Runs for the duration, unless interrupted, stopped through the API, or every node has already gone.
      r = await this.conditions.waitFor(() => this.nodes.allFinished() || this.stopAskedAtMs !== undefined, flags.duration, signal);
      ended = this.stopAskedAtMs !== undefined ? 'api' : r === 'ok' ? 'nodes' : 'duration';
      if (r !== 'aborted') r = await this.settle(signal);
    }
    const interrupted = r === 'aborted';
    const stoppedBy = interrupted ? 'interrupt' : ended;
    await this.stopAll(STOP_REASONS[stoppedBy]);
    const outcome = this.finish(startedAt, interrupted, stoppedBy);
    return { ...outcome, events: this.events, history: this.workload?.entries, exitCode: interrupted ? 130 : verdictExitCode(outcome.report?.verdict ?? null) };
  }

  /** The settle phase (faults/settle.ts): the run's faults end, and the cluster gets `--settle` before it is judged. */
  private async settle(signal: AbortSignal): Promise<WaitResult> {
    const { result, settled } = await settleAfterFaults(
      { workload: this.workload, timeline: this.timeline, nodes: this.nodes, conditions: this.conditions, log: this.log, judged: this.options.behavior.checker !== null, flags: this.options.flags },
      signal,
    );
    if (settled !== undefined) this.settled = settled;
    return result;
  }

  /** Sends `stop` to every live node and waits for their final flushes. */
  private async stopAll(reason: string): Promise<void> {
    this.stopEpochMs ??= Date.now();
    if (this.phase === 'running') this.mismatchAtStop = this.checker?.firstMismatch();
    this.checker?.freeze();
    this.timeline.stop();
    this.phase = 'stopping';
    const live = this.nodes.live();
    for (const entry of live) this.server?.send(entry.conn, { type: 'stop', msg_id: this.msgId++, reason });
    this.log.info({ reason, nodes: live.map((e) => e.id) }, 'stop');
    const windowMs = STOP_TIMEOUT_MS + LINK_DRAIN_TIMEOUT_MS + this.nodes.size * (LINK_DRAIN_PER_PEER_MS + STOP_TIMEOUT_PER_NODE_MS);
    const r = await this.conditions.waitFor(() => this.nodes.allFinished(), windowMs);
    if (r === 'timeout') {
      for (const e of this.nodes.live()) this.markLost(e, `no final flush within ${windowMs} ms of stop`);
    }
  }

  private finish(startedAt: Date, interrupted: boolean, stoppedBy: StopCause): Omit<RunOutcome, 'exitCode'> {
    this.phase = 'done';
    const { report, lines, graphSvg } = buildReport({
      options: this.options,
      ledger: this.ledger,
      nodes: this.nodes,
      faults: this.timeline.faults,
      checker: this.checker,
      mismatchAtStop: this.mismatchAtStop,
      startedAt,
      elapsedMs: this.elapsed(),
      interrupted,
      stoppedBy,
      coordinatorUrl: this.url,
      events: this.events,
      settled: this.settled,
      stopEpochMs: this.stopEpochMs,
      workload: this.workload,
    });
    this.log.info({ totals: report.totals, interrupted, stopped_by: stoppedBy }, 'report');
    return { report, lines, graphSvg };
  }

  private fail(error: string): RunOutcome {
    this.log.error({ err: new SetupError(error) }, 'setup_failed');
    for (const e of this.nodes.all) if (e.state !== 'lost') this.server?.send(e.conn, { type: 'stop', msg_id: this.msgId++, reason: error });
    this.phase = 'done';
    return { exitCode: EXIT_ERROR, error };
  }

  private markLost(entry: NodeEntry, reason: string): void {
    this.nodes.markLost(entry, this.elapsed(), reason);
    this.log.warn({ node_id: entry.id, node_pid: entry.pid, reason, phase: this.phase }, 'lost');
    if (this.phase === 'running') this.checker?.changed(`lost ${entry.id}`);
    if (this.phase === 'registering' || this.phase === 'connecting') {
      this.setupFailure ??= `${entry.id} (pid ${entry.pid}) was lost before the run started: ${reason}`;
    }
    if (entry.respawnOnLoss && this.phase === 'running') {
      delete entry.respawnOnLoss;
      this.options.spawnNode?.(entry.id);
    }
    this.conditions.changed();
  }

  private onClose(conn: ControlConnection, code: number): void {
    const entry = conn.nodeId === undefined ? undefined : this.nodes.get(conn.nodeId);
    // A connection of an earlier process of a restarted node says nothing about the new one.
    if (!entry || entry.conn !== conn || entry.state === 'stopped' || entry.state === 'lost') return;
    this.markLost(entry, entry.lostReason ?? `control connection closed (code ${code}) without a final flush`);
  }

  async close(): Promise<void> {
    this.workload?.close();
    await Promise.all([this.server?.close(), this.api?.close()]);
  }
}
