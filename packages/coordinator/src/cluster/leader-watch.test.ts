import { describe, expect, it } from 'vitest';
import { LeaderWatch } from './leader-watch.js';

const leader = (node: string, data: Record<string, unknown>) => ({ node, at: 0, kind: 'leader', data });

describe('LeaderWatch', () => {
  it('names the leader of the highest term or epoch, the later on a tie, and ignores other events', () => {
    const w = new LeaderWatch();
    expect(w.current()).toBeUndefined();
    w.observe(leader('n1', { term: 2 }));
    w.observe(leader('n3', { term: 1 }));
    expect(w.current()).toBe('n1');
    w.observe({ node: 'n4', at: 0, kind: 'apply', data: { term: 9 } });
    w.observe(leader('n2', { term: 'x' }));
    expect(w.current()).toBe('n1');
    w.observe(leader('n4', { epoch: 2 }));
    expect(w.current()).toBe('n4');
    w.observe(leader('n0', { epoch: 7 }));
    expect(w.current()).toBe('n0');
  });
});
