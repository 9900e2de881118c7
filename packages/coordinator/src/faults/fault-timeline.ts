/**
 * The faults of a running cluster, from the scenario's timeline, the nemesis and the control API:
 * partitions, link faults, paused and Byzantine nodes become the complete fault state sent to every
 * ready node; crash, pause, resume and stop become signals to the node's process; restart asks the
 * coordinator to start the node again. Every applied fault lands in the report's `faults[]`, with
 * `name` on a record that starts a fault period and `ends` on one that ends periods.
 */
import { hostname } from 'node:os';
import { FAULT_KINDS, FaultKind, SIGNAL_FAULTS, type Attack, type LinkFault, type Partition, type PauseMode } from '@agentnet/protocol';
import { LEADER_TARGET, linkOverridesOf, nodesNamed, partitionOf, type Action, type ScenarioFile, type Step } from './scenario.js';
import { FaultError } from '../errors.js';
import type { FaultHost, FaultRecord, FaultState } from './timeline-host.js';

export type { FaultHost, FaultRecord, FaultState, TimelineNode } from './timeline-host.js';

/** What a record says besides its kind and detail: the node it struck, the period it starts or those it ends. */
interface RecordExtra {
  node?: string;
  name?: string;
  ends?: string[];
}

export class FaultTimeline {
  readonly faults: FaultRecord[] = [];
  private readonly partitions = new Map<string, Partition>();
  private readonly links = new Map<string, LinkFault[]>();
  private readonly paused = new Map<string, { pid: number; mode: PauseMode }>();
  /** Byzantine nodes, by the name of their period (`byzantine n2`), healed like a partition. */
  private readonly byzantine = new Map<string, { node: string; attacks: Attack[] }>();
  /** Node fault periods under way (`crash n2`, `stop n2`), ended by a restart. */
  private readonly down = new Map<string, 'crash' | 'stop'>();
  /** Steps scheduled and not yet due. */
  private readonly pending = new Map<NodeJS.Timeout, Step>();
  /** Set once the run's faults are over (it settles): no fault may start after that. */
  private ended = false;
  private counter = { partition: 0, link: 0 };
  /** Nodes `crash: leader` killed that no `restart: leader` has started again yet, oldest first. */
  private crashedLeaders: string[] = [];

  constructor(
    private readonly scenario: ScenarioFile | undefined,
    private readonly host: FaultHost,
  ) {}

  /** Schedules every step relative to now (the start of traffic). */
  start(): void {
    for (const step of [...(this.scenario?.timeline ?? [])].sort((a, b) => a.at - b.at)) {
      const timer = setTimeout(() => {
        this.pending.delete(timer);
        this.scheduled(step);
      }, step.at);
      this.pending.set(timer, step);
    }
  }

  /** Cancels the steps not yet due (recorded as skipped) and lets paused nodes run again, so they can stop. */
  stop(): void {
    this.cancelPending();
    for (const { pid } of this.paused.values()) kill(pid, 'SIGCONT');
    this.paused.clear();
  }

  /** Nodes paused now. */
  get pausedNodes(): string[] {
    return [...this.paused.keys()];
  }

  /** The fault state every ready node holds. */
  state(): FaultState {
    return {
      partitions: [...this.partitions.values()],
      links: [...this.links.values()].flat(),
      paused: [...this.paused].map(([node, p]) => ({ node, mode: p.mode })),
      byzantine: [...this.byzantine.values()],
    };
  }

  /** Names of the partitions, link faults and Byzantine nodes in force, for `heal`. */
  get healable(): string[] {
    return [...this.partitions.keys(), ...this.links.keys(), ...this.byzantine.keys()];
  }

  private scheduled(step: Step): void {
    try {
      this.apply(step);
    } catch (err) {
      if (!(err instanceof FaultError)) throw err;
      this.record(stepKind(step), `skipped: ${err.message}`);
    }
  }

  /**
   * Ends the faults of a run before it settles: steps a scenario placed after the run's end are
   * cancelled (a partition during the settle would leave the checkers judging liveness under a
   * fault), later faults are refused, and everything in force ends (reset). Returns the nodes the
   * reset started again, for the settle to wait for.
   */
  endFaults(): string[] {
    this.ended = true;
    this.cancelPending();
    if (this.faults.every((f) => f.detail.startsWith('skipped'))) return [];
    const restarted = this.downNodes();
    this.reset();
    return restarted;
  }

  /** The nodes a crash or stop took down that no restart has started again. */
  private downNodes = (): string[] => [...this.down.keys()];

  /** A step a scenario placed after the run's end never runs: it is listed in the report as skipped. */
  private cancelPending(): void {
    for (const [timer, step] of this.pending) {
      clearTimeout(timer);
      this.record(stepKind(step), `skipped: due at ${step.at} ms, after the run's end`);
    }
    this.pending.clear();
  }

