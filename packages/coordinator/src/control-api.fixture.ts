/**
 * For the unit tests: a control API host that records what it is asked to do, in front of a real
 * ControlApi on a free loopback port, with its log lines readable from a temp file.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type FaultRecord, type LogSink } from '@agentnet/protocol';
import { ControlApi, type ControlApiHost } from './control-api.js';
import { apiLinks, apiState } from './control-api-state.js';
import type { ApiLink, ApiState, ApiStopResult, LinksQuery, RunPhase } from './control-api-schema.js';
import type { FaultState } from './fault-timeline.js';
import type { Action } from './scenario.js';

const IDS = ['n0', 'n1', 'n2', 'n3'];

export class RecordingHost implements ControlApiHost {
  phase: RunPhase = 'running';
  readonly applied: Action[] = [];
  resets = 0;
  stops = 0;
  readonly linkFilters: LinksQuery[] = [];
  /** Thrown by the next apply, before it records anything. */
  failWith: Error | undefined;
  /** In force: one partition `cut` between n0 and the rest, one link fault `slow` on n1>n2. */
  readonly faults: FaultState = {
    partitions: [{ name: 'cut', mode: 'drop', cuts: IDS.filter((id) => id !== 'n0').flatMap((id): Array<[string, string]> => [['n0', id], [id, 'n0']]) }],
    links: [{ name: 'slow', src: 'n1', dest: 'n2', delay: { kind: 'constant', ms: 500 } }],
    paused: [{ node: 'n3', mode: 'drop' }],
  };
  readonly history: FaultRecord[] = [{ at_ms: 100, kind: 'partition', detail: 'cut (drop): ...', name: 'cut' }];

  state(): ApiState {
    return apiState({
      runId: 'unit',
      seed: 7,
      phase: this.phase,
      elapsedMs: 1234.4,
      coordinator: { pid: process.pid, url: 'ws://127.0.0.1:1' },
      nodes: IDS.map((id, i) => ({ id, pid: 1000 + i, state: 'ready', incarnation: 0 })),
      faults: this.faults,
      names: [...new Set([...this.faults.partitions, ...this.faults.links].map((x) => x.name))],
      history: this.history,
    });
  }

  links(filter: LinksQuery): ApiLink[] {
    this.linkFilters.push(filter);
    const network = { default: { delay: { kind: 'uniform' as const, min: 50, max: 150 }, loss: { kind: 'none' as const }, duplicate: 0, reorder: 0, bandwidth: null, queue: null }, links: [] };
    const links = IDS.flatMap((src) => IDS.filter((dest) => dest !== src).map((dest) => [src, dest] as const));
    return apiLinks({ links, network, faults: this.faults, counts: (s, d) => ({ sent: 3, delivered: s === 'n0' || d === 'n0' ? 0 : 3, dropped: s === 'n0' || d === 'n0' ? 3 : 0, in_flight: 0 }) }, filter);
  }

  apply(action: Action): FaultRecord {
    const failure = this.failWith;
    this.failWith = undefined;
    if (failure) throw failure;
    this.applied.push(action);
    const kind = Object.keys(action)[0] ?? 'step';
    const name = action.partition?.name ?? action.link?.name ?? (action.partition ? 'p1' : action.link ? 'l1' : undefined);
    return { at_ms: 2000, kind, detail: JSON.stringify(action), ...(name === undefined ? {} : { name }) };
  }

  reset(): FaultRecord {
    this.resets++;
    return { at_ms: 2500, kind: 'reset', detail: 'ended cut, slow', ends: ['cut', 'slow'] };
  }

  stop(): ApiStopResult {
    this.stops++;
    return { stopping: true, elapsed_ms: 3000 };
  }

  get changed(): boolean {
    return this.applied.length > 0 || this.resets > 0 || this.stops > 0;
  }
}

export interface ApiFixture {
  host: RecordingHost;
  api: ControlApi;
  /** The API's log lines so far. */
  logLines: () => Array<Record<string, unknown>>;
  close: () => Promise<void>;
}

export async function startApi(): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'agentnet-api-'));
  const { log, sink } = createLogger({ role: 'coordinator', level: 'debug', pretty: false });
  sink.open(join(dir, 'coordinator.log'));
  const host = new RecordingHost();
  const api = await ControlApi.listen(0, host, log);
  return {
    host,
    api,
    logLines: () => readLines(sink, join(dir, 'coordinator.log')),
    close: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readLines(sink: LogSink, path: string): Array<Record<string, unknown>> {
  sink.flushSync();
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
