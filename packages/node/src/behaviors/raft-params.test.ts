/** The node reads Raft's params through the schema the launcher checks them with. */
import { describe, expect, it } from 'vitest';
import { parseBehaviorParams } from '@agentnet/protocol';
import { BehaviorParamError, raftParams } from './index.js';

describe('raftParams', () => {
  it('turns the params into Raft options', () => {
    expect(raftParams({ election_ms: '300:600', heartbeat_ms: '100', rate: '5' })).toEqual({
      timing: { electionMinMs: 300, electionMaxMs: 600, heartbeatMs: 100 },
      writesPerSecond: 5,
    });
    expect(raftParams({})).toEqual({});
  });

  it.each<Record<string, string>>([{ election_ms: 'abc' }, { heartbeat_ms: '0' }, { rate: '1.5' }, { electon_ms: '300:600' }])('refuses %j with the message the launcher gives', (params) => {
    const launcher = parseBehaviorParams('raft', params);
    expect(launcher.ok).toBe(false);
    expect(() => raftParams(params)).toThrow(BehaviorParamError);
    expect(() => raftParams(params)).toThrow(launcher.ok ? 'unreachable' : launcher.error);
  });
});
