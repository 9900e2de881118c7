/**
 * The digest and reconciliation of reliable broadcast: a digest names per origin the top counter and
 * the missing ranges; from a peer's digest a node computes exactly what the peer lacks (nothing it
 * has, all it has not), a side that has everything gets nothing, and malformed digests and values
 * are refused.
 */
import { describe, expect, it } from 'vitest';
import { Digest, HeldValues, MalformedValueError, parseValue } from './reliable-broadcast-digest.js';

const holding = (...values: string[]) => {
  const h = new HeldValues();
  for (const v of values) h.add(v);
  return h;
};
const range = (origin: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${origin}:${from + i}`);

describe('reliable broadcast digest', () => {
  it('keeps a contiguous run and the gaps above it, whatever the arrival order', () => {
    const h = holding('a:3', 'a:1', 'a:7', 'a:4', 'b:2', 'a:9');
    expect(h.digest()).toEqual({ a: { top: 9, gaps: [[2, 2], [5, 6], [8, 8]] }, b: { top: 2, gaps: [[1, 1]] } });
    expect(h.size).toBe(6);
    // Filling the first gap joins the run up to the next one.
    expect(h.add('a:2')).toBe(true);
    expect(h.add('a:2')).toBe(false);
    expect(h.digest().a).toEqual({ top: 9, gaps: [[5, 6], [8, 8]] });
    expect(h.has('a:4') && !h.has('a:5') && !h.has('c:1')).toBe(true);
  });

  it('computes exactly the values a peer lacks, from its digest alone', () => {
    const mine = holding(...range('a', 1, 10), ...range('b', 1, 4), 'c:2');
    const theirs = holding(...range('a', 1, 3), 'a:6', 'a:8', ...range('b', 1, 6), 'd:1');
    expect(mine.missingFrom(theirs.digest())).toEqual(['a:4', 'a:5', 'a:7', 'a:9', 'a:10', 'c:2']);
    expect(theirs.missingFrom(mine.digest())).toEqual(['b:5', 'b:6', 'd:1']);
    // After the exchange both hold the union, and neither lacks anything of the other.
    for (const v of mine.missingFrom(theirs.digest())) theirs.add(v);
    for (const v of theirs.missingFrom(mine.digest())) mine.add(v);
    expect(mine.digest()).toEqual(theirs.digest());
    expect(mine.missingFrom(theirs.digest())).toEqual([]);
    expect(theirs.missingFrom(mine.digest())).toEqual([]);
  });

  it('sends nothing to a side that has everything, and everything to an empty one', () => {
    const all = holding(...range('a', 1, 50), ...range('b', 3, 5));
    const less = holding(...range('a', 1, 20), 'b:4');
    expect(less.missingFrom(all.digest())).toEqual([]);
    expect(new HeldValues().missingFrom(all.digest())).toEqual([]);
    expect(all.missingFrom({})).toEqual([...range('a', 1, 50), ...range('b', 3, 5)]);
    expect(all.missingFrom(less.digest())).toEqual([...range('a', 21, 50), 'b:3', 'b:5']);
  });

  it('stays small: its size grows with origins and gaps, not with values', () => {
    const many = holding(...range('n0.x', 1, 5000), ...range('n1.y', 1, 5000));
    expect(JSON.stringify(many.digest()).length).toBeLessThan(80);
  });

  it('refuses malformed digests and values', () => {
    expect(Digest.safeParse({ a: { top: 5, gaps: [[2, 3]] } }).success).toBe(true);
    for (const bad of [{ a: { top: 5, gaps: [[3, 2]] } }, { a: { top: 5, gaps: [[2, 5]] } }, { a: { top: 9, gaps: [[4, 5], [2, 3]] } }, { a: { top: 0, gaps: [] } }, { a: { top: 2 } }]) {
      expect(Digest.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    expect(parseValue('n1.k3:12')).toEqual({ origin: 'n1.k3', k: 12 });
    for (const bad of ['a', 'a:0', ':1', 'a:b:1', 'a:1.5']) expect(() => new HeldValues().add(bad), bad).toThrow(MalformedValueError);
  });
});
