import { describe, expect, it } from 'vitest';
import { REPLAY_WINDOW, ReplayWindow } from './replay-window.js';

describe('ReplayWindow', () => {
  it('lets each sequence number through once, in any order within the window', () => {
    const w = new ReplayWindow();
    expect([3, 1, 2, 3, 1, 5, 4, 5].map((s) => w.check(s))).toEqual(['new', 'new', 'new', 'seen', 'seen', 'new', 'new', 'seen']);
  });

  it('tells a number far behind the newest apart from a new one only within the window', () => {
    const w = new ReplayWindow();
    expect(w.check(1)).toBe('new');
    expect(w.check(REPLAY_WINDOW + 1)).toBe('new');
    // 1 is exactly a window behind: too old to tell; 2 is just inside and never came.
    expect(w.check(1)).toBe('old');
    expect(w.check(2)).toBe('new');
    expect(w.check(2)).toBe('seen');
  });

  it('forgets what it saw as the window slides past, bit by bit and a word at a time', () => {
    const w = new ReplayWindow();
    for (let s = 1; s <= 100; s++) expect(w.check(s)).toBe('new');
    // Slide by less than a word, then by many words, then by more than the whole window.
    expect(w.check(REPLAY_WINDOW + 5)).toBe('new');
    expect(w.check(5)).toBe('old');
    expect(w.check(6)).toBe('seen');
    expect(w.check(100)).toBe('seen');
    expect(w.check(REPLAY_WINDOW + 101)).toBe('new');
    // 101 .. REPLAY_WINDOW + 4 never came: new, once; what the slide cleared does not read as seen.
    expect(w.check(200)).toBe('new');
    expect(w.check(200)).toBe('seen');
    expect(w.check(REPLAY_WINDOW + 4)).toBe('new');
    expect(w.check(5 * REPLAY_WINDOW)).toBe('new');
    expect(w.check(4 * REPLAY_WINDOW + 1)).toBe('new');
    expect(w.check(4 * REPLAY_WINDOW)).toBe('old');
  });
});