  /** Applies one fault now; throws FaultError, having changed nothing, when it cannot. */
  apply(step: Action): FaultRecord {
    if (this.ended) throw new FaultError('the run has ended its faults and is settling');
    const action = this.resolveLeader(step);
    const record = this.applyResolved(action);
    if (step.crash === LEADER_TARGET && action.crash !== undefined) this.crashedLeaders.push(action.crash);
    if (step.restart === LEADER_TARGET) this.crashedLeaders.shift();
    return record;
  }

  /** `crash: leader` names the node that leads now; `restart: leader` the oldest leader crashed and not restarted. */
  private resolveLeader(action: Action): Action {
    if (action.crash === LEADER_TARGET) {
      const leader = this.host.leader?.();
      if (leader === undefined) throw new FaultError('no leader to crash: no node has recorded a leader event yet');
      return { ...action, crash: leader };
    }
    if (action.restart === LEADER_TARGET) {
      const crashed = this.crashedLeaders[0];
      if (crashed === undefined) throw new FaultError('no crashed leader to restart');
      return { ...action, restart: crashed };
    }
    return action;
  }

  private applyResolved(action: Action): FaultRecord {
    const ids = this.host.nodes().map((n) => n.id);
    const unknown = nodesNamed(action).filter((id) => !ids.includes(id));
    if (unknown.length > 0) throw new FaultError(`unknown node ${unknown.join(', ')} (this run has ${ids[0]}..${ids.at(-1)})`);
    if (action.partition) {
      const p = action.partition;
      const name = p.name ?? this.freshName('partition', 'p');
      if (this.links.has(name)) throw new FaultError(`"${name}" already names a link fault`);
      const partition = partitionOf(p, name, ids);
      this.partitions.set(name, partition);
      const how = p.groups ? `groups ${JSON.stringify(p.groups)}` : p.preset ? `preset ${p.preset}${p.node ? ` ${p.node}` : ''}` : `${p.both ? 'both ways' : 'one-way'} ${p.from?.join(',')} ${p.both ? '<->' : '->'} ${p.to?.join(',')}`;
      return this.changed('partition', `${name} (${p.mode}): ${how}, ${partition.cuts.length} directed links cut`, { name });
    }
    if (action.link) {
      const name = action.link.name ?? this.freshName('link', 'l');
      if (this.partitions.has(name)) throw new FaultError(`"${name}" already names a partition`);
      const faults = linkOverridesOf(action.link).map((o) => ({ ...o, name }));
      if (faults.length === 0) throw new FaultError('the link step names no link between two different nodes');
      this.links.set(name, faults);
      const { name: _n, from, to, both, ...model } = action.link;
      const what = Object.entries(model).filter(([, v]) => v !== undefined).map(([k]) => k).join(', ');
      return this.changed('link', `${name}: ${from.join(',')} ${both ? '<->' : '->'} ${to.join(',')}, ${what} changed on ${faults.length} directed links`, { name });
    }
    if (action.heal !== undefined) {
      const names = action.heal === true ? this.healable : [action.heal];
      const missing = names.filter((n) => !this.partitions.has(n) && !this.links.has(n) && !this.byzantine.has(n));
      if (missing.length > 0) throw new FaultError(`nothing named ${missing.join(', ')} to heal (in force: ${this.healable.join(', ') || 'none'})`);
      for (const n of names) this.partitions.delete(n) || this.links.delete(n) || this.byzantine.delete(n);
      return this.changed('heal', names.length > 0 ? names.join(', ') : 'nothing to heal', { ends: names });
    }
    if (action.byzantine) {
      const { node, attacks } = action.byzantine;
      const name = `byzantine ${node}`;
      if (this.byzantine.has(name)) throw new FaultError(`${node} is already Byzantine (${this.byzantine.get(name)?.attacks.join(', ')}): heal "${name}" first`);
      this.byzantine.set(name, { node, attacks: [...new Set(attacks)] });
      return this.changed('byzantine', `${node} attacks: ${attacks.join(', ')}`, { node, name });
    }
    if (action.restart !== undefined) {
      const id = action.restart;
      const down = this.down.get(id);
      this.down.delete(id);
      // Its moment is before the old process is killed, as a node fault's is before its signal.
      const at = this.host.elapsedMs();
      this.dropPaused(id);
      return this.record('restart', this.host.restart(id), { node: id, ends: down === undefined ? [] : [`${down} ${id}`] }, at);
    }
    return this.nodeFault(action);
  }

  /** The next default name (p1, p2, ... or l1, l2, ...) that no fault in force uses. */
  private freshName(kind: 'partition' | 'link', prefix: string): string {
    let name: string;
    do name = `${prefix}${++this.counter[kind]}`;
    while (this.partitions.has(name) || this.links.has(name));
    return name;
  }

