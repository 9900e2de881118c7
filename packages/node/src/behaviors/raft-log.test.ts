/**
 * The Raft log's rules on their own: the AppendEntries consistency check and its retry hints,
 * conflict truncation (and no truncation for entries that already match, as a late duplicate
 * carries), and the up-to-date comparison a voter makes.
 */
import { describe, expect, it } from 'vitest';
import { RaftLog, type RaftEntry } from './raft-log.js';

const e = (term: number, n: number): RaftEntry => ({ term, key: `k${n}`, value: `v${n}` });
/** A log holding entries with these terms, index 1 first. */
function logOf(...terms: number[]): RaftLog {
  const log = new RaftLog();
  terms.forEach((t, i) => log.append(e(t, i + 1)));
  return log;
}
const terms = (log: RaftLog) => Array.from({ length: log.lastIndex }, (_, i) => log.termAt(i + 1));

describe('Raft log', () => {
  it('accepts entries after a matching prevIndex/prevTerm and reports the last new index', () => {
    const log = logOf(1, 1);
    expect(log.accept(2, 1, [e(2, 3), e(2, 4)])).toEqual({ ok: true, lastNew: 4, truncatedFrom: undefined });
    expect(terms(log)).toEqual([1, 1, 2, 2]);
    // A heartbeat (no entries) that matches changes nothing.
    expect(log.accept(4, 2, [])).toEqual({ ok: true, lastNew: 4, truncatedFrom: undefined });
    expect(log.lastIndex).toBe(4);
    // Index 0 always matches: a leader can rebuild an empty follower from the start.
    expect(new RaftLog().accept(0, 0, [e(1, 1)])).toMatchObject({ ok: true, lastNew: 1 });
  });

  it('refuses a prevIndex past its end, hinting at its next index', () => {
    const log = logOf(1, 1);
    expect(log.accept(5, 3, [e(3, 6)])).toEqual({ ok: false, hint: 3 });
    expect(log.lastIndex).toBe(2);
  });

  it('refuses a prevTerm mismatch, hinting at the first index of its conflicting term', () => {
    const log = logOf(1, 2, 2, 2);
    expect(log.accept(4, 3, [])).toEqual({ ok: false, hint: 2 });
    // The leader retries from there; at index 1 the logs agree, so everything after is replaced.
    expect(log.accept(1, 1, [e(3, 2), e(3, 3)])).toEqual({ ok: true, lastNew: 3, truncatedFrom: 2 });
    expect(terms(log)).toEqual([1, 3, 3]);
  });

  it('truncates at the first conflicting entry and keeps what matches before it', () => {
    const log = logOf(1, 1, 2, 2, 2);
    expect(log.accept(1, 1, [e(1, 2), e(3, 3)])).toEqual({ ok: true, lastNew: 3, truncatedFrom: 3 });
    expect(terms(log)).toEqual([1, 1, 3]);
    expect(log.entry(3)).toEqual(e(3, 3));
  });

  it('keeps later entries when a late AppendEntries carries only a prefix of them', () => {
    const log = logOf(1, 1, 1, 1);
    // An older message (entries 2..3) arriving after a newer one appended up to 4 must not cut 4 off.
    expect(log.accept(1, 1, [e(1, 2), e(1, 3)])).toEqual({ ok: true, lastNew: 3, truncatedFrom: undefined });
    expect(log.lastIndex).toBe(4);
  });

  it('compares logs by last term, then by length (§5.4.1)', () => {
    const log = logOf(1, 2, 2);
    expect(log.candidateIsUpToDate(3, 2)).toBe(true);
    expect(log.candidateIsUpToDate(5, 2)).toBe(true);
    expect(log.candidateIsUpToDate(2, 2)).toBe(false);
    // A longer log of an older last term is less up-to-date.
    expect(log.candidateIsUpToDate(9, 1)).toBe(false);
    expect(log.candidateIsUpToDate(1, 3)).toBe(true);
    expect(new RaftLog().candidateIsUpToDate(0, 0)).toBe(true);
  });

  it('slices entries for an AppendEntries, bounded by a batch size', () => {
    const log = logOf(1, 1, 2, 2, 3);
    expect(log.from(2, 2).map((x) => x.value)).toEqual(['v2', 'v3']);
    expect(log.from(5, 10).map((x) => x.value)).toEqual(['v5']);
    expect(log.from(6, 10)).toEqual([]);
    expect(log.termAt(0)).toBe(0);
    expect(log.termAt(6)).toBeUndefined();
  });
});
