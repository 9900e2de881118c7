/**
 * One agent process: a WebSocket server for its peers, a control channel to the coordinator, links
 * to every peer, the link shaper on everything it sends and the journal of everything it sends and
 * receives. Lifecycle: listen -> register -> init -> link to peers -> ready -> start -> stop.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, FORGED_ID_MARK, LINK_DRAIN_PER_PEER_MS, LINK_DRAIN_TIMEOUT_MS, UNREGISTERED_ID, BadInputError, componentLog, createLogger, type CoordinatorToNode, type Init, type LogSink, type MsgIds, type Logger, type Typed } from '@agentnet/protocol';
import { CoordinatorLink } from './links/coordinator-link.js';
import { NodeRecords } from './records/node-records.js';
import type { AgentNodeOptions } from './cli-options.js';
export type { AgentNodeOptions } from './cli-options.js';
import type { DataPath } from './network/data-path.js';
import { describeFaults } from './network/link-gate.js';
import { PeerMesh } from './links/peer-mesh.js';
import { connectOptions } from './links/mesh-options.js';
import { listenForPeers, type PeerServer } from './links/peer-server.js';
import { createInbound } from './inbound.js';
import { BehaviorModuleError } from './api/behavior-module.js';
import { selectBehavior, type SelectedBehavior } from './behaviors/select.js';
import { openNodeStorage } from './api/node-storage.js';
import type { Behavior } from './api/behavior.js';
import type { NodeRouting } from './routing/node-routing.js';
import { buildDataPlane } from './data-plane.js';
import { LinkGuard } from './security/link-guard.js';
import { RegisterAuth } from './security/register-proof.js';
import { NodeIdentity } from './security/node-identity.js';
import { createSealedPath } from './security/sealed-receipt.js';
import { ConnectionAttacker, attacksOf } from './byzantine/connection-attacks.js';

type State = 'starting' | 'registering' | 'registered' | 'connecting' | 'ready' | 'running' | 'stopping' | 'stopped';

export class AgentNode {
  /** The lifecycle's lines; each part logs through its own component's logger (protocol LOG_COMPONENTS). */
  readonly log: Logger;
  private readonly root: Logger;
  private readonly sink: LogSink;
  private state: State = 'starting';
  private id: string | undefined;
  private init: Init | undefined;
  /** Where this node's peer server listens, and its attacks on the ways in (when it is Byzantine). */
  private url = '';
  private connectionAttacker: ConnectionAttacker | undefined;
  private peers: PeerServer | undefined;
  private control: CoordinatorLink | undefined;
  private data: DataPath | undefined;
  private behavior: Behavior | undefined;
  /** The behaviour's stable storage, beside the node's log; opened when the behaviour first uses it. */
  private storagePath: string | undefined;
  private storage: ReturnType<typeof openNodeStorage> | undefined;
  private routing: NodeRouting | undefined;
  private readonly mesh: PeerMesh;
  private readonly records: NodeRecords;
  private readonly guard: LinkGuard;
  private readonly auth: RegisterAuth;
  private stopping: Promise<number> | undefined;
  private resolveExit: (code: number) => void = () => {};
  private readonly exited = new Promise<number>((resolve) => {
    this.resolveExit = resolve;
  });

  constructor(private readonly options: AgentNodeOptions) {
    const { log, sink } = createLogger({
      role: 'node',
      level: options.logLevel,
      pretty: options.pretty,
      mixin: () => (this.id === undefined ? {} : { node: this.id }),
    });
    this.root = log;
    this.log = componentLog(log, 'lifecycle');
    this.sink = sink;
    // A node that stops before it registers has no id to name its log by: its lines go to the log directory given (the launcher's run directory), not the terminal.
    if (options.logDir !== undefined) sink.unopenedPath = join(options.logDir, `unregistered-${process.pid}.log`);
    this.guard = new LinkGuard(options.secret);
    this.auth = new RegisterAuth(options.secret, this.guard);
    this.mesh = new PeerMesh({
      log: componentLog(log, 'links'),
      guard: this.guard,
      onMessage: createInbound({
        log: componentLog(log, 'inbound'),
        data: () => this.data,
        routing: () => this.routing,
        behavior: () => this.behavior,
        state: () => this.state,
      }),
      // Journaled only when it is a Byzantine fault's forgery (its id says so): any other's id is unverified and may be a real message's.
      onWrongLink: (msg) => (msg.id.includes(FORGED_ID_MARK) ? this.data?.refusedOnLink(msg, 'wrong_link') : undefined),
      onLinkDown: (peer) => this.routing?.linkDown(peer),
      onLinkUp: (peer) => this.routing?.linkUp(peer),
    });
    this.records = new NodeRecords(componentLog(log, 'records'), componentLog(log, 'data'), (msg) => this.control?.send(msg));
  }

  /** Runs the node until it stops; resolves with the process exit code. */
  async run(): Promise<number> {
    // With the run secret every link is TLS: the node's key pair is made before it listens.
    if (this.options.secret) this.guard.identity = await NodeIdentity.create(this.options.authority);
    this.peers = listenForPeers(this.options, this.mesh, this.guard, componentLog(this.root, 'links'));
    const url = (this.url = await this.peers.url);
    this.state = 'registering';
    // A stop while the coordinator is still being dialed (a Ctrl-C during start-up) ends the run now, not after the dial's last retry.
    return Promise.race([this.exited, this.register(url)]);
  }

  private async register(url: string): Promise<number> {
    let control: CoordinatorLink;
    try {
      control = await CoordinatorLink.connect(this.options.coordinatorUrl, componentLog(this.root, 'coordinator-link'), () => this.id ?? UNREGISTERED_ID, {
        onMessage: (msg) => this.onControl(msg),
        onClose: (code) => this.onControlClose(code),
        tls: this.guard.identity?.coordinatorTls,
      });
    } catch (err) {
      if (this.stopping) return this.exited;
      this.log.error({ err }, 'coordinator_unavailable');
      void this.shutdown('coordinator unavailable', 1);
      return this.exited;
    }
    if (this.stopping) {
      control.close();
      return this.exited;
    }
    this.control = control;
    const rejoin = this.options.nodeId === undefined ? {} : { node_id: this.options.nodeId, ...(this.options.rejoinTicket === undefined ? {} : { ticket: this.options.rejoinTicket }) };
    this.control.send(this.auth.register({ type: 'register', msg_id: 0, url, pid: process.pid, hostname: hostname(), ...rejoin }));
    return this.exited;
  }

  private unexpected(msg: Typed<CoordinatorToNode & MsgIds>): void {
    this.control?.refuse(msg, ErrorCode.unexpected_message, `${msg.body.type} is not expected while ${this.state}`);
  }

  private onControl(msg: Typed<CoordinatorToNode & MsgIds>): void {
    const body = msg.body;
    switch (body.type) {
      case 'register_ok': {
        if (this.state !== 'registering') return this.unexpected(msg);
        const refused = this.auth.refusal(body, this.control?.peerCertificate);
        if (refused !== undefined) {
          this.log.error({ err: new BadInputError(ErrorCode.unauthorized, refused), coordinator: this.options.coordinatorUrl }, 'reject');
          return void this.shutdown(refused, 1);
        }
        this.peers?.secure();
        this.id = body.node_id;
        this.sink.open(join(this.options.logDir ?? body.run_dir, `${body.node_id}.log`), { node: body.node_id });
        this.storagePath = join(this.options.logDir ?? body.run_dir, `${body.node_id}.storage.jsonl`);
        this.log.info({ run_id: body.run_id, coordinator: this.options.coordinatorUrl }, 'register');
        this.state = 'registered';
        return;
      }
      case 'init':
        if (this.state !== 'registered' || body.node_id !== this.id) return this.unexpected(msg);
        return this.onInit(body);
      case 'start':
        if (this.state !== 'ready') return this.unexpected(msg);
        this.state = 'running';
        this.records.start();
        this.routing?.start();
        this.behavior?.start();
        this.log.info({}, 'start');
        return;
      case 'faults':
        if (!this.data) return this.unexpected(msg);
        this.data.applyFaults(body);
        this.connectionAttacker?.set(attacksOf(body, this.id));
        this.log.info(describeFaults(body, this.id), 'faults');
        return;
      case 'node_key':
        this.guard.identity?.endToEnd.know([body.key]);
        return;
      case 'peer_restarted':
        if (!this.init) return this.unexpected(msg);
        this.log.info({ peer: body.peer.id, url: body.peer.url }, 'peer_restarted');
        this.mesh.relink(body.peer);
        return;
      case 'stop':
        void this.shutdown(`coordinator: ${body.reason}`, 0, body.msg_id);
        return;
      case 'error':
        this.log.warn({ error: body }, 'error_reply');
        if (this.state === 'registering') void this.shutdown(`registration refused: ${body.text}`, 1); // nothing else will come
        return;
      default:
        return this.unexpected(msg);
    }
  }

  private onInit(init: Init): void {
    this.init = init;
    this.state = 'connecting';
    const identity = this.guard.identity;
    identity?.endToEnd.know(init.keys ?? []);
    this.log.info({ peers: init.peers.map((p) => p.id), seed: init.network.seed, network: init.network, traffic: init.traffic, incarnation: init.incarnation, down: init.down }, 'init');
    const plane = buildDataPlane(init, {
      mesh: this.mesh,
      journal: this.records.journal,
      hot: this.records.hot,
      log: componentLog(this.root, 'routing'),
      isRunning: () => this.state === 'running',
      reportRoutes: (routes) => this.control?.send(routes),
      storage: () => (this.storage ??= openNodeStorage(this.storagePath ?? `${init.node_id}.storage.jsonl`, init.incarnation === 0)),
      sealed: identity && createSealedPath({ keys: identity.endToEnd, self: { id: init.node_id, incarnation: init.incarnation }, mesh: this.mesh, guard: this.guard, log: componentLog(this.root, 'inbound') }),
    });
    this.routing = plane.routing;
    this.data = plane.data;
    this.connectionAttacker = new ConnectionAttacker({ self: init.node_id, nodeIds: init.node_ids, peers: () => this.mesh.knownPeers, url: this.url, coordinatorUrl: this.options.coordinatorUrl, secret: this.options.secret, guard: this.guard, journal: this.records.journal, log: componentLog(this.root, 'byzantine') });
    const { handle } = plane;
    const record = (kind: string, data: Record<string, unknown>) => this.records.events.record(kind, data);
    let selected: SelectedBehavior;
    try {
      selected = selectBehavior(init, handle, componentLog(this.root, 'behavior'), record);
    } catch (err) {
      // A bad --param, for one: the node says why and leaves, which fails the run's setup.
      this.log.error({ err }, 'behavior_failed');
      void this.shutdown(`behaviour ${init.traffic.behavior}: ${(err as Error).message}`, 1);
      return;
    }
    // A behaviour module is loaded while the links come up; the node is ready only with both.
    const loaded = selected.behavior.then((behavior) => {
      this.behavior = behavior;
    });
    const linked = this.mesh.connect(init.node_id, init.peers, init.node_ids, connectOptions(init, selected.anyBody));
    Promise.all([linked, loaded]).then(
      () => {
        if (this.state !== 'connecting') return;
        this.state = 'ready';
        this.log.info({ peers: this.mesh.linkedPeers }, 'ready');
        this.control?.send({ type: 'ready', in_reply_to: init.msg_id, peers: this.mesh.linkedPeers });
      },
      (err: unknown) => {
        const module = err instanceof BehaviorModuleError;
        this.log.error({ err }, module ? 'behavior_failed' : 'peer_unavailable');
        void this.shutdown(module ? (err as Error).message : 'a peer is unavailable', 1);
      },
    );
  }

  private onControlClose(code: number): void {
    if (this.state === 'stopping' || this.state === 'stopped') return;
    this.log.error({ code }, 'coordinator_lost');
    void this.shutdown('coordinator lost', 1);
  }

  /** Stops sending, drains the links, ships the last records and closes everything. */
  stop(reason: string): Promise<number> {
    return this.shutdown(reason, 0);
  }

  private shutdown(reason: string, exitCode: number, stopMsgId?: number): Promise<number> {
    this.stopping ??= this.doShutdown(reason, exitCode, stopMsgId);
    return this.stopping;
  }

  private async doShutdown(reason: string, exitCode: number, stopMsgId?: number): Promise<number> {
    this.state = 'stopping';
    this.behavior?.stop();
    this.routing?.stop();
    this.records.journal.counters.in_flight = this.data?.close() ?? 0;
    this.connectionAttacker?.close();
    // Taken once the behaviour has stopped: nothing of its code runs after, so the count is final.
    const behaviorErrors = this.behavior?.errors?.() ?? { count: 0, first: null };
    this.log.info({ reason, ...this.records.journal.counters, behavior_errors: behaviorErrors.count }, 'stop');
    // Only the coordinator's `stop` ends the run; a node stopped alone (a signal) leaves it running.
    const silent = await this.mesh.drain(LINK_DRAIN_TIMEOUT_MS + LINK_DRAIN_PER_PEER_MS * (this.init?.peers.length ?? 0), stopMsgId !== undefined);
    if (silent.length > 0) this.log.warn({ peers: silent }, 'drain_timeout');
    // Nothing may be received after the final flush (a delivered message would show as in flight): links whose peer never said bye are cut first.
    this.mesh.cut(silent);
    this.records.finish();
    if (this.control?.open) {
      await this.control.sendAndWait({
        type: 'stopped',
        ...(stopMsgId === undefined ? {} : { in_reply_to: stopMsgId }),
        counters: this.records.journal.counters,
        behavior_errors: behaviorErrors,
        reason: reason.slice(0, 1000),
        refused: this.guard.refused(),
        refused_messages: this.guard.refusedMessages(),
      });
    }
    this.mesh.close();
    this.storage?.close();
    this.control?.close();
    this.peers?.close();
    this.state = 'stopped';
    this.log.info({ exit_code: exitCode }, 'exit');
    this.resolveExit(exitCode);
    return exitCode;
  }

  /** Writes buffered log lines to disk; call right before the process exits. */
  flushLogs(): void {
    this.sink.flushSync();
  }

  /** Writes buffered log lines and waits until the file has them; before a normal exit. */
  drainLogs(): Promise<void> {
    return this.sink.drain();
  }
}
