import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@agentnet/protocol';
import { History } from './history.js';
import { outcomeOf } from './kv-client.js';
import { finalReadsCheck } from '../report/workload-report.js';

describe('what a reply means for an operation', () => {
  it('is ok for the matching reply, with the value a read saw', () => {
    expect(outcomeOf('read', { type: 'read_ok', in_reply_to: 1, value: 4 })).toEqual({ type: 'ok', value: 4 });
    expect(outcomeOf('write', { type: 'write_ok', in_reply_to: 1 })).toEqual({ type: 'ok' });
    expect(outcomeOf('cas', { type: 'cas_ok', in_reply_to: 1 })).toEqual({ type: 'ok' });
  });

  it('reads nothing on key-does-not-exist, so a lost write shows in a final read', () => {
    expect(outcomeOf('read', { type: 'error', in_reply_to: 1, code: ErrorCode.key_does_not_exist, text: 'no key' })).toEqual({ type: 'ok', value: null });
    expect(outcomeOf('cas', { type: 'error', in_reply_to: 1, code: ErrorCode.key_does_not_exist, text: 'no key' })).toMatchObject({ type: 'fail', error: { code: 20 } });
  });

  it('fails on a definite error and is unknown (info) on any other', () => {
    for (const code of [1, 10, 11, 12, 14, 20, 21, 22, 30]) expect(outcomeOf('write', { type: 'error', code, text: 'x' }).type, String(code)).toBe('fail');
    for (const code of [0, 13, 999]) expect(outcomeOf('cas', { type: 'error', code, text: 'x' }).type, String(code)).toBe('info');
  });

  it('is unknown when the reply does not answer the operation', () => {
    expect(outcomeOf('read', { type: 'write_ok', in_reply_to: 1 })).toEqual({ type: 'info', error: { code: ErrorCode.malformed_request, text: 'unexpected reply write_ok to a read' } });
  });
});

describe('the history', () => {
  it('numbers its lines, points each completion at its invoke, and closes what is outstanding as info', () => {
    let now = 0;
    const h = new History(() => now);
    const a = h.invoke({ process: 'c1', f: 'write', key: 0, value: 3, node: 'n0' });
    now = 5;
    const b = h.invoke({ process: 'c2', f: 'read', key: 0, value: null, node: 'n1' });
    now = 7;
    expect(h.complete(b, { type: 'ok', value: 3, msg: 'c2-1' })).toMatchObject({ index: 2, type: 'ok', value: 3, invoke_index: 1, time_ms: 7, msg: 'c2-1' });
    expect(h.complete(b, { type: 'ok', value: 3 })).toBeUndefined();
    h.closeOutstanding('the run stopped');
    expect(h.entries[3]).toMatchObject({ type: 'info', process: 'c1', value: 3, invoke_index: a.index, error: { code: 0, text: 'the run stopped' } });
    expect(h.complete(a, { type: 'ok' })).toBeUndefined();
    expect(h.outstanding).toEqual([]);
  });
});

describe('the final reads check', () => {
  const read = (key: number, ok: boolean, value: number | null = null) => ({ key, ok, value, node: ok ? 'n1' : null, attempts: ok ? 1 : 9 });

  it('is valid when every key was read, and unknown when one could not be', () => {
    expect(finalReadsCheck([read(0, true, 5), read(1, true)], 2, false)).toEqual({ name: 'final reads', valid: true, detail: 'every key read after the settle: 0=5 1=nothing' });
    expect(finalReadsCheck([read(0, true, 5), read(1, false)], 2, false)).toMatchObject({ valid: 'unknown', detail: expect.stringMatching(/^no final read of key 1 \(9 attempts\) was answered ok/) });
    expect(finalReadsCheck([], 2, true)).toMatchObject({ valid: 'unknown' });
  });
});
