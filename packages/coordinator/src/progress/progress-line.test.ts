import { describe, expect, it } from 'vitest';
import type { ApiState } from '../api/schema.js';
import { progressLine } from './progress-line.js';

const state = (over: Partial<ApiState>): ApiState => ({
  run_id: 'r',
  seed: 1,
  phase: 'running',
  elapsed_ms: 3250,
  coordinator: { pid: 1, url: 'ws://127.0.0.1:1' },
  nodes: [
    { id: 'n0', pid: 10, state: 'ready', incarnation: 0 },
    { id: 'n1', pid: 11, state: 'ready', incarnation: 0 },
    { id: 'n2', pid: 12, state: 'lost', incarnation: 0 },
  ],
  totals: { sent: 120, delivered: 100, dropped: 15, in_flight: 5 },
  in_force: { partitions: [], links: [], paused: [], byzantine: [], names: [] },
  history: [],
  ...over,
});

describe('the progress line', () => {
  it('says during start-up how many nodes registered and linked', () => {
    const nodes = [{ id: 'n0', pid: 10, state: 'registered' as const, incarnation: 0 }];
    expect(progressLine({ state: state({ phase: 'registering', nodes }), expected: 200, durationMs: 10_000, perSecond: undefined })).toBe('registering: nodes 1/200 registered, 0 ready');
  });

  it('while running: elapsed against duration, nodes, messages so far and per second, faults in force', () => {
    expect(progressLine({ state: state({}), expected: 3, durationMs: 10_000, perSecond: 41.6 })).toBe(
      '3.3 s / 10.0 s  nodes 3/3 registered, 2 ready, 1 lost  sent 120 delivered 100 dropped 15  42 msg/s  faults: none',
    );
    const faults = { partitions: [], links: [], paused: [{ node: 'n1', mode: 'hold' as const }], byzantine: [], names: ['split'] };
    expect(progressLine({ state: state({ phase: 'stopping', in_force: faults }), expected: 3, durationMs: 10_000, perSecond: undefined })).toBe(
      'stopping: 3.3 s / 10.0 s  nodes 3/3 registered, 2 ready, 1 lost  sent 120 delivered 100 dropped 15  faults: split, paused n1',
    );
  });
});
