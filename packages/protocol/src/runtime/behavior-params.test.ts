/**
 * The built-ins' `--param` schemas: what the launcher refuses before a run, the node reads the
 * same way, so a run never starts with params its nodes would refuse.
 */
import { describe, expect, it } from 'vitest';
import { BUILTIN_PARAMS, parseBehaviorParams } from './behavior-params.js';

describe('parseBehaviorParams', () => {
  it("reads Raft's params into numbers", () => {
    expect(parseBehaviorParams('raft', { election_ms: '300:600', heartbeat_ms: '100', rate: '5' })).toEqual({
      ok: true,
      value: { election_ms: { min: 300, max: 600 }, heartbeat_ms: 100, rate: 5 },
    });
    expect(parseBehaviorParams('raft', {})).toEqual({ ok: true, value: {} });
  });

  it('names every bad param in one line, and the known ones for an unknown one', () => {
    const bad = parseBehaviorParams('raft', { election_ms: '3', rate: '0', frequency: '2' });
    expect(bad).toEqual({
      ok: false,
      error: '--param election_ms=3: expected MIN:MAX in ms with MIN < MAX; --param rate=0: expected a whole number above 0; --param frequency=2: raft has no such param (its params: election_ms, heartbeat_ms, rate)',
    });
  });

  it('refuses any param for the built-ins that take none', () => {
    for (const kind of Object.keys(BUILTIN_PARAMS) as Array<keyof typeof BUILTIN_PARAMS>) {
      if (kind === 'raft') continue;
      expect(parseBehaviorParams(kind, { x: '1' })).toEqual({ ok: false, error: `--param x=1: ${kind} takes no --param` });
      expect(parseBehaviorParams(kind, {})).toEqual({ ok: true, value: {} });
    }
  });
});