  /** Ends every fault: heals all partitions and link faults, resumes paused nodes, restarts crashed ones. */
  reset(): FaultRecord {
    const ends = [...this.healable, ...[...this.paused.keys()].map((id) => `pause ${id}`), ...[...this.down].map(([id, kind]) => `${kind} ${id}`)];
    const at = this.host.elapsedMs();
    for (const [, { pid }] of this.paused) kill(pid, 'SIGCONT');
    const restarted = this.downNodes();
    this.partitions.clear();
    this.links.clear();
    this.byzantine.clear();
    this.paused.clear();
    this.down.clear();
    this.crashedLeaders = [];
    const details = restarted.map((id) => this.host.restart(id));
    this.broadcast();
    return this.record('reset', ends.length > 0 ? `ended ${ends.join(', ')}${details.length > 0 ? `; ${details.join('; ')}` : ''}` : 'no fault in force', { ends }, at);
  }

  /** A fault the nodes apply on the broadcast: its moment is taken before it, as a node may act on it before the log line. */
  private changed(kind: FaultKind, detail: string, extra: RecordExtra, atMs = this.host.elapsedMs()): FaultRecord {
    this.broadcast();
    return this.record(kind, detail, extra, atMs);
  }

  private broadcast(): void {
    const state = this.state();
    for (const node of this.host.nodes()) if (node.ready) node.sendFaults(state);
  }

  private record(kind: FaultKind, detail: string, extra: RecordExtra = {}, atMs = this.host.elapsedMs()): FaultRecord {
    const ends = extra.ends && extra.ends.length > 0 ? { ends: extra.ends } : {};
    const record: FaultRecord = { at_ms: Math.round(atMs), kind, detail, ...(extra.node ? { node: extra.node } : {}), ...(extra.name ? { name: extra.name } : {}), ...ends };
    this.faults.push(record);
    this.host.log.info({ kind, detail, ...extra, in_force: this.healable }, 'fault');
    this.host.recorded?.(record);
    return record;
  }

  private dropPaused(id: string): void {
    const p = this.paused.get(id);
    if (!p) return;
    kill(p.pid, 'SIGCONT');
    this.paused.delete(id);
    this.broadcast();
  }

  /**
   * crash, pause, resume and stop are signals to the node's process: possible only for a node on
   * this host that runs.
   */
  private nodeFault(action: Action): FaultRecord {
    const fault = SIGNAL_FAULTS.find((a) => action[a] !== undefined);
    if (!fault) throw new FaultError('the step does nothing');
    const pause = typeof action.pause === 'object' ? action.pause : undefined;
    const id = pause?.node ?? (action[fault] as string);
    const mode: PauseMode = pause?.mode ?? 'hold';
    const node = this.host.nodes().find((n) => n.id === id);
    const signal = FAULT_KINDS[fault].signal;
    if (!node?.running) throw new FaultError(`${id} is not running`);
    if (node.hostname !== hostname()) throw new FaultError(`${id} runs on ${node.hostname}, not on this host, so it cannot be signalled`);
    if (fault === 'pause' && this.paused.has(id)) throw new FaultError(`${id} is already paused`);
    if (fault === 'resume' && !this.paused.has(id)) throw new FaultError(`${id} is not paused`);
    if (fault === 'crash') {
      node.expectLoss('crashed by a fault (SIGKILL)');
      this.host.killing?.(node.pid);
    }
    // The fault's moment is the signal's: the broadcast and the log line after it can lag on a busy
    // machine while a resumed node already receives.
    const at = this.host.elapsedMs();
    if (!kill(node.pid, signal)) throw new FaultError(`${signal} to ${id} (pid ${node.pid}) failed`);
    const detail = `${id}: ${signal} to pid ${node.pid}${fault === 'pause' ? ` (${mode})` : ''}`;
    if (fault === 'pause') {
      this.paused.set(id, { pid: node.pid, mode });
      return this.changed('pause', detail, { node: id, name: `pause ${id}` }, at);
    }
    const wasPaused = this.paused.has(id);
    // A stopped process only acts on its SIGTERM once it runs again.
    if (wasPaused) this.dropPaused(id);
    if (fault === 'resume') return this.record('resume', detail, { node: id, ends: [`pause ${id}`] }, at);
    this.down.set(id, fault);
    return this.record(fault, detail, { node: id, name: `${fault} ${id}`, ...(wasPaused ? { ends: [`pause ${id}`] } : {}) }, at);
  }
}

/** The kind of fault a step is: its one action (the scenario's schema holds exactly one). */
function stepKind(step: Step): FaultKind {
  const kind = FaultKind.options.find((k) => k in step && (step as Record<string, unknown>)[k] !== undefined);
  if (kind === undefined) throw new Error(`a step without an action passed the scenario schema: ${JSON.stringify(step)}`);
  return kind;
}

function kill(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false;
  }
}
