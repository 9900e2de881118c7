/**
 * Runs a scenario's timeline against the live cluster: partitions and heals become the complete
 * set of active partitions sent to every ready node; node faults become signals to the node's
 * process. Every step lands in the report's `faults[]`.
 */
import { hostname } from 'node:os';
import type { Logger, Partition, Report } from '@agentnet/protocol';
import { NODE_FAULT_SIGNALS, partitionOf, type ScenarioFile, type Step } from './scenario.js';

/** What the timeline needs to know of a node and to do with it. */
export interface TimelineNode {
  id: string;
  pid: number;
  hostname: string;
  /** Whether the node is up and linked (it then gets partition updates). */
  ready: boolean;
  running: boolean;
  /** Sends the node its new set of active partitions. */
  sendPartitions(partitions: Partition[]): void;
  /** Remembers why the node will be lost when the timeline itself kills it. */
  expectLoss(reason: string): void;
}

export class FaultTimeline {
  readonly faults: Report['faults'] = [];
  private readonly partitions = new Map<string, Partition>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly paused = new Set<TimelineNode>();

  constructor(
    private readonly scenario: ScenarioFile | undefined,
    private readonly nodes: () => TimelineNode[],
    private readonly elapsedMs: () => number,
    private readonly log: Logger,
  ) {}

  /** Schedules every step relative to now (the start of traffic). */
  start(): void {
    for (const step of [...(this.scenario?.timeline ?? [])].sort((a, b) => a.at - b.at)) {
      this.timers.push(setTimeout(() => this.apply(step), step.at));
    }
  }

  /** Cancels the steps not yet due and lets paused nodes run again, so they can stop. */
  stop(): void {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    for (const node of this.paused) {
      try {
        process.kill(node.pid, 'SIGCONT');
      } catch {
        // Already gone.
      }
    }
    this.paused.clear();
  }

  private apply(step: Step): void {
    const fault = (['crash', 'pause', 'resume', 'stop'] as const).find((a) => step[a] !== undefined);
    if (fault) return this.record(fault, this.signal(step[fault] as string, fault));
    const ids = this.nodes().map((n) => n.id);
    let detail: string;
    if (step.partition) {
      const p = step.partition;
      const name = p.name ?? `p${this.faults.filter((f) => f.kind === 'partition').length + 1}`;
      const partition = partitionOf(p, name, ids);
      this.partitions.set(name, partition);
      const how = p.groups ? `groups ${JSON.stringify(p.groups)}` : p.preset ? `preset ${p.preset}${p.node ? ` ${p.node}` : ''}` : `one-way ${p.from?.join(',')} -> ${p.to?.join(',')}`;
      detail = `${name} (${p.mode}): ${how}, ${partition.cuts.length} directed links cut`;
    } else {
      const names = step.heal === true ? [...this.partitions.keys()] : [String(step.heal)];
      for (const n of names) this.partitions.delete(n);
      detail = names.length > 0 ? names.join(', ') : 'nothing to heal';
    }
    const active = [...this.partitions.values()];
    for (const node of this.nodes()) if (node.ready) node.sendPartitions(active);
    this.record(step.partition ? 'partition' : 'heal', detail, { active: active.map((p) => p.name) });
  }

  private record(kind: string, detail: string, extra: Record<string, unknown> = {}): void {
    this.faults.push({ at_ms: Math.round(this.elapsedMs()), kind, detail });
    this.log.info({ kind, detail, ...extra }, 'fault');
  }

  /**
   * A node fault is a signal to the node's process: possible only for a node on this host; a node
   * elsewhere (containers) is left alone and the fault says so.
   */
  private signal(id: string, fault: keyof typeof NODE_FAULT_SIGNALS): string {
    const node = this.nodes().find((n) => n.id === id);
    const signal = NODE_FAULT_SIGNALS[fault];
    if (!node?.running) return `${id}: skipped, the node is not running`;
    if (node.hostname !== hostname()) return `${id}: skipped, the node runs on ${node.hostname}, not on this host`;
    try {
      if (fault === 'crash') node.expectLoss('crashed by the scenario (SIGKILL)');
      process.kill(node.pid, signal);
    } catch (err) {
      return `${id}: ${signal} to pid ${node.pid} failed: ${(err as Error).message}`;
    }
    if (fault === 'pause') this.paused.add(node);
    if (fault === 'resume') this.paused.delete(node);
    return `${id}: ${signal} to pid ${node.pid}`;
  }
}
